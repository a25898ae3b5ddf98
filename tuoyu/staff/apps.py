from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class StaffConfig(AppConfig):
    name = "tuoyu.staff"
    label = "staff"
    verbose_name = gettext_lazy("工作人员")

    def ready(self) -> None:
        from tuoyu.staff import receivers  # noqa: F401  (answers bans.signals: who is employed now)
