from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuoyu.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from tuoyu.core import rules  # noqa: F401  (registers every scoping rule)
