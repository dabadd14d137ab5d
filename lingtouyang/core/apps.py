from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lingtouyang.core"
    label = "core"

    def ready(self) -> None:
        from lingtouyang.core import checks  # noqa: F401 - registers the deploy checks
