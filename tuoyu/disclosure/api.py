"""API: the public list of filed institutions (信息公示) — no authentication, the same records as the page,
the CSV and the JSON download (``selectors.public_record``).

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tuoyu.core.apitypes import DbId
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.disclosure import selectors
from tuoyu.disclosure.lists import PUBLIC
from tuoyu.fees.api import FeeItemOut
from tuoyu.fees.selectors import current_schedule

router = Router(tags=["public"])


class PublicInstitutionOut(Schema):
    """One filed institution's public fields (schema_version 1; see docs/open-data.md)."""

    id: int
    name: str
    uscc: str
    kind: str = Field(..., description="center 托育机构 / home_point 家庭托育点")
    kind_label: str
    legal_person_kind: str
    legal_person_kind_label: str
    is_for_profit: bool
    is_public: bool
    is_affordable: bool = Field(..., description="普惠性")
    filing_number: str | None
    filed_on: dt.date | None
    region_code: str
    location: str = Field(..., description="所在地区，省以下：株洲市 荷塘区 月塘街道")
    address: str | None = Field(..., description="家庭托育点为 null / null for home points")
    latitude: float | None
    longitude: float | None
    phone: str | None
    service_types: list[str]
    min_age_months: int | None
    max_age_months: int | None
    capacity: int | None
    opening_hours: str
    serves_meals: bool


class PublicFeeScheduleOut(Schema):
    """The fee schedule in force (明码标价), as on the public page."""

    effective_from: dt.date
    max_prepay_months: int = Field(..., description="最长预收期（月）")
    guided_price: Decimal | None = Field(..., description="普惠性机构执行的政府指导价（元/月）")
    note: str
    items: list[FeeItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list:
        return list(obj.items.all())


class PublicInstitutionDetailOut(PublicInstitutionOut):
    """One filed institution: its public fields and the fee schedule in force today."""

    fees: PublicFeeScheduleOut | None = Field(..., description="现行收费标准；未公布为 null")


class _Records(Sequence):
    """The queryset as public records: ninja's pagination slices and counts it; only the page is mapped."""

    def __init__(self, qs: QuerySet) -> None:
        self.qs = qs

    def all(self) -> QuerySet:  # ninja counts ``queryset.all().count()``
        return self.qs

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return selectors.public_records(self.qs[index])
        return selectors.public_record(self.qs[index])


@router.get(
    "/institutions",
    response=list[PublicInstitutionOut],
    auth=None,
    summary="公示机构列表 / filed institutions (public)",
    description="已备案机构的公开信息，无需认证。/ Filed institutions' public fields; no authentication.",
)
@paginate(LimitOffset)
def public_institution_list(request: HttpRequest, filters: Query[PUBLIC.query_schema]):
    """The page's FilterSet validates the filters (a bad one: a 422 problem naming the field); only the
    requested page becomes public records (``_Records``)."""
    return _Records(PUBLIC.api_queryset(request, selectors.public_institutions()))


@router.get(
    "/institutions/{institution_id}",
    response=PublicInstitutionDetailOut,
    auth=None,
    summary="公示机构详情 / one filed institution (public)",
    description="公开信息及现行收费标准。/ The public fields and the fee schedule in force.",
)
def public_institution_detail(request: HttpRequest, institution_id: DbId):
    institution = selectors.public_institution_get(institution_id=institution_id)
    return {
        **vars(selectors.public_record(institution)),
        "fees": current_schedule(institution=institution),
    }


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/public", router, order=130),
]
