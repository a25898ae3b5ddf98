"""The health bureau's home panel: filings waiting for review (and past FIL-04's deadline), unfiled
registrations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from tuoyu.accounts.models import Role, User
from tuoyu.core.registry import home_panel
from tuoyu.filings import selectors as filing_selectors
from tuoyu.institutions.selectors import pending_filings


def _bureau_summary(user: User) -> dict[str, Any] | None:
    """The health bureau's to-do counts: filings waiting (and past the FIL-04 deadline), unfiled registrations.
    Counted in the database (two aggregates and the holiday table's one query), never row by row."""
    if not user.has_role(Role.REGULATOR, Role.CITY_ADMIN):
        return None
    queue = filing_selectors.review_queue_counts(viewer=user)
    pending = (
        pending_filings(viewer=user)
        .order_by()
        .aggregate(n=Count("id"), overdue=Count("id", filter=Q(filing_overdue_at__isnull=False)))
    )
    return {
        "queue": queue.waiting,
        "queue_overdue": queue.overdue,
        "pending": pending["n"],
        "pending_overdue": pending["overdue"],
    }


home_panel(name="bureau", template="filings/_home_bureau.html", order=20, context=_bureau_summary)
