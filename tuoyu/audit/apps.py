from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tuoyu.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from tuoyu.audit import receivers  # noqa: F401  (answers core's access_denied and audit_requested)
