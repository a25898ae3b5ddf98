"""The auditor's home panel: the last day's events, failed logins, lockouts and denied accesses (the ten most
recent events it used to load were never shown: the audit search lists them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tuoyu.audit.models import Event, Outcome
from tuoyu.core.registry import home_panel
from tuoyu.core.scoping import allows, scoped


def _audit_summary(user: Any) -> dict[str, Any] | None:
    if not allows(Event)(user):  # the auditor
        return None
    since = timezone.now() - dt.timedelta(days=1)
    events = scoped(user, "view", Event)
    # The last day's figures in one aggregate over the ``at`` index's range, not a count each.
    last_day = events.filter(at__gte=since).aggregate(
        last_day=Count("id"),
        failed_logins=Count("id", filter=Q(action="auth.login_failed")),
        lockouts=Count("id", filter=Q(action="auth.lockout")),
        denied=Count("id", filter=Q(outcome=Outcome.DENIED)),
    )
    return {"total": events.count(), **last_day}


home_panel(name="audit", template="audit/_home_audit.html", order=40, context=_audit_summary)
