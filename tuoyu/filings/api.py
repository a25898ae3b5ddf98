"""API: the filing workflow (备案) — the institution's admin files, the county health bureau reviews.

Each operation mirrors its web view in filings.views: the same selector decides who may read, the same
door decides who may act (404 for everyone else, before the body is used), and one call of a
filings.services function does the write. A stale ``version`` is a 409 problem; nothing changes on a
refusal.

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from tuoyu.accounts.models import Role
from tuoyu.audit.services import audit_record
from tuoyu.calendars.workdays import load_calendar
from tuoyu.core.apitypes import DbId, Version, problem_responses
from tuoyu.core.downloads import content_disposition
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.filings import receipts, selectors, services
from tuoyu.filings.forms import RETURN_FIELDS, MaterialUploadForm
from tuoyu.filings.lists import NOTICES, REVIEW_QUEUE
from tuoyu.filings.models import Filing, FilingEvent, FilingKind, FilingState, MaterialKind
from tuoyu.filings.workflow import allowed_actions

router = Router(tags=["filings"])

# PostgreSQL refuses a NUL in text; JSON bodies are not covered by RejectNulMiddleware, so the schemas refuse it.
NO_NUL = r"^[^\x00]*$"
RETURN_ITEMS = set(MaterialKind.values) | {k for k, _label in RETURN_FIELDS}


# --- schemas ----------------------------------------------------------------------------------------


class ClockOut(Schema):
    """FIL-04: the bureau decides within five working days of receipt."""

    received: dt.date
    deadline: dt.date
    elapsed: int = Field(description="已用工作日 / working days elapsed")
    overdue: bool
    provisional: bool = Field(description="节假日安排未公布，期限为暂定 / holidays not yet published")


class InstitutionRef(Schema):
    id: int
    name: str
    region_code: str = Field(..., alias="region_id")


class FilingOut(Schema):
    id: int
    institution: InstitutionRef
    kind: FilingKind
    state: FilingState
    version: int = Field(description="操作时原样回传；过期则409 / send back when acting; stale → 409")
    number: str = Field(description="备案编号（通过后） / filing number once accepted")
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    created_at: dt.datetime


class QueueItemOut(FilingOut):
    clock: ClockOut | None

    @staticmethod
    def resolve_clock(obj: Filing, context: dict) -> Any:
        request = context["request"]
        if not hasattr(request, "_filing_calendar"):  # one calendar for the whole page: no query per row
            request._filing_calendar = load_calendar()
        return selectors.review_clock(obj, calendar=request._filing_calendar)


class ReasonOut(Schema):
    item: str = Field(description="材料类型或 facts/declaration/settlement_plan/general")
    reason: str


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    comment: str
    reasons: list[ReasonOut]

    @staticmethod
    def resolve_actor(obj: FilingEvent) -> str:
        return str(obj.actor)

    @staticmethod
    def resolve_reasons(obj: FilingEvent) -> list[Any]:
        return list(obj.reasons.all())


class MaterialOut(Schema):
    """A material's metadata; the content only through its download operation."""

    id: int
    kind: MaterialKind
    name: str
    size: int
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.file.original_name

    @staticmethod
    def resolve_size(obj: Any) -> int:
        return obj.file.size


class FilingDetailOut(FilingOut):
    declaration_version: str
    settlement_plan: str
    events: list[EventOut]
    return_reasons: list[ReasonOut] = Field(description="最近一次退回的原因 / reasons of the last return")
    materials: list[MaterialOut]
    required_materials: list[MaterialKind]
    missing_materials: list[MaterialKind]
    clock: ClockOut | None
    allowed_actions: list[str] = Field(
        description="调用者现在可做的操作：attach, submit, withdraw, return, accept / what the caller may do now"
    )


class FilingFilters(Schema):
    state: FilingState | None = None
    kind: FilingKind | None = None


class StartIn(Schema):
    institution_id: DbId
    kind: FilingKind = FilingKind.INITIAL
    settlement_plan: str = Field(
        "", max_length=5000, pattern=NO_NUL, description="注销时必填 / required for a cancellation"
    )


class VersionIn(Schema):
    version: Version
    comment: str = Field("", max_length=2000, pattern=NO_NUL)


class SubmitIn(Schema):
    version: Version
    declaration_accepted: bool = Field(description="已阅读并接受备案承诺书 / the 承诺书 is accepted")


class ReasonIn(Schema):
    item: str = Field(..., max_length=64)
    reason: str = Field(..., min_length=1, max_length=500, pattern=NO_NUL)

    @field_validator("item")
    @classmethod
    def _known_item(cls, value: str) -> str:
        if value not in RETURN_ITEMS:
            raise ValueError(_("未知的退回事项。"))
        return value


class ReturnIn(Schema):
    version: Version
    reasons: list[ReasonIn] = Field(..., min_length=1, max_length=20)
    comment: str = Field("", max_length=2000, pattern=NO_NUL)


class DeclarationOut(Schema):
    version: str
    text: str


# --- helpers ----------------------------------------------------------------------------------------


def _is_reviewer(request: HttpRequest) -> bool:
    return request.user.has_role(Role.REGULATOR, Role.CITY_ADMIN)


def _acting(request: HttpRequest, filing_id: DbId, *, side: str) -> Filing:
    """The filing, if the caller acts on it from ``side``; 404 otherwise (as the web views)."""
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    if side == "institution":
        allowed = selectors.is_institution_admin_of(viewer=request.user, filing=filing)
    else:
        allowed = selectors.can_review(viewer=request.user, filing=filing)
    if not allowed:
        raise Http404
    return filing


def _detail(request: HttpRequest, filing_id: DbId) -> dict[str, Any]:
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    events = list(filing.events.select_related("actor").prefetch_related("reasons"))
    last_return = next((e for e in reversed(events) if e.action == "return"), None)
    actions: list[str] = []
    if selectors.is_institution_admin_of(viewer=request.user, filing=filing):
        if filing.state in (FilingState.DRAFT, FilingState.RETURNED):
            actions.append("attach")
        actions += allowed_actions(filing.state, side="institution")
    if selectors.can_review(viewer=request.user, filing=filing):
        actions += allowed_actions(filing.state, side="reviewer")
    return {
        **{f: getattr(filing, f) for f in FilingOut.model_fields if f != "institution"},
        "institution": filing.institution,
        "declaration_version": filing.declaration_version,
        "settlement_plan": filing.settlement_plan,
        "events": events,
        "return_reasons": list(last_return.reasons.all()) if last_return else [],
        "materials": list(filing.materials.select_related("file")),
        "required_materials": services.required_materials(filing),
        "missing_materials": services.missing_materials(filing),
        "clock": selectors.review_clock(filing) if filing.state == FilingState.SUBMITTED else None,
        "allowed_actions": actions,
    }


# --- operations -------------------------------------------------------------------------------------


@router.get(
    "",
    response=list[FilingOut],
    summary="备案列表 / filings",
    description=(
        "机构管理员：本机构的备案；卫生健康部门：辖区内的备案；可按 state、kind 筛选。其他角色404。\n\n"
        "An institution's admin: their institutions' filings; the health bureau: filings in its "
        "jurisdiction; filter with `state` and `kind`. Other roles: 404."
    ),
)
@paginate(LimitOffset)
def filing_list(request: HttpRequest, filters: Query[FilingFilters]):  # noqa: ANN201
    if not (selectors.admin_institutions(viewer=request.user) or _is_reviewer(request)):
        raise Http404
    return selectors.filing_list_for(viewer=request.user, **filters.dict())


@router.get(
    "/review-queue",
    response=list[QueueItemOut],
    summary="待审核队列 / review queue (oldest first, with the FIL-04 clock)",
)
@paginate(LimitOffset)
def review_queue(request: HttpRequest, filters: Query[REVIEW_QUEUE.query_schema]):  # noqa: ANN201
    if not _is_reviewer(request):
        raise Http404
    return REVIEW_QUEUE.api_queryset(request, selectors.review_queue(viewer=request.user))


@router.get("/declaration", response=DeclarationOut, summary="备案承诺书 / the self-declaration text")
def declaration(request: HttpRequest) -> dict[str, str]:
    return {"version": services.DECLARATION_VERSION, "text": services.DECLARATION_TEXT}


@router.get("/{filing_id}", response=FilingDetailOut, summary="备案详情 / one filing")
def filing_detail(request: HttpRequest, filing_id: DbId) -> dict[str, Any]:
    return _detail(request, filing_id)


@router.post(
    "",
    response={201: FilingDetailOut},
    summary="开始备案 / start a filing (draft)",
    description="机构管理员为本机构开始备案、变更或注销（注销须填写安置方案）。",
)
def filing_start(request: HttpRequest, payload: StartIn) -> Status:
    if not selectors.admin_institutions(viewer=request.user):
        raise Http404
    filing = services.filing_start(
        by=request.user,
        institution_id=payload.institution_id,
        kind=payload.kind,
        settlement_plan=payload.settlement_plan,
    )
    return Status(201, _detail(request, filing.pk))


@router.post(
    "/{filing_id}/materials",
    response={201: MaterialOut},
    summary="上传材料 / attach a material (multipart: kind, file)",
    description="PDF、JPEG或PNG，按内容校验 / PDF, JPEG or PNG, checked by content.",
)
def filing_attach(
    request: HttpRequest, filing_id: DbId, kind: Form[MaterialKind], file: File[UploadedFile]
) -> Status:
    _acting(request, filing_id, side="institution")
    form = MaterialUploadForm(data={"kind": kind}, files={"file": file})
    if not form.is_valid():
        raise ValidationError({f: list(errs.as_data()) for f, errs in form.errors.items()})
    try:
        material = services.filing_attach(
            by=request.user,
            filing_id=filing_id,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    return Status(201, material)


@router.get(
    "/{filing_id}/materials/{material_id}",
    response={200: None},
    summary="下载材料 / download a material",
    openapi_extra={"responses": {200: {"content": {"application/octet-stream": {}}}}},
)
def material_download(request: HttpRequest, filing_id: DbId, material_id: DbId) -> HttpResponse:
    from tuoyu.files.services import file_response

    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    material = filing.materials.select_related("file").filter(pk=material_id).first()
    if material is None:
        raise Http404
    return file_response(material.file, viewer=request.user)


@router.post("/{filing_id}/submit", response=FilingDetailOut, summary="提交审核 / submit for review")
def filing_submit(request: HttpRequest, filing_id: DbId, payload: SubmitIn) -> dict[str, Any]:
    _acting(request, filing_id, side="institution")
    services.filing_submit(
        by=request.user,
        filing_id=filing_id,
        version=payload.version,
        declaration_accepted=payload.declaration_accepted,
    )
    return _detail(request, filing_id)


@router.post(
    "/{filing_id}/return",
    response=FilingDetailOut,
    summary="退回补正 / return with reasons",
    description="逐项写明原因：item 为材料类型或 facts、declaration、settlement_plan、general。",
)
def filing_return(request: HttpRequest, filing_id: DbId, payload: ReturnIn) -> dict[str, Any]:
    _acting(request, filing_id, side="reviewer")
    services.filing_return(
        by=request.user,
        filing_id=filing_id,
        version=payload.version,
        reasons=[(r.item, r.reason) for r in payload.reasons],
        comment=payload.comment,
    )
    return _detail(request, filing_id)


@router.post("/{filing_id}/accept", response=FilingDetailOut, summary="审核通过 / accept (issues the number)")
def filing_accept(request: HttpRequest, filing_id: DbId, payload: VersionIn) -> dict[str, Any]:
    _acting(request, filing_id, side="reviewer")
    services.filing_accept(
        by=request.user, filing_id=filing_id, version=payload.version, comment=payload.comment
    )
    return _detail(request, filing_id)


@router.post("/{filing_id}/withdraw", response=FilingDetailOut, summary="撤回 / withdraw")
def filing_withdraw(request: HttpRequest, filing_id: DbId, payload: VersionIn) -> dict[str, Any]:
    _acting(request, filing_id, side="institution")
    services.filing_withdraw(
        by=request.user, filing_id=filing_id, version=payload.version, comment=payload.comment
    )
    return _detail(request, filing_id)


@router.get(
    "/{filing_id}/receipt.pdf",
    response={200: None},
    summary="备案回执PDF / the filing receipt (accepted filings only)",
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {}}}, **problem_responses(503)["responses"]}
    },
)
def filing_receipt(request: HttpRequest, filing_id: DbId) -> HttpResponse:
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    if not receipts.has_receipt(filing):
        raise Http404
    verify_url = request.build_absolute_uri(reverse("filing_verify", kwargs={"number": filing.number}))
    pdf = receipts.receipt_pdf(filing, verify_url=verify_url)  # DomainError (503) → problem+json
    audit_record("filing.receipt", obj=filing, detail={"number": filing.number})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"备案回执-{filing.number}.pdf", as_attachment=False
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- change filing (变更备案), cancellation (注销) and FIL-05 notices (change filing helper) ----------------


# The notices have their own router (mounted at /notices in tuoyu.api): under /filings their paths would
# be taken by /filings/{filing_id}.
notices_router = Router(tags=["filings"])


class ChangeRowOut(Schema):
    field: str
    label: str
    current: str = Field(description="现值（身份证号脱敏） / current value (ID numbers masked)")
    proposed: str = Field(description="变更后（身份证号脱敏） / proposed value (ID numbers masked)")


class ChangeGroupOut(Schema):
    key: str
    label: str
    material: str | None = Field(description="该事项所需材料 / the material this group needs, if any")
    rows: list[ChangeRowOut]


class ChangesOut(Schema):
    version: int
    changed_items: list[str]
    groups: list[ChangeGroupOut]


class ChangesIn(Schema):
    version: Version
    changes: dict[str, dict[str, Any]] = Field(
        ...,
        description=(
            "变更事项：{分组: {字段: 值}}，分组为 basic、legal_rep、director、services、meals、premises、"
            "surveillance、insurance；未给出的字段保持现值 / {group: {field: value}}; fields left out keep "
            "their current value"
        ),
        examples=[{"services": {"capacity": 60}}],
    )


class CancellationIn(Schema):
    version: Version
    settlement_plan: str = Field(..., max_length=5000, pattern=NO_NUL)
    stop_date: dt.date = Field(description="计划停止服务日期 / planned stop date")
    parents_notified: bool = Field(description="已书面告知家长 / the parents were notified in writing")


class NoticeOut(Schema):
    id: int
    institution: InstitutionRef
    found_on: dt.date
    items: list[str]
    required_action: str
    rectify_by: dt.date
    issued_at: dt.datetime
    workdays_to_issue: int = Field(
        description="FIL-05：发现至通知的工作日数 / working days from finding to notice"
    )
    late: bool = Field(description="超过15个工作日 / issued after 15 working days")
    clock_provisional: bool
    published_at: dt.datetime | None
    institution_response: str
    responded_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int


class NoticeIn(Schema):
    institution_id: DbId
    found_on: dt.date
    items: list[str] = Field(..., min_length=1, max_length=50)
    required_action: str = Field(..., min_length=1, max_length=5000, pattern=NO_NUL)
    rectify_by: dt.date

    @field_validator("items")
    @classmethod
    def _items(cls, value: list[str]) -> list[str]:
        if any("\x00" in v or len(v) > 500 for v in value):
            raise ValueError(_("每项不符事项不超过500字。"))
        return value


class NoticeResponseIn(Schema):
    version: Version
    response: str = Field(..., min_length=1, max_length=5000, pattern=NO_NUL)


def _change_group_keys() -> set[str]:
    from tuoyu.filings import changes as change_groups

    return set(change_groups.GROUPS_BY_KEY)


def _changes_out(filing: Filing) -> dict[str, Any]:
    from tuoyu.filings import changes as change_groups

    groups = change_groups.diff(filing.institution, filing.changed_items or [], filing.facts)
    return {
        "version": filing.version,
        "changed_items": list(filing.changed_items or []),
        "groups": [{**g, "label": str(g["label"])} for g in groups],
    }


@router.get(
    "/{filing_id}/changes",
    response=ChangesOut,
    summary="变更事项（现值→变更后） / a change filing's items as a diff",
)
def filing_changes(request: HttpRequest, filing_id: DbId) -> dict[str, Any]:
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    if filing.kind != FilingKind.CHANGE:
        raise Http404
    return _changes_out(filing)


@router.post(
    "/{filing_id}/changes",
    response=ChangesOut,
    summary="填写变更事项 / set a change filing's items (draft or returned)",
)
def filing_change_set(request: HttpRequest, filing_id: DbId, payload: ChangesIn) -> dict[str, Any]:
    _acting(request, filing_id, side="institution")
    filing = services.filing_change_set(
        by=request.user, filing_id=filing_id, version=payload.version, changes=payload.changes
    )
    return _changes_out(filing)


class FilingFormOut(Schema):
    version: int
    filled: list[str] = Field(description="已填写的部分 / the parts of the form filled so far")
    complete: bool = Field(description="可以提交 / nothing missing for submission")
    missing: list[str] = Field(description="尚缺内容（中文说明） / what is still missing, in Chinese")
    groups: list[ChangeGroupOut] = Field(
        description="各部分填报内容（身份证号脱敏；current 为机构现有记录） / every stated value (ID numbers "
        "masked; current is the institution's record)"
    )


class FilingFormIn(Schema):
    version: Version
    form: dict[str, dict[str, Any]] = Field(
        ...,
        description=(
            "备案书：{部分: {字段: 值}}，部分为 director、services、meals、premises、surveillance、insurance；"
            "给出的部分整体保存，未给出的字段沿用此前所填或机构现有记录 / {part: {field: value}}; a part given "
            "is saved whole, fields left out keep what the form (or the record) says"
        ),
        examples=[
            {
                "services": {
                    "offers_full_day": True,
                    "min_age_months": 12,
                    "max_age_months": 36,
                    "capacity": 60,
                    "opening_hours": "周一至周五 7:30-17:30",
                }
            }
        ],
    )


def _form_out(filing: Filing) -> dict[str, Any]:
    from tuoyu.filings import changes as change_groups

    groups = change_groups.diff(
        filing.institution, filing.changed_items or [], filing.facts, every_field=True
    )
    missing = services.form_missing(filing)
    return {
        "version": filing.version,
        "filled": list(filing.changed_items or []),
        "complete": not missing,
        "missing": [message for _f, message in missing],
        "groups": [{**g, "label": str(g["label"])} for g in groups],
    }


@router.get("/{filing_id}/form", response=FilingFormOut, summary="备案书 / an initial filing's form")
def filing_form(request: HttpRequest, filing_id: DbId) -> dict[str, Any]:
    filing = selectors.filing_get(viewer=request.user, filing_id=filing_id)
    if filing.kind != FilingKind.INITIAL:
        raise Http404
    return _form_out(filing)


@router.post(
    "/{filing_id}/form",
    response=FilingFormOut,
    summary="填写备案书 / fill an initial filing's form (draft or returned)",
)
def filing_form_set(request: HttpRequest, filing_id: DbId, payload: FilingFormIn) -> dict[str, Any]:
    _acting(request, filing_id, side="institution")
    filing = services.filing_form_set(
        by=request.user, filing_id=filing_id, version=payload.version, form=payload.form
    )
    return _form_out(filing)


@router.post(
    "/{filing_id}/cancellation",
    response=FilingDetailOut,
    summary="注销：安置方案、停止日期、家长告知 / a cancellation's settlement plan (FIL-07)",
)
def filing_cancellation_set(request: HttpRequest, filing_id: DbId, payload: CancellationIn) -> dict[str, Any]:
    _acting(request, filing_id, side="institution")
    services.filing_cancellation_set(
        by=request.user,
        filing_id=filing_id,
        version=payload.version,
        settlement_plan=payload.settlement_plan,
        stop_date=payload.stop_date,
        parents_notified=payload.parents_notified,
    )
    return _detail(request, filing_id)


@notices_router.get("", response=list[NoticeOut], summary="核查不符通知 / non-compliance notices (FIL-05)")
@paginate(LimitOffset)
def notice_list(request: HttpRequest, filters: Query[NOTICES.query_schema]):  # noqa: ANN201
    from tuoyu.core import scoping
    from tuoyu.filings.models import NonComplianceNotice

    if scoping.scope_filter(request.user, "view", NonComplianceNotice) is None:
        raise Http404
    return NOTICES.api_queryset(request, selectors.notice_list(viewer=request.user))


@notices_router.post(
    "",
    response={201: NoticeOut},
    summary="发出核查不符通知 / issue a non-compliance notice (county bureau, FIL-05)",
)
def notice_issue(request: HttpRequest, payload: NoticeIn) -> Status:
    if not _is_reviewer(request):
        raise Http404
    notice = services.notice_issue(
        by=request.user,
        institution_id=payload.institution_id,
        found_on=payload.found_on,
        items=payload.items,
        required_action=payload.required_action,
        rectify_by=payload.rectify_by,
    )
    return Status(201, notice)


@notices_router.get("/{notice_id}", response=NoticeOut, summary="一份核查不符通知 / one notice")
def notice_detail(request: HttpRequest, notice_id: DbId) -> Any:
    return selectors.notice_get(viewer=request.user, notice_id=notice_id)


def _notice_acting(request: HttpRequest, notice_id: DbId, *, side: str) -> None:
    notice = selectors.notice_get(viewer=request.user, notice_id=notice_id)
    if side == "reviewer":
        allowed = selectors.can_manage_notice(viewer=request.user, notice=notice)
    else:
        allowed = selectors.is_notice_admin(viewer=request.user, notice=notice)
    if not allowed:
        raise Http404


@notices_router.post("/{notice_id}/publish", response=NoticeOut, summary="公开通知 / publish a notice")
def notice_publish(request: HttpRequest, notice_id: DbId, payload: VersionIn) -> Any:
    _notice_acting(request, notice_id, side="reviewer")
    return services.notice_publish(by=request.user, notice_id=notice_id, version=payload.version)


@notices_router.post(
    "/{notice_id}/respond", response=NoticeOut, summary="反馈整改情况 / the institution responds"
)
def notice_respond(request: HttpRequest, notice_id: DbId, payload: NoticeResponseIn) -> Any:
    _notice_acting(request, notice_id, side="institution")
    return services.notice_respond(
        by=request.user, notice_id=notice_id, version=payload.version, response=payload.response
    )


@notices_router.post("/{notice_id}/close", response=NoticeOut, summary="办结通知 / close a notice")
def notice_close(request: HttpRequest, notice_id: DbId, payload: VersionIn) -> Any:
    _notice_acting(request, notice_id, side="reviewer")
    return services.notice_close(
        by=request.user, notice_id=notice_id, version=payload.version, comment=payload.comment
    )


# A change filing is returned for its changed groups too (the service allows only the filing's own).
RETURN_ITEMS.update(_change_group_keys())

# --- end change filing helper ------------------------------------------------------------------------


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/filings", router, order=60),
    ApiMount("/notices", notices_router, order=80),
]
