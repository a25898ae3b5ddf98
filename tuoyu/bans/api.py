"""API: the ban list (终身禁入) for city administrators, and its alerts for regulators.

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
ID numbers are masked in every answer; the full number comes only from ``POST /bans/{id}/reveal`` (audited).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from tuoyu.audit.reveals import personal_data_reveal
from tuoyu.bans import imports, selectors, services
from tuoyu.bans.lists import ALERTS, BANS
from tuoyu.bans.models import AlertKind, Ban, BanScope
from tuoyu.bans.reveals import BAN_REVEAL
from tuoyu.core.apitypes import DbId, Version
from tuoyu.core.errors import DomainError
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.core.scoping import get_scoped_or_404

router = Router(tags=["bans"])
alerts_router = Router(tags=["bans"])

NO_NUL = r"^[^\x00]*$"


class BanIn(Schema):
    name: str = Field(..., min_length=1, max_length=50, pattern=NO_NUL)
    id_number: str = Field(..., min_length=1, max_length=30, pattern=NO_NUL)
    reason: str = Field(..., min_length=1, max_length=2000, pattern=NO_NUL)
    decision_authority: str = Field(..., min_length=1, max_length=100, pattern=NO_NUL)
    decision_number: str = Field(..., min_length=1, max_length=100, pattern=NO_NUL)
    decision_date: dt.date
    scope: BanScope


class BanUpdateIn(BanIn):
    version: Version


class LiftIn(Schema):
    version: Version
    reason: str = Field(..., min_length=1, max_length=2000, pattern=NO_NUL)


class BanOut(Schema):
    id: int
    name: str
    id_number_masked: str
    reason: str
    decision_authority: str
    decision_number: str
    decision_date: dt.date
    scope: BanScope
    region_code: str = Field(alias="region_id")
    lifted_at: dt.datetime | None
    lift_reason: str
    version: int


class RevealOut(Schema):
    id_number: str


class ImportLineOut(Schema):
    row: int | None
    column: str
    message: str


class ImportOut(Schema):
    committed: bool
    applied: int
    summary: str
    errors: list[ImportLineOut]


class AlertOut(Schema):
    id: int
    ban_id: int
    institution_id: int
    institution_name: str = Field(alias="institution.name")
    kind: AlertKind
    person_name: str
    id_number_masked: str = Field(alias="ban.id_number_masked")
    decision_number: str = Field(alias="ban.decision_number")
    decision_authority: str = Field(alias="ban.decision_authority")
    at: dt.datetime
    acknowledged_at: dt.datetime | None


def _validation(exc: DomainError) -> ValidationError:
    errors = getattr(exc, "errors", None) or {exc.field or "": exc.message}
    return ValidationError({f: ValidationError(m, code=exc.code) for f, m in errors.items()})


def _data(payload: BanIn) -> services.BanData:
    return services.BanData(**{k: getattr(payload, k) for k in services.BanData.__dataclass_fields__})


@router.get(
    "",
    response=list[BanOut],
    summary="禁入名单 / the ban list",
    description=(
        "仅地市级管理员：本市、本省（全省范围）和全国范围的禁入记录；身份证号打码。其他角色404。\n\n"
        "City administrators only: their city's bans, provincial bans of their province and national ones; "
        "ID numbers masked. Other roles: 404."
    ),
)
@paginate(LimitOffset)
def ban_list(request: HttpRequest, filters: Query[BANS.query_schema]):  # noqa: ANN201
    if not selectors.can_view_bans(request.user):
        raise Http404
    return BANS.api_queryset(request, selectors.ban_list(viewer=request.user))


@router.post(
    "",
    response={201: BanOut},
    summary="登记禁入 / add a ban",
    description="本市地市级管理员。身份证号校验不通过返回422。 / The city's administrator; a bad ID is a 422.",
)
def ban_create(request: HttpRequest, payload: BanIn) -> Status:
    if not services.keeper_cities(request.user):
        raise Http404
    try:
        ban = services.ban_create(by=request.user, data=_data(payload))
    except DomainError as exc:
        raise _validation(exc) from exc
    return Status(201, ban)


@router.post(
    "/import",
    response={200: ImportOut, 422: ImportOut},
    summary="批量导入 / import (xlsx or csv, all or nothing)",
    description="任何一行有误则全部不导入，返回逐行报告。 / Any bad row imports nothing; the report lists every row.",
)
def ban_import(request: HttpRequest, file: File[UploadedFile]) -> Status:
    if not services.keeper_cities(request.user):
        raise Http404
    if file.size > imports.BAN_SHEET.max_bytes:
        raise ValidationError({"file": ValidationError("文件过大。", code="too_large")})
    outcome = imports.ban_import(by=request.user, filename=file.name or "", data=file.read())
    body = {
        "committed": outcome.committed,
        "applied": outcome.applied,
        "summary": outcome.summary(),
        "errors": [vars(line) for line in outcome.report_rows()],
    }
    return Status(200 if outcome.committed else 422, body)


@router.get("/{ban_id}", response=BanOut, summary="禁入记录 / one ban")
def ban_get(request: HttpRequest, ban_id: DbId) -> Ban:
    return selectors.ban_get(viewer=request.user, ban_id=ban_id)


@router.put(
    "/{ban_id}",
    response=BanOut,
    summary="修改禁入记录 / update a ban (version; stale → 409)",
)
def ban_update(request: HttpRequest, ban_id: DbId, payload: BanUpdateIn) -> Ban:
    get_scoped_or_404(request.user, "change", Ban, pk=ban_id)
    try:
        return services.ban_update(
            by=request.user, ban_id=ban_id, version=payload.version, data=_data(payload)
        )
    except DomainError as exc:
        if exc.status == 409:
            raise
        raise _validation(exc) from exc


@router.post("/{ban_id}/lift", response=BanOut, summary="解除禁入 / lift a ban (version; stale → 409)")
def ban_lift(request: HttpRequest, ban_id: DbId, payload: LiftIn) -> Ban:
    get_scoped_or_404(request.user, "change", Ban, pk=ban_id)
    return services.ban_lift(by=request.user, ban_id=ban_id, version=payload.version, reason=payload.reason)


@router.post(
    "/{ban_id}/reveal", response=RevealOut, summary="显示完整身份证号（审计） / reveal the ID (audited)"
)
def ban_reveal(request: HttpRequest, ban_id: DbId) -> dict:
    return {
        "id_number": personal_data_reveal(
            viewer=request.user, revealable=BAN_REVEAL, pk=ban_id, field="id_number"
        )
    }


@alerts_router.get(
    "",
    response=list[AlertOut],
    summary="禁入预警 / ban alerts in the jurisdiction",
    description="辖区内的监管人员和地市级管理员。 / Regulators and city admins whose region contains the institution.",
)
@paginate(LimitOffset)
def alert_list(request: HttpRequest, filters: Query[ALERTS.query_schema]):  # noqa: ANN201
    if not selectors.can_view_alerts(request.user):
        raise Http404
    return ALERTS.api_queryset(request, selectors.alert_list(viewer=request.user))


@alerts_router.get("/{alert_id}", response=AlertOut, summary="一条预警 / one alert")
def alert_get(request: HttpRequest, alert_id: DbId):  # noqa: ANN201
    return selectors.alert_get(viewer=request.user, alert_id=alert_id)


@alerts_router.post("/{alert_id}/acknowledge", response=AlertOut, summary="确认预警 / acknowledge an alert")
def alert_acknowledge(request: HttpRequest, alert_id: DbId):  # noqa: ANN201
    services.alert_acknowledge(by=request.user, alert_id=alert_id)
    return selectors.alert_get(viewer=request.user, alert_id=alert_id)


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/bans", router, order=100),
    ApiMount("/ban-alerts", alerts_router, order=110),
]
