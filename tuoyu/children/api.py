"""API: children in the caller's scope; registration, guardians, consent and enrollments for the
institution's admin. ID numbers and phones only masked.

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
"""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from tuoyu.children import selectors, services
from tuoyu.children.lists import CHILDREN
from tuoyu.children.models import Child, ConsentScope, Relationship, Sex
from tuoyu.core.apitypes import DbId
from tuoyu.core.errors import DomainError
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.institutions.models import CareClass
from tuoyu.institutions.selectors import admin_institution

router = Router(tags=["children"])


class GuardianOut(Schema):
    id: int
    name: str
    relationship: str
    phone_masked: str
    id_number_masked: str


class ConsentOut(Schema):
    id: int
    guardian_id: int
    given_at: dt.datetime
    text_version: str
    scope: list[str]
    withdrawn_at: dt.datetime | None


class EnrollmentOut(Schema):
    id: int
    care_class_id: int
    class_name: str = Field(..., alias="care_class.name")
    start_date: dt.date
    end_date: dt.date | None


class ChildOut(Schema):
    id: int
    institution_id: int
    name: str
    sex: str
    birth_date: dt.date
    age_months: int = Field(description="今天的满月数 / completed months today")
    id_number_masked: str
    version: int

    @staticmethod
    def resolve_age_months(obj) -> int:  # noqa: ANN001
        return obj.age_months()


class ChildDetailOut(ChildOut):
    guardians: list[GuardianOut]
    consents: list[ConsentOut]
    enrollments: list[EnrollmentOut]

    @staticmethod
    def resolve_guardians(obj) -> list:  # noqa: ANN001
        return list(obj.guardians.all())

    @staticmethod
    def resolve_consents(obj) -> list:  # noqa: ANN001
        return list(obj.consents.all())

    @staticmethod
    def resolve_enrollments(obj) -> list:  # noqa: ANN001
        return list(obj.enrollments.select_related("care_class").order_by("-start_date", "-id"))


class ChildIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    sex: Sex
    birth_date: dt.date
    guardian_name: str = Field(..., min_length=1, max_length=50)
    guardian_relationship: Relationship
    guardian_phone: str = Field(..., max_length=20)
    id_number: str = Field(
        "", max_length=30, description="仅在同意范围含 basic 时可填 / only with basic consent"
    )
    consent_scope: list[ConsentScope] = Field(default_factory=list, max_length=3)
    consent_text_version: str = Field("", max_length=32)
    class_id: DbId | None = None
    start_date: dt.date | None = None


class GuardianIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    relationship: Relationship
    phone: str = Field(..., max_length=20)
    id_number: str = Field("", max_length=30)


class ConsentIn(Schema):
    guardian_id: DbId
    scope: list[ConsentScope] = Field(..., min_length=1, max_length=3)
    text_version: str = Field(..., min_length=1, max_length=32)


class EnrollmentIn(Schema):
    class_id: DbId
    start_date: dt.date = Field(description="入班日期；已在班时为转班日期 / start, or the day of a move")


class LeaveIn(Schema):
    end_date: dt.date


def _class(child_institution_id: DbId, class_id: DbId | None) -> CareClass | None:
    if class_id is None:
        return None
    care_class = CareClass.objects.filter(pk=class_id, institution_id=child_institution_id).first()
    if care_class is None:
        raise DomainError("unknown_class", _("本机构没有该班级。"), field="class_id")
    return care_class


def _detail(request: HttpRequest, child_id: DbId) -> Child:
    return selectors.child_get(viewer=request.user, child_id=child_id)


@router.get(
    "",
    response=list[ChildOut],
    summary="幼儿 / children in scope (masked)",
    description="与幼儿花名册页相同的筛选与排序（children.lists）/ the same filters and sorting as the roster.",
)
@paginate(LimitOffset)
def child_list(request: HttpRequest, filters: Query[CHILDREN.query_schema]):  # noqa: ANN201
    return CHILDREN.api_queryset(request, selectors.api_list(viewer=request.user))


@router.post(
    "", response={201: ChildDetailOut}, summary="登记幼儿 / register a child (the institution's admin)"
)
def child_create(request: HttpRequest, payload: ChildIn) -> Status:
    institution = admin_institution(request.user)
    if institution is None:
        raise Http404
    data = payload.dict()
    care_class = _class(institution.pk, data.pop("class_id"))
    child = services.child_register(
        by=request.user,
        institution=institution,
        care_class=care_class,
        **{
            **data,
            "sex": str(payload.sex.value),
            "consent_scope": [str(s.value) for s in payload.consent_scope],
        },
    )
    return Status(201, _detail(request, child.pk))


@router.get("/{child_id}", response=ChildDetailOut, summary="幼儿详情 / one child (masked)")
def child_detail(request: HttpRequest, child_id: DbId) -> Child:
    return _detail(request, child_id)


@router.post("/{child_id}/guardians", response={201: ChildDetailOut}, summary="添加监护人 / add a guardian")
def guardian_add(request: HttpRequest, child_id: DbId, payload: GuardianIn) -> Status:
    child = selectors.child_get(viewer=request.user, child_id=child_id, action="change")
    services.guardian_add(
        by=request.user, child=child, **{**payload.dict(), "relationship": payload.relationship.value}
    )
    return Status(201, _detail(request, child_id))


@router.post(
    "/{child_id}/consents", response={201: ChildDetailOut}, summary="登记监护人同意 / record consent"
)
def consent_add(request: HttpRequest, child_id: DbId, payload: ConsentIn) -> Status:
    child = selectors.child_get(viewer=request.user, child_id=child_id, action="change")
    guardian = child.guardians.filter(pk=payload.guardian_id).first()
    if guardian is None:
        raise DomainError("unknown_guardian", _("该监护人不是这名幼儿的监护人。"), field="guardian_id")
    services.consent_record(
        by=request.user,
        child=child,
        guardian=guardian,
        scope=[s.value for s in payload.scope],
        text_version=payload.text_version,
    )
    return Status(201, _detail(request, child_id))


@router.post(
    "/{child_id}/consents/{consent_id}/withdraw",
    response=ChildDetailOut,
    summary="撤回同意 / withdraw consent",
)
def consent_withdraw(request: HttpRequest, child_id: DbId, consent_id: DbId) -> Child:
    child = selectors.child_get(viewer=request.user, child_id=child_id, action="change")
    consent = child.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    services.consent_withdraw(by=request.user, consent=consent)
    return _detail(request, child_id)


@router.post(
    "/{child_id}/enrollments",
    response={201: ChildDetailOut},
    summary="入班或转班 / enroll in a class, or move class",
)
def enrollment_add(request: HttpRequest, child_id: DbId, payload: EnrollmentIn) -> Status:
    child = selectors.child_get(viewer=request.user, child_id=child_id, action="change")
    care_class = _class(child.institution_id, payload.class_id)
    if child.enrollments.filter(end_date__isnull=True).exists():
        services.enrollment_move(by=request.user, child=child, care_class=care_class, on=payload.start_date)
    else:
        services.enrollment_start(
            by=request.user, child=child, care_class=care_class, start_date=payload.start_date
        )
    return Status(201, _detail(request, child_id))


@router.post("/{child_id}/leave", response=ChildDetailOut, summary="离园 / leave")
def enrollment_leave(request: HttpRequest, child_id: DbId, payload: LeaveIn) -> Child:
    child = selectors.child_get(viewer=request.user, child_id=child_id, action="change")
    services.enrollment_end(by=request.user, child=child, end_date=payload.end_date)
    return _detail(request, child_id)


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/children", router, order=140),
]
