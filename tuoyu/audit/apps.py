from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tuoyu.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        # Every app declares the audit actions it writes in its own actions.py (an AuditAction enumeration).
        from tuoyu.audit import (
            receivers,  # noqa: F401  (answers core's access_denied and audit_requested)
            registry,
        )

        autodiscover_modules(registry.ACTIONS_MODULE)
        registry.collect()
        # Each app's revealable personal data (audit.reveals.Revealable), so the audit tests see them all.
        autodiscover_modules("reveals")
