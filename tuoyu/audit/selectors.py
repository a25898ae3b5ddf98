"""Reads of the audit trail — only for those the scoping rules allow (the auditor)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from tuoyu.audit import registry
from tuoyu.audit.models import Event
from tuoyu.core.scoping import scoped


def event_list(
    *, viewer: Any, filters: dict[str, Any] | None = None, action: str = "view"
) -> QuerySet[Event]:
    f = filters or {}
    qs = scoped(viewer, action, Event)
    if f.get("actor"):
        qs = qs.filter(actor_username__icontains=f["actor"])
    if f.get("action"):
        qs = qs.filter(_action_q(f["action"]))
    if f.get("object_type"):
        qs = qs.filter(object_type=f["object_type"])
    if f.get("object_id"):
        qs = qs.filter(object_id=f["object_id"])
    if f.get("outcome"):
        qs = qs.filter(outcome=f["outcome"])
    if f.get("since"):
        qs = qs.filter(at__date__gte=f["since"])
    if f.get("until"):
        qs = qs.filter(at__date__lte=f["until"])
    return qs.order_by("-id")


def _action_q(value: str) -> Q:
    """The action filter (audit.forms): one declared action exactly, every action one app declares
    (``app:<label>``), or those no app declares (``undeclared``). Never a prefix: ``institution.`` actions come from two
    apps, and a code is not a search term."""
    if value == registry.UNDECLARED:
        return ~Q(action__in=registry.values())
    if value.startswith(registry.APP_PREFIX):
        group = registry.group(value.removeprefix(registry.APP_PREFIX))
        return Q(action__in=group.values if group else [])
    return Q(action=value)


def default_since(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=30)
