from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lingtouyang.accounts"
    label = "accounts"

    def ready(self) -> None:
        from lingtouyang.accounts import signals  # noqa: F401 - connects the lockout audit
