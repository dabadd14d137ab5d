from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "lingtouyang.recruitment"
    label = "recruitment"
    verbose_name = _("public recruitment")
    default_auto_field = "django.db.models.BigAutoField"
