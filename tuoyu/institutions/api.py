"""API: registration push (登记信息推送) for registration systems, and institutions in the caller's scope.

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from tuoyu.accounts.models import Role
from tuoyu.core.apitypes import DbId, PositiveSmallInt, SafeText, SmallInt, Version
from tuoyu.core.masking import mask_mobile
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.core.scoping import get_scoped_or_404
from tuoyu.institutions import selectors, services
from tuoyu.institutions.forms import InvitationForm, RegistrationForm
from tuoyu.institutions.lists import (
    CLASSES,
    INSTITUTIONS,
    PENDING,
    ROOMS,
    days_since_registration,
    overdue,
)
from tuoyu.institutions.models import (
    Institution,
    InstitutionKind,
    LegalPersonKind,
    RegistrationAuthority,
    RegistrationSource,
    TransferStatus,
)

router = Router(tags=["institutions"])


class RegistrationIn(Schema):
    """One registration as the registration authority records it."""

    source_event_id: str = Field(
        "", max_length=100, description="来源系统的事件编号；重试时相同 / the source event id"
    )
    name: str = Field(..., max_length=200, description="机构名称")
    uscc: str = Field(..., max_length=30, description="统一社会信用代码")
    kind: InstitutionKind = Field(
        InstitutionKind.CENTER, description="center 托育机构 / home_point 家庭托育点"
    )
    legal_person_kind: LegalPersonKind
    is_for_profit: bool
    authority: RegistrationAuthority
    registration_date: dt.date
    business_scope: str = Field(..., max_length=2000)
    legal_rep_name: str = Field(..., max_length=50)
    legal_rep_id_number: str = Field(..., max_length=30)
    address: str = Field(..., max_length=300)
    region: str = Field(..., max_length=12, description="县（区）或街道（乡镇）代码")
    phone: str = Field("", max_length=20)


class InstitutionOut(Schema):
    id: int
    name: str
    uscc: str
    kind: str
    legal_person_kind: str
    is_for_profit: bool
    registration_authority: str
    registration_date: dt.date | None
    business_scope: str
    legal_rep_name: str
    legal_rep_id_number_masked: str = Field(..., alias="legal_rep_id_masked")
    address: str
    region_code: str = Field(..., alias="region_id")
    filing_status: str
    version: int
    registered_at: dt.datetime | None
    updated_at: dt.datetime


class RegionTransferOut(Schema):
    """A request to move an institution to another county (跨辖区区划变更), decided by the city."""

    id: int
    institution_id: int
    institution_name: str = Field(..., alias="institution.name")
    from_region: str = Field(..., alias="from_region_id", description="原区划代码")
    to_region: str = Field(..., alias="to_region_id", description="申请变更为的区划代码")
    registration_id: int
    status: str = Field(
        description="pending 待审核 / approved 已批准 / rejected 已驳回 / superseded 已被取代"
    )
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    comment: str

    @staticmethod
    def resolve_requested_by(obj) -> str:  # noqa: ANN001
        return str(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj) -> str | None:  # noqa: ANN001
        return str(obj.decided_by) if obj.decided_by else None


class RegistrationOut(Schema):
    registration_id: int
    outcome: str
    replayed: bool
    changes: dict
    institution: InstitutionOut
    region_transfer: RegionTransferOut | None = Field(
        None,
        description=(
            "登记的区划跨越监管辖区时：待审核的区划变更申请，机构暂留原区划 / a move to another county, "
            "awaiting the city's review; the institution stays where it was until then"
        ),
    )
    notice: str = Field("", description="给登记人员的提示 / what the clerk is told besides the outcome")


@router.post(
    "/registrations",
    response={200: RegistrationOut, 201: RegistrationOut},
    summary="推送登记信息 / push a registration",
    description=(
        "登记机关的系统推送一条登记信息。用 `source_event_id` 或请求头 `Idempotency-Key` 保证重试不会重复创建；"
        "同一编号携带不同数据返回409。新建返回201，更新或重放返回200。\n\n"
        "A registration system pushes one registration. A retry with the same `source_event_id` or "
        "`Idempotency-Key` creates nothing new (200, `replayed: true`); the same key with different data is 409."
    ),
)
def registration_push(
    request: HttpRequest,
    payload: RegistrationIn,
    idempotency_key: SafeText = Header("", alias="Idempotency-Key", max_length=100),  # noqa: B008 — ninja's style
):
    data = payload.dict()
    event_id = data.pop("source_event_id")
    form = RegistrationForm(
        data={
            **data,
            "is_for_profit": "true" if data["is_for_profit"] else "false",
            "registration_date": data["registration_date"].isoformat(),
        }
    )
    if not form.is_valid():
        raise ValidationError({f: [e for e in errs.as_data()] for f, errs in form.errors.items()})
    result = services.registration_record(
        by=request.user,
        data=form.registration_data(),
        source=RegistrationSource.API,
        source_event_id=event_id,
        idempotency_key=idempotency_key,
    )
    body = {
        "registration_id": result.registration.pk,
        "outcome": result.outcome,
        "replayed": result.replayed,
        "changes": result.changes,
        "institution": result.institution,
        "region_transfer": result.region_transfer,
        "notice": result.notice,
    }
    created = result.outcome == "created" and not result.replayed
    return Status(201 if created else 200, body)


@router.get(
    "/institutions",
    response=list[InstitutionOut],
    summary="机构列表 / institutions in scope",
    description="与机构列表页相同的筛选与排序（institutions.lists）/ the same filters and sorting as the web list.",
)
@paginate(LimitOffset)
def institution_list(request: HttpRequest, filters: Query[INSTITUTIONS.query_schema]):  # noqa: ANN201
    return INSTITUTIONS.api_queryset(request, selectors.institution_api_list(viewer=request.user))


# The pending list (filingapi) comes before /institutions/{institution_id}, which would take its path.


class PendingOut(Schema):
    """Registered, not yet filed: how long since registration, and whether it is overdue."""

    institution: InstitutionOut
    days_since_registration: int | None
    overdue: bool = Field(description="超过 FILING_OVERDUE_DAYS 天未备案 / past the filing reminder period")

    @staticmethod
    def resolve_institution(obj) -> Institution:  # noqa: ANN001
        return obj

    @staticmethod
    def resolve_days_since_registration(obj) -> int | None:  # noqa: ANN001
        return days_since_registration(obj)

    @staticmethod
    def resolve_overdue(obj) -> bool:  # noqa: ANN001
        return overdue(obj)


@router.get(
    "/institutions/pending",
    response=list[PendingOut],
    summary="待备案机构 / registered, not yet filed (oldest first)",
    description="卫生健康部门（区县、市）辖区内已登记未备案的机构，筛选与待备案页相同 / the health bureau's to-do list.",
)
@paginate(LimitOffset)
def institution_pending(request: HttpRequest, filters: Query[PENDING.query_schema]):  # noqa: ANN201
    if not request.user.has_role(Role.CITY_ADMIN, Role.REGULATOR):
        raise Http404
    return PENDING.api_queryset(request, selectors.pending_filings(viewer=request.user))


@router.get("/institutions/{institution_id}", response=InstitutionOut, summary="机构详情 / one institution")
def institution_detail(request: HttpRequest, institution_id: DbId) -> Institution:
    return selectors.institution_get(viewer=request.user, institution_id=institution_id)


# --- invitations and the change history (filingapi) --------------------------------------------------


class InvitationIn(Schema):
    invitee_name: str = Field(..., min_length=1, max_length=50)
    invitee_phone: str = Field(..., max_length=20, description="手机号 / mobile number")


class InvitationOut(Schema):
    id: int
    institution_id: int
    invitee_name: str
    invitee_phone_masked: str
    expires_at: dt.datetime
    link: str = Field(description="一次性链接，仅此一次返回 / the one-time link, returned this once only")


class RevisionOut(Schema):
    version: int
    changed_at: dt.datetime
    changed_by: str | None
    source: str
    changes: dict = Field(
        description="字段 → [旧值, 新值]；身份证号只标明已变更，电话打码 / field → [old, new], masked"
    )

    @staticmethod
    def resolve_changed_by(obj) -> str | None:  # noqa: ANN001
        return str(obj.changed_by) if obj.changed_by else None

    @staticmethod
    def resolve_changes(obj) -> dict:  # noqa: ANN001
        return selectors.revision_changes_masked(obj)


@router.post(
    "/institutions/{institution_id}/invitations",
    response={201: InvitationOut},
    summary="邀请机构管理员 / invite the institution's admin",
    description=(
        "卫生健康部门邀请机构管理员开通账号；一次性链接只在此响应中返回一次。\n\n"
        "The health bureau invites the institution's admin; the one-time link is in this response only."
    ),
)
def institution_invite(request: HttpRequest, institution_id: DbId, payload: InvitationIn) -> Status:
    institution = get_scoped_or_404(request.user, "change", Institution, pk=institution_id)
    if not selectors.can_invite(viewer=request.user, institution=institution):
        raise Http404
    form = InvitationForm(data=payload.dict())
    if not form.is_valid():
        raise ValidationError({f: list(errs.as_data()) for f, errs in form.errors.items()})
    invitation, token = services.invitation_create(
        by=request.user, institution_id=institution.pk, **form.cleaned_data
    )
    link = request.build_absolute_uri(reverse("invitation_accept", kwargs={"token": token}))
    return Status(
        201,
        {
            "id": invitation.pk,
            "institution_id": institution.pk,
            "invitee_name": invitation.invitee_name,
            "invitee_phone_masked": mask_mobile(invitation.invitee_phone),
            "expires_at": invitation.expires_at,
            "link": link,
        },
    )


@router.get(
    "/institutions/{institution_id}/revisions",
    response=list[RevisionOut],
    summary="变更历史 / the institution's change history (masked)",
)
@paginate(LimitOffset)
def institution_revisions(request: HttpRequest, institution_id: DbId):  # noqa: ANN201
    institution = selectors.institution_get(viewer=request.user, institution_id=institution_id)
    return institution.revisions.select_related("changed_by").order_by("-version")


# --- rooms and classes (园舍与班级) -------------------------------------------------------------------


class RoomIn(Schema):
    name: str = Field(..., max_length=50)
    floor: SmallInt = Field(..., description="地上 1、2……，地下 -1、-2")
    below_ground: bool = False
    floor_area_m2: str = Field(..., max_length=12, description="使用面积（㎡），大于0")
    window_area_m2: str = Field("0", max_length=12, description="窗洞口面积（㎡），不小于0")
    use: str = Field(..., max_length=16, description="activity / sleep / activity_sleep / observation / …")
    camera_count: PositiveSmallInt = 0
    beds: PositiveSmallInt = 0


class RoomUpdateIn(RoomIn):
    version: Version = Field(..., description="读取时的版本；已被他人修改时返回409 / the version read")


class RoomOut(Schema):
    id: int
    institution_id: int
    name: str
    floor: int
    below_ground: bool
    floor_area_m2: str
    window_area_m2: str
    use: str
    camera_count: int
    beds: int
    version: int

    @staticmethod
    def resolve_floor_area_m2(obj) -> str:  # noqa: ANN001
        return str(obj.floor_area_m2)

    @staticmethod
    def resolve_window_area_m2(obj) -> str:  # noqa: ANN001
        return str(obj.window_area_m2)


class ClassIn(Schema):
    name: str = Field(..., max_length=50)
    class_type: str = Field(
        ..., max_length=16, description="infant / toddler / older_toddler / mixed / home_group"
    )
    room_id: DbId | None = None
    planned_size: PositiveSmallInt


class ClassUpdateIn(ClassIn):
    version: Version


class ClassOut(Schema):
    id: int
    institution_id: int
    name: str
    class_type: str
    room_id: int | None
    planned_size: int
    closed_on: dt.date | None
    version: int


class ClassSavedOut(ClassOut):
    """A class as saved, with what the admin should look at again (the save was not refused)."""

    warnings: list[str] = Field(
        [],
        description="保存后提示（不阻止保存），如活动室与其他班级共用 / notices that did not refuse the save",
    )

    @staticmethod
    def resolve_warnings(obj: Any) -> list[str]:
        return [str(w) for w in services.class_warnings(obj)]


def _own_institution(request: HttpRequest) -> Institution:
    institution = selectors.admin_institution(request.user)
    if institution is None:
        raise Http404
    return institution


def _form_values(form_class, data: dict, **kwargs) -> dict:  # noqa: ANN001
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        raise ValidationError({f: list(errs.as_data()) for f, errs in form.errors.items()})
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


def _class_data(payload: ClassIn) -> dict:
    data = payload.dict()
    data["room"] = data.pop("room_id") or ""
    return data


@router.get(
    "/rooms",
    response=list[RoomOut],
    summary="房间 / rooms in scope",
    description="与房间页相同的筛选与排序（institutions.lists）/ the same filters and sorting as the web list.",
)
@paginate(LimitOffset)
def room_list(request: HttpRequest, filters: Query[ROOMS.query_schema]):  # noqa: ANN201
    return ROOMS.api_queryset(request, selectors.room_list(viewer=request.user))


@router.post("/rooms", response={201: RoomOut}, summary="添加房间 / add a room (the institution's admin)")
def room_create(request: HttpRequest, payload: RoomIn) -> Status:
    from tuoyu.institutions.forms import RoomForm

    institution = _own_institution(request)
    values = _form_values(RoomForm, payload.dict())
    return Status(201, services.room_create(by=request.user, institution=institution, **values))


@router.put("/rooms/{room_id}", response=RoomOut, summary="修改房间 / update a room (versioned)")
def room_update(request: HttpRequest, room_id: DbId, payload: RoomUpdateIn):  # noqa: ANN201
    from tuoyu.institutions.forms import RoomForm
    from tuoyu.institutions.models import Room

    room = get_scoped_or_404(request.user, "change", Room, pk=room_id)
    values = _form_values(RoomForm, payload.dict())
    return services.room_update(by=request.user, room=room, version=payload.version, **values)


@router.get(
    "/classes",
    response=list[ClassOut],
    summary="班级 / classes in scope",
    description=(
        "与班级页相同的筛选与排序（institutions.lists）；不带 closed 时含已撤销的班级（页面默认只列在办的）。"
        " / The web list's filters and sorting; without `closed` the closed classes are listed too."
    ),
)
@paginate(LimitOffset)
def class_list(request: HttpRequest, filters: Query[CLASSES.query_schema]):  # noqa: ANN201
    return CLASSES.api_queryset(request, selectors.class_list(viewer=request.user))


@router.post(
    "/classes", response={201: ClassSavedOut}, summary="添加班级 / add a class (the institution's admin)"
)
def class_create(request: HttpRequest, payload: ClassIn) -> Status:
    from tuoyu.institutions.forms import CareClassForm

    institution = _own_institution(request)
    values = _form_values(CareClassForm, _class_data(payload), institution=institution)
    return Status(201, services.class_create(by=request.user, institution=institution, **values))


@router.put("/classes/{class_id}", response=ClassSavedOut, summary="修改班级 / update a class (versioned)")
def class_update(request: HttpRequest, class_id: DbId, payload: ClassUpdateIn):  # noqa: ANN201
    from tuoyu.institutions.forms import CareClassForm
    from tuoyu.institutions.models import CareClass

    care_class = get_scoped_or_404(
        request.user, "change", CareClass.objects.select_related("institution"), pk=class_id
    )
    values = _form_values(CareClassForm, _class_data(payload), institution=care_class.institution)
    return services.class_update(by=request.user, care_class=care_class, version=payload.version, **values)


# --- region transfers (跨辖区区划变更) -----------------------------------------------------------------


class RegionTransferFilters(Schema):
    status: TransferStatus | None = None


class RegionTransferDecisionIn(Schema):
    comment: str = Field("", max_length=2000, description="审核意见；驳回时必填 / required to reject")


@router.get(
    "/region-transfers",
    response=list[RegionTransferOut],
    summary="区划变更申请 / requests to move an institution to another county",
    description="卫生健康部门（原区划或新区划）与登记机关可见；最早的在前 / oldest first.",
)
@paginate(LimitOffset)
def region_transfer_list(request: HttpRequest, filters: Query[RegionTransferFilters]):  # noqa: ANN201
    return selectors.region_transfer_list(viewer=request.user, status=filters.status)


@router.post(
    "/region-transfers/{transfer_id}/approve",
    response=RegionTransferOut,
    summary="批准区划变更 / approve the move (the city over both regions)",
)
def region_transfer_approve(request: HttpRequest, transfer_id: DbId, payload: RegionTransferDecisionIn):  # noqa: ANN201
    return services.region_transfer_approve(by=request.user, transfer_id=transfer_id, comment=payload.comment)


@router.post(
    "/region-transfers/{transfer_id}/reject",
    response=RegionTransferOut,
    summary="驳回区划变更 / reject the move, with a reason (the city over both regions)",
)
def region_transfer_reject(request: HttpRequest, transfer_id: DbId, payload: RegionTransferDecisionIn):  # noqa: ANN201
    return services.region_transfer_reject(by=request.user, transfer_id=transfer_id, comment=payload.comment)


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/", router, order=50),
]
