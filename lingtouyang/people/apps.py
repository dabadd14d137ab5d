from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lingtouyang.people"
    label = "people"
