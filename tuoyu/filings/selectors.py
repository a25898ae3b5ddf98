"""Reads of the filing workflow, always through the viewer's scope (filings/scoping.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import Role, User
from tuoyu.calendars.workdays import (
    Calendar,
    add_workdays,
    last_overdue_start,
    load_calendar,
    workdays_between,
)
from tuoyu.core import scoping
from tuoyu.filings import changes
from tuoyu.filings.forms import return_item_label
from tuoyu.filings.models import (
    Filing,
    FilingEvent,
    FilingKind,
    FilingState,
    MaterialKind,
    NonComplianceNotice,
)
from tuoyu.filings.policy import form_missing, missing_materials, required_materials
from tuoyu.institutions.models import Institution

REVIEW_WORKDAYS = 5  # FIL-04: the county bureau decides within five working days of receipt
OPEN_STATES = (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED)
ACTION_LABELS = {
    "start": gettext_lazy("创建"),
    "submit": gettext_lazy("提交"),
    "return": gettext_lazy("退回"),
    "accept": gettext_lazy("通过"),
    "withdraw": gettext_lazy("撤回"),
}


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


# What the review queue page shows of a filing, and its institution's and region's names as columns of the
# same query: no Institution (sixty columns, three of them sealed and decrypted) or Region made per row, and
# not the filing's facts.
QUEUE_PAGE_FIELDS = ("id", "institution_id", "kind", "state", "submitted_at", "region_prefix")
QUEUE_PAGE_NAMES = {"institution_name": F("institution__name"), "region_name": F("institution__region__name")}


def review_queue_page(*, viewer: User) -> QuerySet[Filing]:
    """``review_queue`` as its page reads it: ``QUEUE_PAGE_FIELDS`` and the ``QUEUE_PAGE_NAMES``."""
    return (
        review_queue(viewer=viewer).select_related(None).only(*QUEUE_PAGE_FIELDS).annotate(**QUEUE_PAGE_NAMES)
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


# --- one filing's page -----------------------------------------------------------------------------------


def filing_page(*, viewer: User, filing: Filing, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """What one filing's page shows the viewer: who they are to it (its admin, its reviewer), the materials
    by kind (required first) with their files and return reasons, the 备案书's or the change's values beside
    the current ones, the timeline, the FIL-04 clock. ``errors`` maps a part of the page (``upload:<kind>``,
    ``submit``, ``review``, ``withdraw``) to the message shown there. The view adds the forms."""
    errors = {"submit": "", "review": "", "withdraw": "", **(errors or {})}
    is_admin = is_institution_admin_of(viewer=viewer, filing=filing)
    reviewer = can_review(viewer=viewer, filing=filing)
    events = list(filing.events.select_related("actor").prefetch_related("reasons"))
    for e in events:
        e.label = ACTION_LABELS.get(e.action, e.action)
    last_return: FilingEvent | None = next((e for e in reversed(events) if e.action == "return"), None)
    reasons = list(last_return.reasons.all()) if last_return else []
    materials = list(filing.materials.select_related("file"))
    required = required_materials(filing)
    kinds = list(required) + [
        k
        for k in MaterialKind.values
        if k not in required and (k == MaterialKind.OTHER or any(m.kind == k for m in materials))
    ]
    rows = [
        {
            "kind": k,
            "label": MaterialKind(k).label,
            "required": k in required,
            "files": [m for m in materials if m.kind == k],
            "reasons": [r.reason for r in reasons if r.item == k],
            "error": errors.get(f"upload:{k}"),
        }
        for k in kinds
    ]
    other_reasons = [
        {"label": return_item_label(r.item), "reason": r.reason}
        for r in reasons
        if r.item not in MaterialKind.values and r.item not in changes.GROUPS_BY_KEY
    ]
    editable = is_admin and filing.state in (FilingState.DRAFT, FilingState.RETURNED)
    change_diff = (
        changes.diff(
            filing.institution,
            filing.changed_items or [],
            filing.facts,
            every_field=filing.kind == FilingKind.INITIAL,
        )
        if filing.kind in (FilingKind.CHANGE, FilingKind.INITIAL)
        else []
    )
    for group in change_diff:
        group["reasons"] = [r.reason for r in reasons if r.item == group["key"]]
        group["files"] = [m for m in materials if group["material"] and m.kind == group["material"]]
        group["material_required"] = group["material"] in required
    context = {
        "filing": filing,
        "is_admin": is_admin,
        "can_review": reviewer and filing.state == FilingState.SUBMITTED,
        "editable": editable,
        "can_withdraw": is_admin and filing.state in OPEN_STATES,
        "rows": rows,
        "missing": [MaterialKind(k).label for k in missing_materials(filing)],
        "last_return": last_return,
        "other_reasons": other_reasons,
        "events": events,
        "clock": review_clock(filing) if filing.state == FilingState.SUBMITTED else None,
        "errors": errors,
        "change_diff": change_diff,
        "form_missing": [message for _f, message in form_missing(filing)]
        if filing.kind == FilingKind.INITIAL
        else [],
        "original_number": original_number(filing),
        "stop_date": (filing.facts or {}).get("stop_date", ""),
        "parents_notified": (filing.facts or {}).get("parents_notified", False),
    }
    return context
