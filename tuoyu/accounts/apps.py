from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tuoyu.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from tuoyu.accounts import signals  # noqa: F401  (login/logout/lockout audit events)
