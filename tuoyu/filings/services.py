"""The filing workflow's writes. Each action checks the actor, the state machine and the version it
saw, records a timeline event and an audit event in one transaction, and notifies after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Membership, Role, User
from tuoyu.audit.services import audit_record
from tuoyu.core import registry, scoping
from tuoyu.core.errors import Conflict, DomainError, check_version
from tuoyu.filings import changes as change_groups
from tuoyu.filings.models import (
    Filing,
    FilingCounter,
    FilingEvent,
    FilingKind,
    FilingMaterial,
    FilingState,
    MaterialKind,
    NonComplianceNotice,
    ReturnReason,
)
from tuoyu.filings.policy import candidate_institution as _candidate
from tuoyu.filings.policy import form_missing, missing_materials, required_materials
from tuoyu.filings.policy import kept_values as _kept
from tuoyu.filings.workflow import FILING, NOTICE, TRANSITIONS
from tuoyu.institutions.models import FilingStatus, Institution, InstitutionRevision

DECLARATION_VERSION = "2026-1"
DECLARATION_TEXT = (
    "本机构承诺：所填备案信息和提交的材料真实、准确、完整；严格遵守《托育机构设置标准（试行）》《托育机构管理规范（试行）》"
    "等规定，落实安全、卫生保健、膳食、视频监控等要求；工作人员持证上岗、体检合格，无虐待儿童等违法犯罪记录；"
    "备案事项发生变化时及时办理变更，停止服务时妥善安置婴幼儿和工作人员并办理注销。如有不实，愿承担相应法律责任。"
)


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


def _editable(
    by: User,
    filing_id: int,
    *,
    kind: str,
    version: int | None,
    wrong_kind: tuple[str, str],
    not_editable: str,
) -> Filing:
    """A filing of ``kind`` that its institution's admin may still edit: a draft or a returned one, at the
    version they saw (None: not checked). Locked for the rest of the transaction."""
    filing = _locked(by, filing_id, "attach")
    if filing.kind != kind:
        raise DomainError(*wrong_kind)
    if filing.state not in (FilingState.DRAFT, FilingState.RETURNED):
        raise Conflict("not_editable", not_editable)
    check_version(filing, version, message=_("该备案已被他人处理或修改，请刷新后再操作。"))
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
    """Take a transition of the filing workflow (filings/workflow.py): version, state, timeline, audit."""
    return FILING.move(filing, action, by, comment, version=version)


SETTLEMENT_PLAN_MIN_CHARS = 20


def _text(value: Any) -> str:
    """Free text as stored: a string without NUL characters (PostgreSQL refuses them), trimmed."""
    return str(value or "").replace("\x00", "").strip()


def _cancellation_facts(
    settlement_plan: str, stop_date: dt.date | None, parents_notified: bool | None
) -> dict[str, Any]:
    """FIL-07: a settlement plan for the enrolled children and the staff; the planned stop date and the
    parents' notice are recorded with it (and required before submission)."""
    plan = _text(settlement_plan)
    if not plan:
        raise DomainError(
            "settlement_plan_required",
            _("注销须填写在托婴幼儿和工作人员的安置方案（FIL-07）。"),
            field="settlement_plan",
        )
    if len(plan) < SETTLEMENT_PLAN_MIN_CHARS:
        raise DomainError(
            "settlement_plan_too_short",
            _("安置方案过于简单，请写明在托婴幼儿和工作人员如何安置（至少%(n)d字，FIL-07）。")
            % {"n": SETTLEMENT_PLAN_MIN_CHARS},
            field="settlement_plan",
        )
    facts: dict[str, Any] = {}
    if stop_date is not None:
        if stop_date < timezone.localdate():
            raise DomainError("stop_date_past", _("计划停止服务日期不能早于今天。"), field="stop_date")
        facts["stop_date"] = stop_date.isoformat()
    if parents_notified is not None:
        facts["parents_notified"] = bool(parents_notified)
    return facts


@transaction.atomic
def filing_start(
    *,
    by: User,
    institution_id: int,
    kind: str = FilingKind.INITIAL,
    settlement_plan: str = "",
    stop_date: dt.date | None = None,
    parents_notified: bool | None = None,
) -> Filing:
    """The institution's admin opens a filing (备案, 变更 or 注销) as a draft. A cancellation (注销) names
    its settlement plan (FIL-07) and may name its planned stop date and whether the parents were notified
    (both needed before submission; see ``filing_cancellation_set``)."""
    institution = _own_institution(by, institution_id)
    if kind == FilingKind.INITIAL and institution.filing_status != FilingStatus.REGISTERED:
        raise DomainError("already_filed", _("该机构已备案，如信息变化请办理变更备案。"))
    if (
        kind in (FilingKind.CHANGE, FilingKind.CANCELLATION)
        and institution.filing_status != FilingStatus.FILED
    ):
        raise DomainError("not_filed", _("机构尚未备案，不能办理变更或注销。"))
    if kind not in FilingKind.values:
        raise DomainError("filing_kind", _("未知的备案类型。"), field="kind")
    facts: dict[str, Any] = {}
    if kind == FilingKind.CANCELLATION:
        facts = _cancellation_facts(settlement_plan, stop_date, parents_notified)
    try:
        with transaction.atomic():
            filing = Filing.objects.create(
                institution=institution,
                kind=kind,
                created_by=by,
                region_prefix=institution.region_prefix,
                settlement_plan=_text(settlement_plan) if kind == FilingKind.CANCELLATION else "",
                facts=facts,
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
    """Submit for review: the self-declaration accepted, the rules that block a filing met (STF-01, SIT-05, on
    the institution as the filing would make it) and every required material attached (FIL-01)."""
    filing = _locked(by, filing_id, "submit")
    if not declaration_accepted:
        raise DomainError("declaration_required", _("请阅读并接受备案承诺书。"), field="declaration")
    if filing.kind == FilingKind.CHANGE and not filing.changed_items:
        raise DomainError("change_empty", _("请先填写变更事项。"), field="changes")
    if filing.kind == FilingKind.INITIAL:
        gaps = form_missing(filing)
        if gaps:
            raise DomainError(
                "form_incomplete",
                _("备案书尚未填写完整：%(what)s") % {"what": " ".join(message for _f, message in gaps[:3])},
                field="form",
            )
    if filing.kind in (FilingKind.INITIAL, FilingKind.CHANGE):
        # The compliance engine's blocking rules (STF-01, SIT-05), registered by standards; none without it.
        registry.run_guards(
            "filing.submit",
            filing,
            proposed=_kept(change_groups.proposed_values(filing.facts)),
            field="form" if filing.kind == FilingKind.INITIAL else "changes",
        )
    if filing.kind == FilingKind.CANCELLATION:
        facts = filing.facts or {}
        if not facts.get("stop_date"):
            raise DomainError(
                "stop_date_required", _("请填写计划停止服务日期（FIL-07）。"), field="stop_date"
            )
        if not facts.get("parents_notified"):
            raise DomainError(
                "parents_not_notified",
                _("注销前须书面告知在托婴幼儿家长（FIL-07），请确认已告知。"),
                field="parents_notified",
            )
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
    if filing.kind == FilingKind.CHANGE:  # only the changed items are re-reviewed, so only they return
        allowed = change_return_items(filing)
        wrong = [item for item, _reason in reasons if item not in allowed]
        if wrong:
            raise DomainError(
                "reason_item_not_changed",
                _("变更备案只能就变更事项及其材料退回：%(items)s不在本次变更范围内。")
                % {"items": "、".join(wrong)},
                field="reasons",
            )
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
    if filing.kind == FilingKind.CHANGE:
        # The change keeps the original filing number (on the initial filing); the institution takes
        # the proposed values.
        _apply_proposed(filing, institution, by=by, source="change_filing")
    else:
        # The 备案书's facts become the institution's (a filing submitted before the form existed has none).
        if filing.kind == FilingKind.INITIAL and (filing.facts or {}).get("proposed"):
            _apply_proposed(filing, institution, by=by, source="initial_filing")
        institution.filing_status = (
            FilingStatus.CANCELLED if filing.kind == FilingKind.CANCELLATION else FilingStatus.FILED
        )
        if filing.kind == FilingKind.INITIAL:
            institution.filed_at = filing.decided_at  # the public list's 备案日期 and its sort key
        institution.version += 1
        institution.save(update_fields=["filing_status", "filed_at", "version", "updated_at"])
    filing.save()
    body = _("%(kind)s已通过审核。") % {"kind": FilingKind(filing.kind).label}
    if filing.number:
        body += _("备案编号：%(number)s。") % {"number": filing.number}
    _notify(filing, _institution_admins(filing), kind="filing.accepted", title=_("备案已通过"), body=body)
    # The compliance engine re-evaluates the institution on the accepted filing's save (standards/signals.py).
    return filing


@transaction.atomic
def filing_withdraw(*, by: User, filing_id: int, version: int, comment: str = "") -> Filing:
    filing = _locked(by, filing_id, "withdraw")
    _move(filing, action="withdraw", by=by, version=version, comment=comment)
    filing.save()
    return filing


# --- change filing (变更备案): the changed groups and their proposed values ---------------------------


def change_return_items(filing: Filing) -> list[str]:
    """What a reviewer may return a change filing for: its changed groups and their materials."""
    return list(filing.changed_items or []) + [
        k for k in required_materials(filing) if k not in (filing.changed_items or [])
    ]


def _as_domain_error(exc: ValidationError) -> DomainError:
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        field_name = None if name == "__all__" else name
        return DomainError("invalid", " ".join(e.messages[0] for e in errors), field=field_name)
    return DomainError("invalid", " ".join(exc.messages))


def _validated(institution: Institution, proposed: dict[str, Any]) -> Institution:
    """The institution as it would be with the proposed values, checked by its own model (validators and
    constraints) and the filing rules; raises DomainError naming the first offending field."""
    candidate = _candidate(institution, proposed)
    try:
        candidate.full_clean(exclude=["uscc"])
    except ValidationError as exc:
        raise _as_domain_error(exc) from exc
    problems = change_groups.filing_rule_problems(candidate)
    if problems:
        field_name, message = problems[0]
        raise DomainError("filing_rule", message, field=field_name)
    if "region" in proposed and proposed["region"].prefix[:6] != institution.region_prefix[:6]:
        raise DomainError(
            "region_other_county",
            _("变更后的区划须在本县（区）内；迁往其他县（区）请注销后向当地卫生健康部门重新备案。"),
            field="region",
        )
    return candidate


@transaction.atomic
def filing_change_set(
    *, by: User, filing_id: int, changes: dict[str, dict[str, Any]], version: int | None = None
) -> Filing:
    """The institution's admin states what changes (变更事项): ``{group key: {field: value}}``, values as
    typed (text) or as Python values. Only groups whose values really differ are kept; the proposed values
    go to ``facts["proposed"]`` (ID numbers sealed), the group keys to ``changed_items``. Editable while
    the change filing is a draft or returned; a stale ``version`` is refused."""
    filing = _editable(
        by,
        filing_id,
        kind=FilingKind.CHANGE,
        version=version,
        wrong_kind=("not_a_change", _("只有变更备案可以填写变更事项。")),
        not_editable=_("已提交的备案不能再修改变更事项。"),
    )
    if not isinstance(changes, dict) or not changes:
        raise DomainError("change_empty", _("请至少选择一项变更事项。"), field="groups")
    unknown = [k for k in changes if k not in change_groups.GROUPS_BY_KEY]
    if unknown:
        raise DomainError(
            "change_group", _("未知的变更事项：%(k)s。") % {"k": "、".join(unknown)}, field="groups"
        )
    institution = filing.institution
    complete: dict[str, dict[str, Any]] = {}
    for key, given in changes.items():  # a field left out keeps its current value
        given = given if isinstance(given, dict) else {}
        complete[key] = {
            name: given[name] if name in given else change_groups.current_value(institution, name)
            for name in change_groups.GROUPS_BY_KEY[key].fields
            if name in given or name not in change_groups.ENCRYPTED
        }
    form = change_groups.ChangeForm(change_groups.as_form_data(complete), groups=list(changes))
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise DomainError("invalid", f"{change_groups.field_label(name)}：{errors[0]}", field=name)
    proposed: dict[str, Any] = {}
    kept: list[str] = []
    for key in changes:
        group = change_groups.GROUPS_BY_KEY[key]
        values = {name: form.cleaned_data[name] for name in group.fields}
        values = {n: v for n, v in values.items() if not (n in change_groups.ENCRYPTED and not v)}
        if any(
            change_groups.differs(n, change_groups.current_value(institution, n), v)
            for n, v in values.items()
        ):
            proposed |= values
            kept.append(key)
    if not kept:
        raise DomainError(
            "change_empty", _("所填内容与现有备案信息相同，没有需要变更的事项。"), field="groups"
        )
    _validated(institution, proposed)
    filing.facts = {
        **(filing.facts or {}),
        "proposed": {name: change_groups.to_json(name, value) for name, value in proposed.items()},
    }
    filing.changed_items = kept
    filing.version += 1
    filing.save(update_fields=["facts", "changed_items", "version"])
    audit_record(
        "filing.change_set",
        obj=filing,
        actor=by,
        after={"changed_items": kept, "fields": sorted(proposed), "version": filing.version},
    )
    return filing


@transaction.atomic
def filing_form_set(
    *, by: User, filing_id: int, form: dict[str, dict[str, Any]], version: int | None = None
) -> Filing:
    """The institution's admin fills its 备案书 (initial filing): ``{group key: {field: value}}`` for any
    of ``FORM_GROUPS``; values as typed (text) or Python values. A group given replaces what the form said
    for it before; fields left out keep what the form (or else the institution's record) says. Every value
    is checked by the institution's own model and the filing rules; nothing is saved on a refusal."""
    filing = _editable(
        by,
        filing_id,
        kind=FilingKind.INITIAL,
        version=version,
        wrong_kind=("not_initial", _("只有首次备案需要填写备案书。")),
        not_editable=_("已提交的备案不能再修改备案书。"),
    )
    if not isinstance(form, dict) or not form:
        raise DomainError("form_empty", _("请填写备案书。"), field="form")
    unknown = [k for k in form if k not in change_groups.FORM_GROUPS]
    if unknown:
        raise DomainError(
            "form_group", _("备案书没有这些部分：%(k)s。") % {"k": "、".join(unknown)}, field="form"
        )
    institution = filing.institution
    before = change_groups.proposed_values(filing.facts)
    complete: dict[str, dict[str, Any]] = {}
    for key, given in form.items():
        given = given if isinstance(given, dict) else {}
        complete[key] = {}
        for name in change_groups.GROUPS_BY_KEY[key].fields:
            if name in given:
                complete[key][name] = given[name]
            elif name in before:
                complete[key][name] = before[name]
            elif name not in change_groups.ENCRYPTED:
                complete[key][name] = change_groups.current_value(institution, name)
    keys = [k for k in change_groups.FORM_GROUPS if k in form]
    parsed = change_groups.ChangeForm(change_groups.as_form_data(complete), groups=keys, initial_filing=True)
    if not parsed.is_valid():
        name, errors = next(iter(parsed.errors.items()))
        raise DomainError("invalid", f"{change_groups.field_label(name)}：{errors[0]}", field=name)
    proposed = dict(before)
    for key in keys:
        for name in change_groups.GROUPS_BY_KEY[key].fields:
            value = parsed.cleaned_data[name]
            if name in change_groups.ENCRYPTED and not value:
                continue  # left empty: keep the number the form (or the record) has
            proposed[name] = value
    candidate = _validated(institution, proposed)
    for field_name, message in change_groups.form_problems(candidate):
        if any(field_name in change_groups.GROUPS_BY_KEY[k].fields for k in keys):
            raise DomainError("form_incomplete", message, field=field_name)
    filled = set(filing.changed_items or []) | set(keys)
    filing.facts = {
        **(filing.facts or {}),
        "proposed": {name: change_groups.to_json(name, value) for name, value in proposed.items()},
    }
    filing.changed_items = [k for k in change_groups.FORM_GROUPS if k in filled]
    filing.version += 1
    filing.save(update_fields=["facts", "changed_items", "version"])
    audit_record(
        "filing.form_set",
        obj=filing,
        actor=by,
        after={"groups": keys, "fields": sorted(proposed), "version": filing.version},
    )
    return filing


def _apply_proposed(filing: Filing, institution: Institution, *, by: User, source: str) -> None:
    """Accepting a change filing or a 备案书: the proposed values become the institution's, as one
    revision (``source`` says which)."""
    from tuoyu.institutions.services import _changes as revision_changes  # the revision helper

    proposed = _kept(change_groups.proposed_values(filing.facts))
    if not proposed:
        raise DomainError("change_empty", _("该变更备案没有变更内容。"))
    _validated(institution, proposed)
    diff = revision_changes(institution, proposed)
    for name, value in proposed.items():
        setattr(institution, name, value)
    institution.version += 1
    institution.save()
    InstitutionRevision.objects.create(
        institution=institution,
        version=institution.version,
        changed_by=by,
        source=source,
        changes=diff,
    )
    if institution.region_prefix != filing.region_prefix:
        Filing.objects.filter(pk=filing.pk).update(region_prefix=institution.region_prefix)
        filing.region_prefix = institution.region_prefix
    audit_record(
        f"institution.{source}",
        obj=institution,
        actor=by,
        detail={"filing": filing.pk, "changes": diff},
    )


@transaction.atomic
def filing_cancellation_set(
    *,
    by: User,
    filing_id: int,
    settlement_plan: str,
    stop_date: dt.date | None,
    parents_notified: bool,
    version: int | None = None,
) -> Filing:
    """Edit a draft or returned cancellation (注销): its settlement plan, stop date and parents' notice."""
    filing = _editable(
        by,
        filing_id,
        kind=FilingKind.CANCELLATION,
        version=version,
        wrong_kind=("not_a_cancellation", _("只有注销备案有安置方案。")),
        not_editable=_("已提交的备案不能再修改。"),
    )
    facts = _cancellation_facts(settlement_plan, stop_date, parents_notified)
    filing.settlement_plan = _text(settlement_plan)
    filing.facts = {k: v for k, v in (filing.facts or {}).items() if k not in ("stop_date",)} | facts
    filing.version += 1
    filing.save(update_fields=["settlement_plan", "facts", "version"])
    audit_record("filing.cancellation_set", obj=filing, actor=by, after={**facts, "version": filing.version})
    return filing


# --- FIL-05 non-compliance notices (核查不符通知) -------------------------------------------------------

NOTICE_WORKDAYS = 15  # FIL-05: notify within 15 working days of the finding, and publish


def _notice_link(notice: NonComplianceNotice) -> str:
    return reverse("filings:notice", kwargs={"notice_id": notice.pk})


def _notice_locked(by: User, notice_id: int, *, side: str) -> NonComplianceNotice:
    """The notice locked for an action from ``side`` ("reviewer" or "institution"); 404 otherwise."""
    from django.http import Http404

    action = "change" if side == "reviewer" else "view"
    notice = scoping.get_scoped_or_404(
        by,
        action,
        NonComplianceNotice.objects.select_for_update().select_related("institution"),
        pk=notice_id,
    )
    if side == "institution" and not any(
        m.role == Role.INSTITUTION_ADMIN and m.institution_id == notice.institution_id
        for m in by.active_memberships()
    ):
        raise Http404
    return notice


def notice_clock(found_on: dt.date, issued_on: dt.date) -> tuple[int, bool, bool]:
    """FIL-05: (working days from the finding to the notice, late?, provisional?)."""
    from tuoyu.calendars.workdays import workdays_between

    count = workdays_between(found_on, issued_on)
    return count.n, count.n > NOTICE_WORKDAYS, count.provisional


@transaction.atomic
def notice_issue(
    *,
    by: User,
    institution_id: int,
    found_on: dt.date,
    items: Iterable[str],
    required_action: str,
    rectify_by: dt.date,
) -> NonComplianceNotice:
    """The county bureau records a non-compliance notice to a filed institution (FIL-05) and tells its
    admins. Issued more than 15 working days after the finding it is still recorded, flagged late (超时)."""
    from django.http import Http404

    if not by.has_role(Role.REGULATOR, Role.CITY_ADMIN):  # the bureau; never the institution itself
        raise Http404
    institution = scoping.get_scoped_or_404(
        by, "change", Institution.objects.select_for_update(), pk=institution_id
    )
    if institution.filing_status != FilingStatus.FILED:
        raise DomainError("not_filed", _("只能向已备案的机构发出核查不符通知。"))
    today = timezone.localdate()
    if found_on > today:
        raise DomainError("found_in_future", _("核查发现日期不能晚于今天。"), field="found_on")
    if found_on < today - dt.timedelta(days=366):
        raise DomainError("found_too_early", _("核查发现日期不能早于一年前。"), field="found_on")
    items = [_text(i)[:500] for i in items if _text(i)]
    if not items:
        raise DomainError("items_required", _("请逐项写明不符事项（至少一项）。"), field="items")
    required_action = _text(required_action)
    if not required_action:
        raise DomainError("action_required", _("请写明整改要求。"), field="required_action")
    if rectify_by < today:
        raise DomainError("rectify_by_past", _("整改期限不能早于今天。"), field="rectify_by")
    elapsed, late, provisional = notice_clock(found_on, today)
    filing = (
        Filing.objects.filter(institution=institution, state=FilingState.ACCEPTED)
        .exclude(number="")
        .order_by("-decided_at", "-id")
        .first()
    )
    notice = NonComplianceNotice.objects.create(
        institution=institution,
        filing=filing,
        found_on=found_on,
        items=items,
        required_action=required_action[:5000],
        rectify_by=rectify_by,
        issued_at=timezone.now(),
        issued_by=by,
        workdays_to_issue=elapsed,
        late=late,
        clock_provisional=provisional,
        region_prefix=institution.region_prefix,
    )
    audit_record(
        "notice.issue",
        obj=notice,
        actor=by,
        after={"institution": institution.pk, "items": len(items), "workdays": elapsed, "late": late},
    )
    from tuoyu.notifications.services import notify

    admins = [
        m.user
        for m in Membership.objects.filter(
            role=Role.INSTITUTION_ADMIN, institution=institution, is_active=True, user__is_active=True
        ).select_related("user")
    ]
    notify(
        recipients=admins,
        kind="filing.noncompliance",
        title=_("核查不符通知：请按要求整改"),
        body=_("卫生健康部门核查发现%(n)d项与备案信息不符，请于%(date)s前整改并反馈整改情况。")
        % {"n": len(items), "date": rectify_by.isoformat()},
        link=_notice_link(notice),
    )
    return notice


@transaction.atomic
def notice_publish(*, by: User, notice_id: int, version: int) -> NonComplianceNotice:
    """Make the notice public (FIL-05 requires notices to be made public)."""
    notice = _notice_locked(by, notice_id, side="reviewer")
    check_version(notice, version, message=_("该通知已被他人处理或修改，请刷新后再操作。"))
    if notice.is_published:
        raise Conflict("already_published", _("该通知已公开。"))
    notice.published_at = timezone.now()
    notice.published_by = by
    notice.version += 1
    notice.save(update_fields=["published_at", "published_by", "version"])
    audit_record("notice.publish", obj=notice, actor=by, after={"version": notice.version})
    return notice


@transaction.atomic
def notice_respond(*, by: User, notice_id: int, version: int, response: str) -> NonComplianceNotice:
    """The institution's admin reports how it rectified (整改情况); may be updated until closed."""
    notice = _notice_locked(by, notice_id, side="institution")
    response = _text(response)
    NOTICE.move(notice, "respond", by, response, version=version)  # stale, then closed, are refused first
    if not response:
        raise DomainError("response_required", _("请填写整改情况。"), field="response")
    notice.institution_response = response[:5000]
    notice.save(update_fields=["institution_response", "responded_at", "responded_by", "status", "version"])
    from tuoyu.notifications.services import notify

    reviewers = [
        m.user
        for m in Membership.objects.filter(
            role__in=[Role.REGULATOR, Role.CITY_ADMIN], is_active=True, user__is_active=True
        ).select_related("user", "region")
        if m.region and notice.region_prefix.startswith(m.region.prefix)
    ]
    notify(
        recipients=reviewers,
        kind="filing.noncompliance_response",
        title=_("机构已反馈整改情况：%(name)s") % {"name": notice.institution.name},
        body=_("请查看整改情况并办结核查不符通知。"),
        link=_notice_link(notice),
    )
    return notice


@transaction.atomic
def notice_close(*, by: User, notice_id: int, version: int, comment: str = "") -> NonComplianceNotice:
    """The county bureau closes the notice (整改完成或已处理)."""
    notice = _notice_locked(by, notice_id, side="reviewer")
    notice.closing_comment = _text(comment)[:2000]
    NOTICE.move(notice, "close", by, notice.closing_comment, version=version)
    notice.save(update_fields=["closed_at", "closed_by", "closing_comment", "status", "version"])
    return notice
