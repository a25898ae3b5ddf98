"""How core asks for what it cannot do itself: core imports no app, so the audit app answers these.

- ``access_denied`` (``exc``: a ``scoping.DeniedNotFound``): a request was refused an object outside the
  user's scope; sent after the view's transaction is over, so the record stays (audit records it).
- ``audit_requested`` (``action`` and ``audit_record``'s keyword arguments): a write of core's own (the
  field-key rotation) must be audited in its transaction. ``request_audit`` refuses to go on unaudited.
- ``rows_created`` (``sender``: the model, ``instances``: the rows): a bulk write (``bulk_create`` sends no
  ``post_save``) tells those who watch a model's rows — the compliance re-evaluation — what it inserted, once
  for the batch. Sent inside the writer's transaction, like ``post_save``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

access_denied = Signal()
audit_requested = Signal()
rows_created = Signal()


def request_audit(action: str, **fields: Any) -> None:
    """Audit ``action`` in the caller's transaction; raise if no app records audit events (never unaudited)."""
    if not audit_requested.has_listeners():
        raise ImproperlyConfigured(f"nothing records audit events: {action} cannot be audited")
    audit_requested.send(sender=None, action=action, **fields)
