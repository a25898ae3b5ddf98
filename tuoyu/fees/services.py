"""Publishing a fee schedule (明码标价): the institution's admin only, within the prepayment limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Role, User
from tuoyu.audit.services import audit_record
from tuoyu.core.errors import DomainError
from tuoyu.fees.models import FeeItem, FeeKind, FeeSchedule
from tuoyu.institutions.models import FilingStatus, Institution, ServiceType
from tuoyu.regions.models import code_prefix


@dataclass(frozen=True)
class ItemData:
    kind: str
    service_type: str
    name: str
    amount: Decimal
    unit: str
    includes: str = ""


# How far a schedule's 执行日期 may lie from today. Not a standard's number: the platform's own plausibility
# check against slips such as 9999-12-31. A schedule is published before its fees are charged (a year ahead at
# most), and one already in force may be published late (a year back at most).
EFFECTIVE_FROM_WINDOW = dt.timedelta(days=366)


def prepay_limit(institution: Institution) -> int:
    """The longest prepayment allowed where the institution is: the strictest matching regional limit."""
    limits = [
        m
        for code, m in settings.PREPAY_LIMITS.items()
        if institution.region_prefix.startswith(code_prefix(code))
    ]
    return min([settings.PREPAY_LIMIT_MONTHS, *limits])


@transaction.atomic
def fee_schedule_publish(
    *,
    by: User,
    institution_id: int,
    effective_from: dt.date,
    max_prepay_months: int,
    items: list[ItemData],
    guided_price: Decimal | None = None,
    note: str = "",
) -> FeeSchedule:
    if not any(
        m.role == Role.INSTITUTION_ADMIN and m.institution_id == institution_id
        for m in by.active_memberships()
    ):
        raise Http404
    institution = Institution.objects.select_for_update().get(pk=institution_id)
    limit = prepay_limit(institution)
    if max_prepay_months > limit:
        raise DomainError(
            "prepay_limit",
            _("预收费期限不得超过%(n)d个月（本地规定）。") % {"n": limit},
            field="max_prepay_months",
        )
    if not items:
        raise DomainError("items_required", _("请至少填写一项收费。"), field="items")
    if not any(i.kind == FeeKind.MONTHLY for i in items):
        raise DomainError("monthly_required", _("须公布保育费（按月）。"), field="items")
    _check_dates(effective_from)
    _check_against_filing(institution, items)
    if institution.is_affordable and guided_price is None:
        raise DomainError(
            "guided_price_required", _("普惠性机构须公布所执行的政府指导价。"), field="guided_price"
        )
    schedule = FeeSchedule.objects.create(
        institution=institution,
        effective_from=effective_from,
        max_prepay_months=max_prepay_months,
        guided_price=guided_price,
        note=note.strip(),
        published_by=by,
    )
    rows = [FeeItem(schedule=schedule, **vars(i)) for i in items]
    for row in rows:
        row.full_clean(exclude=["schedule"])
    FeeItem.objects.bulk_create(rows)
    audit_record(
        "fees.publish",
        obj=schedule,
        actor=by,
        after={
            "effective_from": effective_from,
            "items": [[i.name, str(i.amount), i.unit] for i in items],
            "max_prepay_months": max_prepay_months,
        },
    )
    return schedule


def _check_dates(effective_from: dt.date) -> None:
    today = timezone.localdate()
    if not today - EFFECTIVE_FROM_WINDOW <= effective_from <= today + EFFECTIVE_FROM_WINDOW:
        raise DomainError(
            "effective_from_implausible",
            _("执行日期应在%(start)s至%(end)s之间。")
            % {
                "start": (today - EFFECTIVE_FROM_WINDOW).isoformat(),
                "end": (today + EFFECTIVE_FROM_WINDOW).isoformat(),
            },
            field="effective_from",
        )


def _check_against_filing(institution: Institution, items: list[ItemData]) -> None:
    """A filed institution charges only for what it filed: meals only if it filed 提供膳食, a care type's
    fee only for a care type it offers. (Before it is filed there is nothing filed to hold it to.)"""
    if institution.filing_status != FilingStatus.FILED:
        return
    for n, item in enumerate(items, start=1):
        if item.kind == FeeKind.MEAL and not institution.serves_meals:
            raise DomainError(
                "meals_not_filed",
                _("第%(n)d项「%(name)s」：本机构备案为不提供膳食，不得收取伙食费。")
                % {"n": n, "name": item.name},
                field="items",
            )
        if item.service_type and not getattr(institution, f"offers_{item.service_type}", False):
            raise DomainError(
                "service_not_filed",
                _("第%(n)d项「%(name)s」：本机构备案的服务类型不含%(type)s，不得按%(type)s收费。")
                % {"n": n, "name": item.name, "type": ServiceType(item.service_type).label},
                field="items",
            )
