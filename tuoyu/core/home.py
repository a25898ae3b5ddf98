"""Each role's home page, with the real data that exists for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import REGION_ROLES, Membership, Role, User
from tuoyu.audit.models import Event, Outcome
from tuoyu.core.scoping import scoped
from tuoyu.core.workdays import load_calendar
from tuoyu.fees.selectors import current_schedule
from tuoyu.filings import selectors as filing_selectors
from tuoyu.filings.models import Filing, FilingKind, FilingState, MaterialKind
from tuoyu.filings.services import form_missing, missing_materials
from tuoyu.institutions.models import FilingStatus, Institution
from tuoyu.institutions.selectors import pending_filings
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import POP_PREFETCH


def _jurisdictions(user: User) -> list[dict[str, Any]]:
    out = []
    for m in user.active_memberships():
        if m.role not in {r.value for r in REGION_ROLES} or m.region is None:
            continue
        region = Region.objects.prefetch_related(POP_PREFETCH).get(pk=m.region_id)
        children = list(scoped(user, "view", region.children.all()).prefetch_related(POP_PREFETCH))
        out.append(
            {
                "membership": m,
                "region": region,
                "children": children,
                "institutions": scoped(user, "view", Institution)
                .filter(region_prefix__startswith=region.prefix)
                .count(),
                "streets": scoped(user, "view", Region)
                .filter(prefix__startswith=region.prefix, level="street")
                .count(),
            }
        )
    return out


def _audit_summary(user: User) -> dict[str, Any]:
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


@dataclass(frozen=True)
class Todo:
    """One thing an institution's admin has to do, with where to do it and by when."""

    text: str
    link: str = ""
    deadline: dt.date | None = None
    urgent: bool = False
    items: tuple[str, ...] = ()


def _institution_todos(institution: Institution, filing: Filing | None, today: dt.date) -> list[Todo]:
    """What the institution's admin must do next: unfiled, a draft short of materials, a return to
    correct, the bureau's deadline while it reviews, fees not published."""
    todos: list[Todo] = []
    if filing is not None:
        link = reverse("filings:detail", kwargs={"filing_id": filing.pk})
        kind = filing.get_kind_display()
        if filing.state == FilingState.RETURNED:
            event = filing.events.filter(action="return").order_by("-at", "-id").first()
            reasons = tuple(f"{r.item}：{r.reason}" for r in event.reasons.all()) if event else ()
            todos.append(
                Todo(
                    _("%(kind)s被退回：按退回意见补正后重新提交") % {"kind": kind},
                    link,
                    urgent=True,
                    items=reasons,
                )
            )
        elif filing.state == FilingState.DRAFT:
            missing = tuple(str(MaterialKind(k).label) for k in missing_materials(filing))
            if filing.kind == FilingKind.INITIAL and form_missing(filing):
                missing = (str(_("备案书未填写完整")), *missing)
            text = _("%(kind)s尚未提交") % {"kind": kind}
            if missing:
                text += _("：还缺 %(n)d 项") % {"n": len(missing)}
            todos.append(Todo(text, link, items=missing))
        elif filing.state == FilingState.SUBMITTED:
            clock = filing_selectors.review_clock(filing, today=today)
            todos.append(
                Todo(
                    _("%(kind)s审核中：卫生健康部门应在5个工作日内办结（FIL-04）") % {"kind": kind},
                    link,
                    deadline=clock.deadline if clock else None,
                )
            )
    elif institution.filing_status == FilingStatus.REGISTERED:
        days = (
            (today - timezone.localdate(institution.registered_at)).days if institution.registered_at else 0
        )
        todos.append(
            Todo(
                _("已登记 %(days)d 天，尚未备案：请办理备案") % {"days": days},
                reverse("filings:list"),
                deadline=(
                    timezone.localdate(institution.registered_at)
                    + dt.timedelta(days=settings.FILING_OVERDUE_DAYS)
                    if institution.registered_at
                    else None
                ),
                urgent=institution.filing_overdue_at is not None,
            )
        )
    if institution.filing_status == FilingStatus.FILED and current_schedule(institution=institution) is None:
        todos.append(Todo(_("尚未公示收费标准（明码标价）：请发布收费标准"), reverse("fees:schedule")))
    return todos


def _institution_cards(user: User) -> list[dict[str, Any]]:
    today = timezone.localdate()
    admin_of = {m.institution_id for m in user.active_memberships() if m.role == Role.INSTITUTION_ADMIN}
    institutions = list(
        scoped(user, "view", Institution)
        .filter(id__in=[m.institution_id for m in user.active_memberships() if m.institution_id])
        .select_related("region")
    )
    cards = []
    for inst in institutions:
        filings = list(Filing.objects.filter(institution=inst).order_by("-created_at", "-id")[:20])
        open_filing = next(
            (
                f
                for f in filings
                if f.state in (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED)
            ),
            None,
        )
        number = next((f.number for f in filings if f.number), "")
        is_admin = inst.pk in admin_of
        cards.append(
            {
                "institution": inst,
                "is_admin": is_admin,
                "open_filing": open_filing,
                "number": number,
                "todos": _institution_todos(inst, open_filing, today) if is_admin else [],
            }
        )
    return cards


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


def _admin_summary(user: User) -> dict[str, Any]:
    return {
        "users": scoped(user, "view", User).count(),
        "by_role": list(
            scoped(user, "view", Membership)
            .filter(is_active=True)
            .values("role")
            .annotate(n=Count("id"))
            .order_by("role")
        ),
        "regions": scoped(user, "view", Region).count(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = user.roles()
    context: dict[str, Any] = {
        "jurisdictions": _jurisdictions(user),
        "institution_cards": _institution_cards(user),
        "bureau": _bureau_summary(user),
        "audit": _audit_summary(user) if Role.AUDITOR in roles else None,
        "admin": _admin_summary(user) if Role.SYSTEM_ADMIN in roles else None,
        "role_labels": Role,
        "user_roles": roles,
    }
    return render(request, "home.html", context)
