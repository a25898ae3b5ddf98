from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tuoyu.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from tuoyu.core import registry

        # Every app's scoping rules, menu entries, home panels, tick jobs and demo steps (see registry).
        registry.autodiscover()
