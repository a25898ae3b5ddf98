"""Reads of the filing workflow, always through the viewer's scope (core.rules: Filing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from tuoyu.accounts.models import Role, User
from tuoyu.core import scoping
from tuoyu.core.workdays import add_workdays, workdays_between
from tuoyu.filings.models import Filing, FilingState
from tuoyu.institutions.models import Institution

REVIEW_WORKDAYS = 5  # FIL-04: the county bureau decides within five working days of receipt


def admin_institutions(*, viewer: User) -> list[Institution]:
    """The institutions whose filings the viewer handles as their admin (机构管理员)."""
    return [
        m.institution
        for m in viewer.active_memberships()
        if m.role == Role.INSTITUTION_ADMIN and m.institution is not None
    ]


def is_institution_admin_of(*, viewer: User, filing: Filing) -> bool:
    return any(i.pk == filing.institution_id for i in admin_institutions(viewer=viewer))


def can_review(*, viewer: User, filing: Filing) -> bool:
    return scoping.scoped(viewer, "change", Filing).filter(pk=filing.pk).exists()


def filing_list(*, viewer: User) -> QuerySet[Filing]:
    """The filings of the viewer's own institutions (as their admin), newest first."""
    ids = [i.pk for i in admin_institutions(viewer=viewer)]
    return Filing.objects.filter(institution_id__in=ids).select_related("institution")


def filing_get(*, viewer: User, filing_id: int) -> Filing:
    """One filing the viewer may read, or 404 (missing and forbidden alike)."""
    qs = Filing.objects.select_related("institution", "institution__region")
    return scoping.get_scoped_or_404(viewer, "view", qs, pk=filing_id)


@dataclass(frozen=True)
class Clock:
    """The FIL-04 working-day clock of a submitted filing."""

    received: dt.date
    deadline: dt.date
    elapsed: int
    overdue: bool
    provisional: bool


def review_clock(filing: Filing, *, today: dt.date | None = None) -> Clock | None:
    if filing.submitted_at is None:
        return None
    received = timezone.localdate(filing.submitted_at)
    today = today or timezone.localdate()
    deadline = add_workdays(received, REVIEW_WORKDAYS)
    elapsed = workdays_between(received, today)
    return Clock(
        received=received,
        deadline=deadline.date,
        elapsed=elapsed.n,
        overdue=today > deadline.date,
        provisional=deadline.provisional or elapsed.provisional,
    )


def review_queue(*, viewer: User) -> QuerySet[Filing]:
    """Submitted filings in the viewer's jurisdiction, oldest submission first."""
    return (
        scoping.scoped(viewer, "change", Filing)
        .filter(state=FilingState.SUBMITTED)
        .select_related("institution", "institution__region")
        .order_by("submitted_at", "id")
    )


def filing_by_number(number: str) -> Filing | None:
    """The accepted filing with this public number (the receipt's QR code), or None."""
    if not number or len(number) > 32:
        return None
    return (
        Filing.objects.select_related("institution", "institution__region")
        .filter(number=number, state="accepted")
        .first()
    )
