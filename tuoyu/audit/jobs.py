"""The audit trail's daily jobs: retention (≥ 180 days) first, then a signed checkpoint of the chain's head."""

from __future__ import annotations

from typing import Any

from tuoyu.audit.services import audit_checkpoint, audit_prune
from tuoyu.core.registry import job


def _prune(out: Any) -> str:
    return f"audit retention: pruned {audit_prune()} events"


def _checkpoint(out: Any) -> str:
    checkpoint = audit_checkpoint()
    return f"audit checkpoint #{checkpoint['seq']}: head {checkpoint['last_id'] or '-'}"


job(name="audit-prune", order=10, run=_prune)
job(name="audit-checkpoint", order=20, run=_checkpoint)
