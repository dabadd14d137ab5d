from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lingtouyang.audit"
    label = "audit"
