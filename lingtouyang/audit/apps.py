from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lingtouyang.audit"
    label = "audit"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lingtouyang.audit.guard import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="lingtouyang.audit.sqlite_guard")
