from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "lingtouyang.oversight"
    label = "oversight"
    verbose_name = _("oversight")
    default_auto_field = "django.db.models.BigAutoField"
