"""Reads of the inbox: a user's own notifications only (notifications/scoping.py), newest first."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tuoyu.core.scoping import scoped
from tuoyu.notifications.models import Notification


def inbox(*, viewer: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = scoped(viewer, "view", Notification)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, viewer: Any) -> int:
    """How many of the viewer's notifications are unread: one COUNT on the inbox index (every page asks)."""
    if not getattr(viewer, "is_authenticated", False):
        return 0
    return scoped(viewer, "view", Notification).filter(read_at__isnull=True).count()
