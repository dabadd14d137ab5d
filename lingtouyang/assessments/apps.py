from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "lingtouyang.assessments"
    label = "assessments"
    verbose_name = _("assessment")
    default_auto_field = "django.db.models.BigAutoField"
