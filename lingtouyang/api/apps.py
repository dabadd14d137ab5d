from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lingtouyang.api"
    label = "api"
