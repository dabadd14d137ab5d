from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservesConfig(AppConfig):
    name = "lingtouyang.reserves"
    label = "reserves"
    verbose_name = _("reserve pool")
    default_auto_field = "django.db.models.BigAutoField"
