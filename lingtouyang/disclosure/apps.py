from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "lingtouyang.disclosure"
    label = "disclosure"
    verbose_name = _("village affairs disclosure")
    default_auto_field = "django.db.models.BigAutoField"
