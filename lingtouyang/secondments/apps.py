from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondmentsConfig(AppConfig):
    name = "lingtouyang.secondments"
    label = "secondments"
    verbose_name = _("secondments")
    default_auto_field = "django.db.models.BigAutoField"
