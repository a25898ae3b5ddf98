"""API: fee schedules (收费标准, 明码标价) — read them for an institution in reach; publish one as its admin.

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tuoyu.core.apitypes import DbId
from tuoyu.core.errors import DomainError
from tuoyu.core.registry import ApiMount
from tuoyu.fees import selectors, services
from tuoyu.fees.models import FeeKind, FeeSchedule, FeeUnit
from tuoyu.institutions import selectors as institution_selectors
from tuoyu.institutions.models import ServiceType

router = Router(tags=["fees"])

# PostgreSQL refuses a NUL in text; JSON bodies are not covered by RejectNulMiddleware, so the schemas refuse it.
NO_NUL = r"^[^\x00]*$"


class FeeItemIn(Schema):
    kind: FeeKind
    service_type: ServiceType | None = Field(None, description="可空 / optional")
    name: str = Field(..., min_length=1, max_length=100, pattern=NO_NUL)
    amount: Decimal = Field(..., ge=0, le=100000, max_digits=9, decimal_places=2, description="元 / yuan")
    unit: FeeUnit
    includes: str = Field("", max_length=300, pattern=NO_NUL)


class FeeItemOut(Schema):
    kind: FeeKind
    service_type: str
    name: str
    amount: Decimal
    unit: FeeUnit
    includes: str


class FeeScheduleIn(Schema):
    institution_id: DbId
    effective_from: dt.date
    max_prepay_months: int = Field(
        ..., ge=0, le=12, description="最长预收期（月），不得超过本地上限 / within the local limit"
    )
    guided_price: Decimal | None = Field(
        None, ge=0, max_digits=9, decimal_places=2, description="普惠性机构必填 / required if affordable"
    )
    note: str = Field("", max_length=1000, pattern=NO_NUL)
    items: list[FeeItemIn] = Field(..., max_length=20)


class FeeScheduleOut(Schema):
    id: int
    institution_id: int
    effective_from: dt.date
    max_prepay_months: int
    guided_price: Decimal | None
    note: str
    published_at: dt.datetime
    items: list[FeeItemOut]

    @staticmethod
    def resolve_items(obj: FeeSchedule) -> list:
        return list(obj.items.all())


class FeeSchedulesOut(Schema):
    institution_id: int
    prepay_limit_months: int = Field(description="本地预收费上限（月） / the local prepayment limit")
    current_id: int | None = Field(description="现行收费标准 / the schedule in force today")
    schedules: list[FeeScheduleOut] = Field(description="最近20份，新的在前 / the latest 20, newest first")


class FeeSchedulesQuery(Schema):
    institution_id: DbId


@router.get(
    "/schedules",
    response=FeeSchedulesOut,
    summary="收费标准 / an institution's fee schedules",
    description="机构本身及辖区内的监管部门可查看（与机构详情相同） / whoever may see the institution.",
)
def fee_schedule_list(request: HttpRequest, query: Query[FeeSchedulesQuery]) -> dict:
    institution = institution_selectors.institution_get(
        viewer=request.user, institution_id=query.institution_id
    )
    current = selectors.current_schedule(institution=institution)
    return {
        "institution_id": institution.pk,
        "prepay_limit_months": services.prepay_limit(institution),
        "current_id": current.pk if current else None,
        "schedules": selectors.schedules(institution=institution),
    }


@router.post(
    "/schedules",
    response={201: FeeScheduleOut},
    summary="公布收费标准 / publish a fee schedule",
    description=(
        "仅机构管理员。须含保育费（按月）；普惠性机构须填政府指导价；预收期超过本地上限返回422。\n\n"
        "The institution's admin only. A monthly fee is required; an affordable institution states the "
        "guided price; a prepayment period over the local limit is a 422 with a field error."
    ),
)
def fee_schedule_publish(request: HttpRequest, payload: FeeScheduleIn) -> Status:
    items = [
        services.ItemData(
            **{**i.dict(), "service_type": i.service_type or "", "includes": i.includes.strip()}
        )
        for i in payload.items
    ]
    try:
        schedule = services.fee_schedule_publish(
            by=request.user,
            institution_id=payload.institution_id,
            effective_from=payload.effective_from,
            max_prepay_months=payload.max_prepay_months,
            items=items,
            guided_price=payload.guided_price,
            note=payload.note,
        )
    except DomainError as exc:  # every refusal here names a field of the form: a 422, as bad input
        raise ValidationError({exc.field or "": ValidationError(exc.message, code=exc.code)}) from exc
    return Status(201, schedule)


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/fees", router, order=70),
]
