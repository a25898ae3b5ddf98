"""Test helpers: filed institutions (备案 accepted) made directly, for the public-disclosure tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.fees.models import FeeItem, FeeSchedule
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.institutions.models import FilingStatus, Institution
from tuoyu.regions.models import Region
from tuoyu.testing.fixtures import with_check

SECRET_ID = "430202199001011234"  # a valid-looking ID number that must never appear publicly


def make_filed(
    *,
    by: User,
    name: str,
    region: str = "430202001",
    filed: dt.datetime | None = None,
    number: str | None = None,
    **fields: Any,
) -> Institution:
    """A filed institution with an accepted initial filing (numbered, decided at ``filed``)."""
    seq = Institution.objects.count() + 1
    defaults: dict[str, Any] = {
        "uscc": with_check(f"91430202MA{seq:07d}"),
        "address": f"{name}路{seq}号",
        "filing_status": FilingStatus.FILED,
        "legal_rep_name": "张三",
        "legal_rep_id_number": SECRET_ID,
        "director_id_number": SECRET_ID,
    }
    if fields.get("filing_status", FilingStatus.FILED) == FilingStatus.FILED:
        defaults["filed_at"] = filed or timezone.now()  # as filing_accept sets it
    defaults.update(fields)
    institution = Institution.objects.create(name=name, region=Region.objects.get(code=region), **defaults)
    Filing.objects.create(
        institution=institution,
        kind=FilingKind.INITIAL,
        state=FilingState.ACCEPTED,
        number=number or f"{region[:6]}-2026-{seq:04d}",
        submitted_at=filed or timezone.now(),
        decided_at=filed or timezone.now(),
        created_by=by,
        region_prefix=institution.region_prefix,
    )
    return institution


def publish_fees(*, institution: Institution, by: User, guided: Decimal | None = None) -> FeeSchedule:
    schedule = FeeSchedule.objects.create(
        institution=institution,
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        max_prepay_months=3,
        guided_price=guided,
        published_by=by,
    )
    FeeItem.objects.create(
        schedule=schedule,
        kind="monthly",
        service_type="full_day",
        name="全日托保育费",
        amount=Decimal("2200"),
        unit="month",
        includes="保育、早期发展活动",
    )
    return schedule
