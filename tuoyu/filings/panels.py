"""The health bureau's home panel: filings waiting for review (and past FIL-04's deadline), unfiled
registrations."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tuoyu.accounts.models import Role, User
from tuoyu.calendars.workdays import load_calendar
from tuoyu.core.registry import home_panel
from tuoyu.filings import selectors as filing_selectors
from tuoyu.institutions.selectors import pending_filings


def _bureau_summary(user: User) -> dict[str, Any] | None:
    """The health bureau's to-do counts: filings waiting (and past the FIL-04 deadline), unfiled registrations."""
    if not user.has_role(Role.REGULATOR, Role.CITY_ADMIN):
        return None
    today = timezone.localdate()
    queue = list(filing_selectors.review_queue(viewer=user)[:500])
    calendar = load_calendar()  # one calendar for every clock: no query per filing
    overdue = sum(
        1
        for f in queue
        if (c := filing_selectors.review_clock(f, today=today, calendar=calendar)) and c.overdue
    )
    pending = pending_filings(viewer=user)
    return {
        "queue": len(queue),
        "queue_overdue": overdue,
        "pending": pending.count(),
        "pending_overdue": pending.filter(filing_overdue_at__isnull=False).count(),
    }


home_panel(name="bureau", template="filings/_home_bureau.html", order=20, context=_bureau_summary)
