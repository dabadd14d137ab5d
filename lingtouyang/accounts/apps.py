from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lingtouyang.accounts"
    label = "accounts"
