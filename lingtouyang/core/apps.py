from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lingtouyang.core"
    label = "core"
