"""The institution's card on its people's home page: its filing status and, for its admin, what to do next
— across the filing workflow and the fee schedule, which is why the workbench (a face) assembles it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Role, User
from tuoyu.core.registry import home_panel
from tuoyu.core.scoping import scoped
from tuoyu.fees.selectors import current_schedule
from tuoyu.filings import selectors as filing_selectors
from tuoyu.filings.models import Filing, FilingKind, FilingState, MaterialKind
from tuoyu.filings.services import form_missing, missing_materials
from tuoyu.institutions.models import FilingStatus, Institution


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
    member_of = [m.institution_id for m in user.active_memberships() if m.institution_id]
    if not member_of:  # a regulator, an auditor: no card, and no query to build
        return []
    today = timezone.localdate()
    admin_of = {m.institution_id for m in user.active_memberships() if m.role == Role.INSTITUTION_ADMIN}
    institutions = list(scoped(user, "view", Institution).filter(id__in=member_of).select_related("region"))
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


home_panel(
    name="institutions", template="workbench/_home_institutions.html", order=30, context=_institution_cards
)
