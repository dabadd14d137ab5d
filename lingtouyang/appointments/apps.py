from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "lingtouyang.appointments"
    label = "appointments"
    verbose_name = _("appointments and dismissals")
    default_auto_field = "django.db.models.BigAutoField"
