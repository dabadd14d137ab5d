from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "lingtouyang.tasks"
    label = "tasks"
    verbose_name = _("key tasks")
    default_auto_field = "django.db.models.BigAutoField"
