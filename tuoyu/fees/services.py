"""Publishing a fee schedule (明码标价): the institution's admin only, within the prepayment limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Role, User
from tuoyu.audit.services import audit_record
from tuoyu.core.errors import DomainError
from tuoyu.fees.models import FeeItem, FeeKind, FeeSchedule
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import code_prefix


@dataclass(frozen=True)
class ItemData:
    kind: str
    service_type: str
    name: str
    amount: Decimal
    unit: str
    includes: str = ""


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
