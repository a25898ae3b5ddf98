"""Reads of the filing workflow, always through the viewer's scope (filings/scoping.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tuoyu.accounts.models import Role, User
from tuoyu.calendars.workdays import (
    Calendar,
    add_workdays,
    last_overdue_start,
    load_calendar,
    workdays_between,
)
from tuoyu.core import scoping
from tuoyu.filings.models import Filing, FilingKind, FilingState, NonComplianceNotice
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


def review_clock(
    filing: Filing, *, today: dt.date | None = None, calendar: Calendar | None = None
) -> Clock | None:
    """``calendar``: pass one (workdays.load_calendar) to clock a whole list with one query in all."""
    if filing.submitted_at is None:
        return None
    received = timezone.localdate(filing.submitted_at)
    today = today or timezone.localdate()
    calendar = calendar or load_calendar()
    deadline = add_workdays(received, REVIEW_WORKDAYS, calendar=calendar)
    elapsed = workdays_between(received, today, calendar=calendar)
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


@dataclass(frozen=True)
class QueueCounts:
    """How many filings wait in a reviewer's queue, and how many of them are past FIL-04's deadline."""

    waiting: int
    overdue: int


def review_queue_counts(
    *, viewer: User, today: dt.date | None = None, calendar: Calendar | None = None
) -> QueueCounts:
    """The review queue's size and its overdue part in one query, whatever the queue's length: a filing
    is overdue (``review_clock(...).overdue``) exactly when it was received on or before the cut-off day
    ``last_overdue_start`` finds, i.e. submitted before the next local midnight."""
    today = today or timezone.localdate()
    calendar = calendar or load_calendar()
    cutoff = last_overdue_start(today, REVIEW_WORKDAYS, calendar=calendar)
    bound = timezone.make_aware(dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time.min))
    counts = (
        review_queue(viewer=viewer)
        .order_by()
        .aggregate(waiting=Count("id"), overdue=Count("id", filter=Q(submitted_at__lt=bound)))
    )
    return QueueCounts(waiting=counts["waiting"], overdue=counts["overdue"])


def filing_by_number(number: str) -> Filing | None:
    """The accepted filing with this public number (the receipt's QR code), or None."""
    if not number or len(number) > 32:
        return None
    return (
        Filing.objects.select_related("institution", "institution__region")
        .filter(number=number, state="accepted")
        .first()
    )


# --- the API's filing list (filingapi) ----------------------------------------------------------------


def filing_list_for(*, viewer: User, state: str | None = None, kind: str | None = None) -> QuerySet[Filing]:
    """What GET /api/v1/filings lists: the filings of the viewer's own institutions (as their admin) and
    those the viewer reviews (the bureau's jurisdiction), newest first; nothing for anyone else."""
    own = [i.pk for i in admin_institutions(viewer=viewer)]
    reviewed = scoping.scope_filter(viewer, "change", Filing)
    q = Q(institution_id__in=own) if own else None
    if reviewed is not None:
        q = reviewed if q is None else q | reviewed
    if q is None:
        return Filing.objects.none()
    qs = Filing.objects.filter(q).select_related("institution")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def original_number(filing: Filing) -> str:
    """The filing number a change or cancellation refers to: the institution's accepted initial filing."""
    if filing.number:
        return filing.number
    first = (
        Filing.objects.filter(institution_id=filing.institution_id, kind=FilingKind.INITIAL, state="accepted")
        .exclude(number="")
        .order_by("decided_at", "id")
        .first()
    )
    return first.number if first else ""


# --- FIL-05 non-compliance notices (核查不符通知) -------------------------------------------------------


def notice_list(*, viewer: User) -> QuerySet[NonComplianceNotice]:
    """The notices the viewer may read: the bureau's in its jurisdiction, an institution's own."""
    return scoping.scoped(viewer, "view", NonComplianceNotice).select_related(
        "institution", "institution__region", "issued_by"
    )


def notice_get(*, viewer: User, notice_id: int) -> NonComplianceNotice:
    qs = NonComplianceNotice.objects.select_related(
        "institution", "institution__region", "issued_by", "filing"
    )
    return scoping.get_scoped_or_404(viewer, "view", qs, pk=notice_id)


def can_manage_notice(*, viewer: User, notice: NonComplianceNotice) -> bool:
    return scoping.scoped(viewer, "change", NonComplianceNotice).filter(pk=notice.pk).exists()


def is_notice_admin(*, viewer: User, notice: NonComplianceNotice) -> bool:
    return any(i.pk == notice.institution_id for i in admin_institutions(viewer=viewer))


def can_issue_notice(*, viewer: User, institution: Institution) -> bool:
    """The county bureau over a filed institution (regulators and city admins in jurisdiction)."""
    from tuoyu.institutions.models import FilingStatus

    return (
        institution.filing_status == FilingStatus.FILED
        and viewer.has_role(Role.REGULATOR, Role.CITY_ADMIN)
        and scoping.scoped(viewer, "change", Institution).filter(pk=institution.pk).exists()
    )


def published_notices(institution: Institution) -> QuerySet[NonComplianceNotice]:
    """Public (no viewer): the institution's published non-compliance notices, newest first (FIL-05)."""
    return NonComplianceNotice.objects.filter(institution=institution, published_at__isnull=False).order_by(
        "-published_at", "-id"
    )
