from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lingtouyang.regions"
    label = "regions"
