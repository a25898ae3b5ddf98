"""The auditor's home panel: the last day's events, failed logins, lockouts and denied accesses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tuoyu.audit.models import Event, Outcome
from tuoyu.core.registry import home_panel
from tuoyu.core.scoping import allows, scoped


def _audit_summary(user: Any) -> dict[str, Any] | None:
    if not allows(Event)(user):  # the auditor
        return None
    since = timezone.now() - dt.timedelta(days=1)
    events = scoped(user, "view", Event)
    return {
        "total": events.count(),
        "last_day": events.filter(at__gte=since).count(),
        "failed_logins": events.filter(at__gte=since, action="auth.login_failed").count(),
        "lockouts": events.filter(at__gte=since, action="auth.lockout").count(),
        "denied": events.filter(at__gte=since, outcome=Outcome.DENIED).count(),
        "recent": list(events.order_by("-id")[:10]),
    }


home_panel(name="audit", template="audit/_home_audit.html", order=40, context=_audit_summary)
