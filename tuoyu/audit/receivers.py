"""The audit trail answers core's signals (core.signals): denied accesses and core's own audited writes."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from tuoyu.audit.models import Outcome
from tuoyu.audit.services import audit_record
from tuoyu.core.signals import access_denied, audit_requested


@receiver(access_denied, dispatch_uid="tuoyu.audit.record_denial")
def record_denial(sender: Any, *, exc: Any, **kwargs: Any) -> None:
    """An object outside the user's scope was asked for (answered 404): the auditor sees the probing."""
    audit_record(
        "access.denied",
        object_type=exc.model_label,
        object_id=exc.object_id,
        outcome=Outcome.DENIED,
        actor=exc.user if getattr(exc.user, "is_authenticated", False) else None,
        detail={"action": exc.action},
    )


@receiver(audit_requested, dispatch_uid="tuoyu.audit.record_requested")
def record_requested(sender: Any, *, action: str, **fields: Any) -> None:
    fields.pop("signal", None)
    audit_record(action, **fields)
