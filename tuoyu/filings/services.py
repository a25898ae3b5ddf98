"""The filing workflow's writes. Each action checks the actor, the state machine and the version it
saw, records a timeline event and an audit event in one transaction, and notifies after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Membership, Role, User
from tuoyu.audit.services import audit_record
from tuoyu.core import scoping
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.filings.models import (
    Filing,
    FilingCounter,
    FilingEvent,
    FilingKind,
    FilingMaterial,
    FilingState,
    MaterialKind,
    ReturnReason,
)
from tuoyu.filings.workflow import TRANSITIONS
from tuoyu.institutions.models import FilingStatus, Institution

DECLARATION_VERSION = "2026-1"
DECLARATION_TEXT = (
    "本机构承诺：所填备案信息和提交的材料真实、准确、完整；严格遵守《托育机构设置标准（试行）》《托育机构管理规范（试行）》"
    "等规定，落实安全、卫生保健、膳食、视频监控等要求；工作人员持证上岗、体检合格，无虐待儿童等违法犯罪记录；"
    "备案事项发生变化时及时办理变更，停止服务时妥善安置婴幼儿和工作人员并办理注销。如有不实，愿承担相应法律责任。"
)
REQUIRED_MATERIALS = [
    MaterialKind.REGISTRATION_CERTIFICATE,
    MaterialKind.PREMISES_PROOF,
    MaterialKind.STAFF_QUALIFICATIONS,
    MaterialKind.STAFF_HEALTH_CERTIFICATES,
    MaterialKind.HEALTH_ASSESSMENT,
    MaterialKind.FIRE_SAFETY,
]


def required_materials(filing: Filing) -> list[str]:
    """FIL-01 (备案办法 art. 8): the materials a filing of this kind needs."""
    if filing.kind == FilingKind.CANCELLATION:
        return [MaterialKind.SETTLEMENT_PLAN]
    if filing.kind == FilingKind.CHANGE:
        return []  # only the changed items are re-reviewed; their proofs are attached as needed
    needed = list(REQUIRED_MATERIALS)
    if filing.institution.serves_meals:
        needed.append(MaterialKind.FOOD_LICENCE)
    return needed


def missing_materials(filing: Filing) -> list[str]:
    have = set(filing.materials.values_list("kind", flat=True))
    return [k for k in required_materials(filing) if k not in have]


def _own_institution(by: User, institution_id: int) -> Institution:
    ids = {m.institution_id for m in by.active_memberships() if m.role == Role.INSTITUTION_ADMIN}
    if institution_id not in ids:
        from django.http import Http404

        raise Http404
    return Institution.objects.select_for_update().get(pk=institution_id)


def _locked(by: User, filing_id: int, action: str) -> Filing:
    side = TRANSITIONS[action].by if action in TRANSITIONS else "institution"
    scope_action = "change" if side == "reviewer" else "view"
    filing = scoping.get_scoped_or_404(
        by, scope_action, Filing.objects.select_for_update().select_related("institution"), pk=filing_id
    )
    if side == "institution" and not any(
        m.role == Role.INSTITUTION_ADMIN and m.institution_id == filing.institution_id
        for m in by.active_memberships()
    ):
        from django.http import Http404

        raise Http404
    return filing


def _reviewers(filing: Filing) -> list[User]:
    """The health bureau over the institution: regulators and city admins whose region contains it."""
    return [
        m.user
        for m in Membership.objects.filter(
            role__in=[Role.REGULATOR, Role.CITY_ADMIN], is_active=True, user__is_active=True
        ).select_related("user", "region")
        if m.region and filing.region_prefix.startswith(m.region.prefix)
    ]


def _institution_admins(filing: Filing) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.INSTITUTION_ADMIN,
            institution_id=filing.institution_id,
            is_active=True,
            user__is_active=True,
        ).select_related("user")
    ]


def _notify(filing: Filing, recipients: list[User], *, kind: str, title: str, body: str) -> None:
    from tuoyu.notifications.services import notify

    link = reverse("filings:detail", kwargs={"filing_id": filing.pk})
    notify(recipients=recipients, kind=kind, title=title, body=body, link=link)


def _move(filing: Filing, *, action: str, by: User, version: int, comment: str = "") -> FilingEvent:
    transition = TRANSITIONS[action]
    if filing.version != version:
        raise Conflict("stale_version", _("该备案已被他人处理或修改，请刷新后再操作。"))
    if filing.state not in transition.sources:
        raise Conflict(
            "wrong_state",
            _("当前状态“%(state)s”不能执行此操作。") % {"state": FilingState(filing.state).label},
        )
    before = filing.state
    filing.state = transition.target
    filing.version += 1
    event = FilingEvent.objects.create(
        filing=filing, action=action, from_state=before, to_state=filing.state, actor=by, comment=comment
    )
    audit_record(
        f"filing.{action}",
        obj=filing,
        actor=by,
        before={"state": before},
        after={"state": filing.state, "version": filing.version},
        detail={"comment": comment[:500]},
    )
    return event


@transaction.atomic
def filing_start(
    *, by: User, institution_id: int, kind: str = FilingKind.INITIAL, settlement_plan: str = ""
) -> Filing:
    """The institution's admin opens a filing (备案, 变更 or 注销) as a draft."""
    institution = _own_institution(by, institution_id)
    if kind == FilingKind.INITIAL and institution.filing_status != FilingStatus.REGISTERED:
        raise DomainError("already_filed", _("该机构已备案，如信息变化请办理变更备案。"))
    if (
        kind in (FilingKind.CHANGE, FilingKind.CANCELLATION)
        and institution.filing_status != FilingStatus.FILED
    ):
        raise DomainError("not_filed", _("机构尚未备案，不能办理变更或注销。"))
    if kind == FilingKind.CANCELLATION and not settlement_plan.strip():
        raise DomainError(
            "settlement_plan_required",
            _("注销须填写在托婴幼儿和工作人员的安置方案（FIL-07）。"),
            field="settlement_plan",
        )
    try:
        with transaction.atomic():
            filing = Filing.objects.create(
                institution=institution,
                kind=kind,
                created_by=by,
                region_prefix=institution.region_prefix,
                settlement_plan=settlement_plan.strip(),
            )
    except IntegrityError as exc:
        raise Conflict("filing_open", _("该机构已有正在办理的备案。")) from exc
    FilingEvent.objects.create(filing=filing, action="start", from_state="", to_state=filing.state, actor=by)
    audit_record("filing.start", obj=filing, actor=by, after={"kind": kind})
    return filing


@transaction.atomic
def filing_attach(*, by: User, filing_id: int, kind: str, upload: Any) -> FilingMaterial:
    """Attach one material (PDF/JPEG/PNG, checked by content) while the filing is editable."""
    from tuoyu.files.services import file_store

    filing = _locked(by, filing_id, "attach")
    if filing.state not in (FilingState.DRAFT, FilingState.RETURNED):
        raise Conflict("not_editable", _("已提交的备案不能再修改材料。"))
    if kind not in MaterialKind.values:
        raise DomainError("material_kind", _("未知的材料类型。"), field="kind")
    stored = file_store(upload=upload, by=by)
    material = FilingMaterial.objects.create(filing=filing, kind=kind, file=stored)
    audit_record("filing.attach", obj=filing, actor=by, detail={"kind": kind, "file": stored.pk})
    return material


@transaction.atomic
def filing_submit(*, by: User, filing_id: int, version: int, declaration_accepted: bool) -> Filing:
    """Submit for review: the self-declaration accepted and every required material attached (FIL-01)."""
    filing = _locked(by, filing_id, "submit")
    if not declaration_accepted:
        raise DomainError("declaration_required", _("请阅读并接受备案承诺书。"), field="declaration")
    missing = missing_materials(filing)
    if missing:
        names = "、".join(str(MaterialKind(k).label) for k in missing)
        raise DomainError(
            "FIL-01", _("备案材料不齐全，缺少：%(names)s（FIL-01）。") % {"names": names}, field="materials"
        )
    _move(filing, action="submit", by=by, version=version)
    filing.submitted_at = timezone.now()
    filing.declaration_version = DECLARATION_VERSION
    filing.declaration_accepted_at = filing.submitted_at
    filing.declaration_accepted_by = by
    filing.save()
    name = filing.institution.name
    _notify(
        filing,
        _reviewers(filing),
        kind="filing.submitted",
        title=_("新的备案待审核：%(name)s") % {"name": name},
        body=_("%(name)s提交了%(kind)s，请在5个工作日内审核（FIL-04）。")
        % {"name": name, "kind": FilingKind(filing.kind).label},
    )
    return filing


@transaction.atomic
def filing_return(
    *, by: User, filing_id: int, version: int, reasons: Iterable[tuple[str, str]], comment: str = ""
) -> Filing:
    """The reviewer returns the filing with what to fix, one reason per material or field."""
    filing = _locked(by, filing_id, "return")
    reasons = [(item.strip(), reason.strip()) for item, reason in reasons if item.strip() and reason.strip()]
    if not reasons:
        raise DomainError("reasons_required", _("退回须逐项写明原因。"), field="reasons")
    event = _move(filing, action="return", by=by, version=version, comment=comment)
    ReturnReason.objects.bulk_create(
        [ReturnReason(event=event, item=i[:64], reason=r[:500]) for i, r in reasons]
    )
    filing.save()
    _notify(
        filing,
        _institution_admins(filing),
        kind="filing.returned",
        title=_("备案被退回，请按意见补正"),
        body=_("%(kind)s被退回，共%(n)d项需补正，请查看退回原因后重新提交。")
        % {"kind": FilingKind(filing.kind).label, "n": len(reasons)},
    )
    return filing


def _next_number(filing: Filing) -> str:
    county = filing.institution.region_prefix[:6]
    year = timezone.localdate().year
    counter, _created = FilingCounter.objects.select_for_update().get_or_create(region_code=county, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{county}-{year}-{counter.last:04d}"


@transaction.atomic
def filing_accept(*, by: User, filing_id: int, version: int, comment: str = "") -> Filing:
    """The reviewer accepts: a filing number is issued and the institution's status follows."""
    filing = _locked(by, filing_id, "accept")
    _move(filing, action="accept", by=by, version=version, comment=comment)
    filing.decided_at = timezone.now()
    if filing.kind == FilingKind.INITIAL:
        filing.number = _next_number(filing)
    institution = Institution.objects.select_for_update().get(pk=filing.institution_id)
    institution.filing_status = (
        FilingStatus.CANCELLED if filing.kind == FilingKind.CANCELLATION else FilingStatus.FILED
    )
    institution.version += 1
    institution.save(update_fields=["filing_status", "version", "updated_at"])
    filing.save()
    body = _("%(kind)s已通过审核。") % {"kind": FilingKind(filing.kind).label}
    if filing.number:
        body += _("备案编号：%(number)s。") % {"number": filing.number}
    _notify(filing, _institution_admins(filing), kind="filing.accepted", title=_("备案已通过"), body=body)
    return filing


@transaction.atomic
def filing_withdraw(*, by: User, filing_id: int, version: int, comment: str = "") -> Filing:
    filing = _locked(by, filing_id, "withdraw")
    _move(filing, action="withdraw", by=by, version=version, comment=comment)
    filing.save()
    return filing
