"""Who sees a notification: its recipient alone."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.core.scoping import register
from tuoyu.notifications.models import Notification


@register(Notification)
def _notification(user: Any, action: str) -> Q | None:
    # One's inbox is one's own: nobody else reads or marks it, not the system admin, not the auditor.
    if action in {"view", "change"}:
        return Q(recipient_id=user.pk)
    return None
