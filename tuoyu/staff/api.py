"""API: the staff register (工作人员) — an institution's staff, a person's record, hiring, ending an
employment and the records the law asks for. Scoped like the pages; ID numbers and phones masked.

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from tuoyu.core.apitypes import DbId, Version
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.staff import indicators, selectors, services
from tuoyu.staff.lists import STAFF, row_of
from tuoyu.staff.models import (
    CertificateKind,
    CheckKind,
    CheckResult,
    Employment,
    Person,
    Sex,
    StaffRole,
    TrainingKind,
)

router = Router(tags=["staff"])

NO_NUL = r"^[^\x00]*$"


def _refuse(exc: DomainError) -> Exception:
    """A refusal naming a field is bad input (422 with the field); a stale version stays a 409."""
    if isinstance(exc, Conflict) or not exc.field:
        return exc
    return ValidationError({exc.field: ValidationError(exc.message, code=exc.code)})


class EmploymentOut(Schema):
    id: int
    person_id: int
    institution_id: int
    roles: list[str]
    full_time: bool = Field(description="专职（false：兼职）/ full-time (false: part-time)")
    start_date: dt.date
    end_date: dt.date | None
    version: int


class StaffRowOut(Schema):
    """One employment of the roster with its warnings (staff.lists.row_of: from what selectors.roster_of annotated)."""

    employment: EmploymentOut
    person_id: int
    name: str
    health_certificate_expires_on: dt.date | None = Field(description="最近一份健康证明的有效期")
    health_certificate_expired: bool
    health_certificate_expiring: bool = Field(description="30天内到期")
    missing_background_checks: list[str]

    @staticmethod
    def resolve_employment(obj) -> Employment:  # noqa: ANN001
        return obj

    @staticmethod
    def resolve_name(obj) -> str:  # noqa: ANN001
        return obj.person.name

    @staticmethod
    def resolve_health_certificate_expires_on(obj) -> dt.date | None:  # noqa: ANN001
        return row_of(obj).health_expires_on

    @staticmethod
    def resolve_health_certificate_expired(obj) -> bool:  # noqa: ANN001
        return row_of(obj).health_expired

    @staticmethod
    def resolve_health_certificate_expiring(obj) -> bool:  # noqa: ANN001
        return row_of(obj).health_expiring

    @staticmethod
    def resolve_missing_background_checks(obj) -> list[str]:  # noqa: ANN001
        return row_of(obj).missing_checks


class StaffListQuery(STAFF.query_schema):  # the roster page's filters and sorting, and whose roster
    institution_id: DbId


class CertificateOut(Schema):
    id: int
    kind: CertificateKind
    number: str
    level: str
    issuer: str
    issued_on: dt.date
    expires_on: dt.date | None


class HealthCertificateOut(Schema):
    id: int
    issued_on: dt.date
    issuer: str
    expires_on: dt.date = Field(description="有效期至（12个月）")


class BackgroundCheckOut(Schema):
    id: int
    kind: CheckKind
    checked_on: dt.date
    result: CheckResult
    authority: str


class TrainingOut(Schema):
    id: int
    year: int
    kind: TrainingKind = Field(description="post 岗位培训（计入 STF-08）/ other 其他培训")
    hours: Decimal
    topic: str


class PersonOut(Schema):
    id: int
    name: str
    id_number_masked: str
    sex: Sex
    birth_date: dt.date
    phone_masked: str
    employments: list[EmploymentOut]
    certificates: list[CertificateOut]
    health_certificates: list[HealthCertificateOut]
    background_checks: list[BackgroundCheckOut]
    training_records: list[TrainingOut]


class HireIn(Schema):
    institution_id: DbId
    name: str = Field(..., max_length=50, pattern=NO_NUL)
    id_number: str = Field(..., max_length=30, pattern=NO_NUL)
    sex: Sex | None = Field(None, description="可空：按身份证号确定；填写时须一致")
    birth_date: dt.date | None = Field(None, description="可空：按身份证号确定；填写时须一致")
    phone: str = Field(..., max_length=20, pattern=NO_NUL)
    roles: list[StaffRole] = Field(..., min_length=1, max_length=6)
    full_time: bool = Field(
        True,
        description="专职（默认）；false为兼职，STF-03不计入 / full-time (default); part-time is not counted",
    )
    start_date: dt.date


class HireOut(Schema):
    person_id: int
    employment: EmploymentOut
    active_elsewhere: list[int] = Field(description="此人仍在职的其他机构（提示，不阻止录用）")


class EndIn(Schema):
    end_date: dt.date | None = Field(None, description="不填为今天")
    version: Version


class CertificateIn(Schema):
    kind: CertificateKind
    number: str = Field(..., max_length=100, pattern=NO_NUL)
    level: str = Field("", max_length=50, pattern=NO_NUL)
    issuer: str = Field(..., max_length=100, pattern=NO_NUL)
    issued_on: dt.date
    expires_on: dt.date | None = None


class HealthCertificateIn(Schema):
    issued_on: dt.date
    issuer: str = Field(..., max_length=100, pattern=NO_NUL)


class BackgroundCheckIn(Schema):
    kind: CheckKind
    checked_on: dt.date
    result: CheckResult
    authority: str = Field(..., max_length=100, pattern=NO_NUL)


class TrainingIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    kind: TrainingKind = Field(
        TrainingKind.OTHER, description="post 岗位培训（负责人的60学时只计此类，STF-08）/ other 其他培训"
    )
    hours: Decimal = Field(..., gt=0, le=2000, max_digits=5, decimal_places=1)
    topic: str = Field(..., max_length=200, pattern=NO_NUL)


def _person_out(viewer: object, person: Person) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "id_number_masked": person.id_number_masked,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "phone_masked": person.phone_masked,
        "employments": list(selectors.employments_of(viewer=viewer, person=person)),
        "certificates": list(person.certificates.all()),
        "health_certificates": list(person.health_certificates.all()),
        "background_checks": list(person.background_checks.all()),
        "training_records": list(person.training_records.all()),
    }


@router.get(
    "",
    response=list[StaffRowOut],
    summary="机构工作人员 / an institution's staff",
    description="机构管理员看本机构；辖区内的卫生健康部门与合作核查人员只读。/ The admin, or the region's regulators.",
)
@paginate(LimitOffset)
def staff_list(request: HttpRequest, query: Query[StaffListQuery]) -> QuerySet[Employment]:
    institution = selectors.roster_institution(viewer=request.user, institution_id=query.institution_id)
    employments = selectors.roster_of(viewer=request.user, institution=institution)
    return STAFF.api_queryset(request, employments)


@router.post(
    "",
    response={201: HireOut},
    summary="录用 / hire",
    description=(
        "仅机构管理员。身份证号、性别、出生日期须一致，未满16周岁不得录用；命中从业禁止名单返回400"
        "（banned）。/ The institution's admin; mismatches are 422 with the field."
    ),
)
def staff_hire(request: HttpRequest, payload: HireIn) -> Status:
    data = services.HireData(
        name=payload.name,
        id_number=payload.id_number,
        sex=payload.sex or "",
        birth_date=payload.birth_date,
        phone=payload.phone,
        roles=[str(r) for r in payload.roles],
        full_time=payload.full_time,
        start_date=payload.start_date,
    )
    try:
        result = services.staff_hire(by=request.user, institution_id=payload.institution_id, data=data)
    except DomainError as exc:
        if exc.code == "banned":
            raise
        raise _refuse(exc) from exc
    return Status(
        201,
        {
            "person_id": result.person.pk,
            "employment": result.employment,
            "active_elsewhere": [i.pk for i in result.active_elsewhere],
        },
    )


@router.post(
    "/employments/{employment_id}/end",
    response=EmploymentOut,
    summary="离职 / end an employment",
    description="仅机构管理员；须带version（过期返回409）。/ The admin; a stale version is a 409.",
)
def staff_end(request: HttpRequest, employment_id: DbId, payload: EndIn) -> Employment:
    try:
        return services.employment_end(
            by=request.user, employment_id=employment_id, end_date=payload.end_date, version=payload.version
        )
    except DomainError as exc:
        raise _refuse(exc) from exc


class RatioOut(Schema):
    numerator: int
    denominator: int
    percent: float | None = Field(
        description="百分比（一位小数）；分母为0时为空 / null when the denominator is 0"
    )


class FiguresOut(Schema):
    staff: int = Field(description="统计日在职人数（按聘用计）/ active employments on the day")
    certified: RatioOut = Field(
        description="持证上岗率：需持证岗位中持有效对应资格证书的 / certified-staff rate"
    )
    health: RatioOut = Field(description="健康证有效率 / valid health certificates")
    background: RatioOut = Field(
        description="背景审查覆盖率：两项审查均无记录 / both background checks clear"
    )


class RegionFiguresOut(Schema):
    code: str | None = Field(
        description="下级区划代码；为空表示直接设在本级区划的机构 / null: the region itself"
    )
    name: str
    figures: FiguresOut


class IndicatorsOut(Schema):
    code: str
    name: str
    on: dt.date
    total: FiguresOut
    children: list[RegionFiguresOut]


class IndicatorsQuery(Schema):
    region: str = Field(
        "",
        max_length=12,
        pattern=r"^[0-9]*$",
        description="区划代码（须在本人辖区内）；不填为本人辖区 / a region code inside one's jurisdiction",
    )


@router.get(
    "/indicators",
    response=IndicatorsOut,
    summary="从业人员指标 / staff indicators",
    description=(
        "辖区内的持证上岗率、健康证有效率、背景审查覆盖率，及各下级区划的数字（分子/分母）。卫生健康部门与"
        "合作核查人员可用；辖区外或不存在的区划 404。/ The three shares for a region and each of its child "
        "regions: regulators and partner inspectors, inside their jurisdiction (else 404)."
    ),
)
def staff_indicators(request: HttpRequest, query: Query[IndicatorsQuery]) -> dict:
    region = indicators.region_for(viewer=request.user, code=query.region)
    data = indicators.region_indicators(viewer=request.user, region=region)
    return {
        "code": region.code,
        "name": region.name,
        "on": data.on,
        "total": data.total,
        "children": [
            {
                "code": row.region.code if row.region else None,
                "name": row.region.name if row.region else _("本级（直属机构）"),
                "figures": row.figures,
            }
            for row in data.children
        ],
    }


class InstitutionFiguresOut(Schema):
    id: int
    name: str
    uscc: str
    region_code: str
    region_name: str
    on: dt.date
    figures: FiguresOut


class _InstitutionFigures(Sequence):
    """The region's institutions with their figures: ninja's pagination slices and counts it; only the
    page's figures are computed (one grouped query, by ``indicators.institution_figures``)."""

    def __init__(self, viewer: Any, institutions: QuerySet) -> None:
        self.viewer, self.qs, self.on = viewer, institutions, timezone.localdate()

    def all(self) -> QuerySet:  # ninja counts ``queryset.all().count()``
        return self.qs

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, index: Any) -> Any:
        page = list(self.qs[index]) if isinstance(index, slice) else [self.qs[index]]
        rows = [
            {
                "id": i.pk,
                "name": i.name,
                "uscc": i.uscc,
                "region_code": i.region.code,
                "region_name": i.region.name,
                "on": self.on,
                "figures": f,
            }
            for i, f in indicators.institution_figures(viewer=self.viewer, institutions=page, on=self.on)
        ]
        return rows if isinstance(index, slice) else rows[0]


@router.get(
    "/indicators/institutions",
    response=list[InstitutionFiguresOut],
    summary="各机构从业人员指标 / staff indicators by institution",
    description=(
        "区划内每个机构的持证上岗率、健康证有效率、背景审查覆盖率（分子/分母），分页（limit/offset）。权限同"
        "/indicators：卫生健康部门与合作核查人员，辖区外或不存在的区划 404，格式错误的代码 422。/ Each "
        "institution of a region with its three shares, paged; same readers and jurisdiction as /indicators."
    ),
)
@paginate(LimitOffset)
def staff_indicators_institutions(request: HttpRequest, query: Query[IndicatorsQuery]) -> Sequence:
    region = indicators.region_for(viewer=request.user, code=query.region)
    return _InstitutionFigures(request.user, indicators.institutions_in(viewer=request.user, region=region))


@router.get("/{person_id}", response=PersonOut, summary="工作人员详情 / a person's record")
def staff_detail(request: HttpRequest, person_id: DbId) -> dict:
    return _person_out(request.user, selectors.person_get(viewer=request.user, person_id=person_id))


@router.post(
    "/{person_id}/certificates", response={201: CertificateOut}, summary="添加资格证书 / add a certificate"
)
def staff_certificate_add(request: HttpRequest, person_id: DbId, payload: CertificateIn) -> Status:
    try:
        return Status(201, services.certificate_add(by=request.user, person_id=person_id, **payload.dict()))
    except DomainError as exc:
        raise _refuse(exc) from exc


@router.post(
    "/{person_id}/health-certificates",
    response={201: HealthCertificateOut},
    summary="添加健康证明 / add a health certificate",
)
def staff_health_certificate_add(
    request: HttpRequest, person_id: DbId, payload: HealthCertificateIn
) -> Status:
    try:
        return Status(
            201, services.health_certificate_add(by=request.user, person_id=person_id, **payload.dict())
        )
    except DomainError as exc:
        raise _refuse(exc) from exc


@router.post(
    "/{person_id}/background-checks",
    response={201: BackgroundCheckOut},
    summary="添加背景审查 / add a background check",
)
def staff_background_check_add(request: HttpRequest, person_id: DbId, payload: BackgroundCheckIn) -> Status:
    try:
        return Status(
            201, services.background_check_add(by=request.user, person_id=person_id, **payload.dict())
        )
    except DomainError as exc:
        raise _refuse(exc) from exc


@router.post("/{person_id}/training", response={201: TrainingOut}, summary="添加培训记录 / add training")
def staff_training_add(request: HttpRequest, person_id: DbId, payload: TrainingIn) -> Status:
    try:
        return Status(201, services.training_add(by=request.user, person_id=person_id, **payload.dict()))
    except DomainError as exc:
        raise _refuse(exc) from exc


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/staff", router, order=120),
]
