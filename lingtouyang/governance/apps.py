from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "lingtouyang.governance"
    label = "governance"
    verbose_name = _("village governance")
    default_auto_field = "django.db.models.BigAutoField"
