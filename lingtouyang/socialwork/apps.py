from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialworkConfig(AppConfig):
    name = "lingtouyang.socialwork"
    label = "socialwork"
    verbose_name = _("social-work certification")
    default_auto_field = "django.db.models.BigAutoField"
