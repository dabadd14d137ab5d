from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "lingtouyang.backup"
    label = "backup"
