"""Writes about children: registration, guardians, consent, enrollments. Each is one audited transaction.

PIPL art. 31: processing a child's personal information needs the guardian's consent. Until a consent
covering ``basic`` is recorded only the minimum is kept — the child's name, sex and birth date and one
guardian's name, relationship and phone — and anything more (ID numbers, further guardians) is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.audit.services import audit_event, audit_record, audit_record_many
from tuoyu.children.models import (
    Child,
    Consent,
    ConsentScope,
    Enrollment,
    Guardian,
    Relationship,
    Sex,
    age_in_months,
)
from tuoyu.children.policy import AgeBand, age_band, class_size_cap, oldest_months
from tuoyu.core.errors import Conflict, DomainError, check_version
from tuoyu.core.imports import BATCH_SIZE, bulk_insert, chunks
from tuoyu.core.signals import rows_created
from tuoyu.core.validators import id_birth_date, id_sex, validate_id_number, validate_mobile
from tuoyu.institutions.models import CareClass, ClassType, Institution


def _consent_message() -> str:
    return _(
        "未登记监护人对“基本信息”的同意，只能保存姓名、性别、出生日期和一位监护人的姓名、电话"
        "（《个人信息保护法》第三十一条）。"
    )


def _invalid(exc: ValidationError, field: str) -> DomainError:
    return DomainError("invalid", "；".join(str(m) for m in exc.messages), field=field)


def _check_id(id_number: str, *, birth_date: dt.date, sex: str, field: str = "id_number") -> str:
    try:
        value = validate_id_number(id_number)
    except ValidationError as exc:
        raise _invalid(exc, field) from None
    if id_birth_date(value) != birth_date:
        raise DomainError(
            "id_birth_date_mismatch",
            _("身份证号中的出生日期（%(id)s）与填写的出生日期（%(entered)s）不一致。")
            % {"id": id_birth_date(value).isoformat(), "entered": birth_date.isoformat()},
            field=field,
        )
    if id_sex(value) != sex:
        raise DomainError(
            "id_sex_mismatch",
            _("身份证号中的性别（%(id)s）与填写的性别不一致。") % {"id": Sex(id_sex(value)).label},
            field=field,
        )
    return value


def _check_phone(phone: str, field: str = "guardian_phone") -> str:
    try:
        return validate_mobile(phone)
    except ValidationError as exc:
        raise _invalid(exc, field) from None


def _check_child_basics(*, name: str, sex: str, birth_date: dt.date, today: dt.date, max_months: int) -> None:
    if not (name or "").strip():
        raise DomainError("required", _("请填写幼儿姓名。"), field="name")
    if sex not in Sex.values:
        raise DomainError("invalid", _("请选择性别。"), field="sex")
    if birth_date > today:
        raise DomainError("birth_in_future", _("出生日期不能晚于今天。"), field="birth_date")
    age = age_in_months(birth_date, today)
    if age >= max_months:
        raise DomainError(
            "too_old",
            _("幼儿已%(age)d个月：托育服务面向不满%(max)d个月的婴幼儿，请核对出生日期。")
            % {"age": age, "max": max_months},
            field="birth_date",
        )


def _snapshot(child: Child) -> dict[str, Any]:
    return {
        "name": child.name,
        "sex": child.sex,
        "birth_date": child.birth_date.isoformat(),
        "id_number": "（已填写）" if child.id_number else "",
    }


@transaction.atomic
def child_register(
    *,
    by: Any,
    institution: Institution,
    name: str,
    sex: str,
    birth_date: dt.date,
    guardian_name: str,
    guardian_relationship: str,
    guardian_phone: str,
    id_number: str = "",
    consent_scope: list[str] | None = None,
    consent_text_version: str = "",
    care_class: CareClass | None = None,
    start_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Child:
    """Register a child with one guardian; with the guardian's consent (recorded here) the ID number too;
    with a class, the enrollment too — all or nothing: a refused enrollment registers no child."""
    today = today or timezone.localdate()
    # The same checks an import runs for each of its rows (child_register_plan), then the writes.
    plan = child_register_plan(
        institution=institution,
        name=name,
        sex=sex,
        birth_date=birth_date,
        guardian_name=guardian_name,
        guardian_relationship=guardian_relationship,
        guardian_phone=guardian_phone,
        id_number=id_number,
        consent_scope=consent_scope,
        consent_text_version=consent_text_version,
        care_class=care_class,
        start_date=start_date,
        today=today,
        max_months=oldest_months(institution),
    )
    child = plan.child
    if child.id_number and registered_id_numbers(institution, [child.id_number]):
        raise DomainError("duplicate_id_number", DUPLICATE_ID_MESSAGE, field="id_number")
    child.save()
    guardian = plan.guardian
    guardian.child = child
    guardian.save()
    audit_record("child.register", obj=child, actor=by, after=_snapshot(child))
    if plan.consent_scope:
        consent_record(
            by=by,
            child=child,
            guardian=guardian,
            scope=plan.consent_scope,
            text_version=consent_text_version,
            text_version_field="consent_text_version",
        )
    if plan.care_class is not None and plan.start_date is not None:
        _start(by=by, child=child, care_class=plan.care_class, start_date=plan.start_date)
    return child


@transaction.atomic
def child_update(
    *,
    by: Any,
    child: Child,
    version: int | None,
    name: str,
    sex: str,
    birth_date: dt.date,
    id_number: str = "",
) -> Child:
    child = Child.objects.select_for_update().get(pk=child.pk)
    check_version(child, version)
    # A child who has grown past the service's ages while enrolled may still be corrected: only a birth date
    # that makes them older than six is surely wrong.
    _check_child_basics(name=name, sex=sex, birth_date=birth_date, today=timezone.localdate(), max_months=72)
    if id_number and not child.has_consent(ConsentScope.BASIC):
        raise DomainError("consent_required", _consent_message(), field="id_number")
    before = _snapshot(child)
    child.name, child.sex, child.birth_date = name.strip(), sex, birth_date
    child.id_number = _check_id(id_number, birth_date=birth_date, sex=sex) if id_number else ""
    child.version += 1
    child.save()
    audit_record("child.update", obj=child, actor=by, before=before, after=_snapshot(child))
    return child


@transaction.atomic
def guardian_add(
    *, by: Any, child: Child, name: str, relationship: str, phone: str, id_number: str = ""
) -> Guardian:
    """A further guardian, or a guardian's ID number, is more than the minimum: it needs consent."""
    if not (name or "").strip():
        raise DomainError("required", _("请填写监护人姓名。"), field="name")
    if relationship not in Relationship.values:
        raise DomainError("invalid", _("请选择与幼儿的关系。"), field="relationship")
    value = _check_phone(phone, field="phone")
    consented = child.has_consent(ConsentScope.BASIC)
    if not consented and (child.guardians.exists() or id_number):
        raise DomainError("consent_required", _consent_message(), field="id_number" if id_number else "name")
    guardian = Guardian(child=child, name=name.strip(), relationship=relationship, phone=value)
    if id_number:
        try:
            guardian.id_number = validate_id_number(id_number)
        except ValidationError as exc:
            raise _invalid(exc, "id_number") from None
    guardian.save()
    audit_record(
        "child.guardian_add",
        obj=child,
        actor=by,
        after={"guardian": guardian.pk, "name": guardian.name, "relationship": relationship},
    )
    return guardian


@transaction.atomic
def consent_record(
    *,
    by: Any,
    child: Child,
    guardian: Guardian,
    scope: list[str],
    text_version: str,
    given_at: Any = None,
    text_version_field: str = "text_version",
) -> Consent:
    if guardian.child_id != child.pk:
        raise DomainError("guardian_other_child", _("该监护人不是这名幼儿的监护人。"), field="guardian")
    scope = sorted(set(scope))
    bad = [s for s in scope if s not in ConsentScope.values]
    if not scope or bad:
        raise DomainError("invalid", _("请选择同意范围。"), field="scope")
    if not (text_version or "").strip():
        raise DomainError("required", _("请填写告知同意书版本。"), field=text_version_field)
    consent = Consent.objects.create(
        child=child,
        guardian=guardian,
        given_at=given_at or timezone.now(),
        text_version=text_version.strip()[:32],
        scope=scope,
        recorded_by=by,
    )
    audit_record(
        "child.consent_record",
        obj=child,
        actor=by,
        after={
            "consent": consent.pk,
            "guardian": guardian.pk,
            "scope": scope,
            "text_version": consent.text_version,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(*, by: Any, consent: Consent) -> Consent:
    """A withdrawn consent stops further processing; data kept beyond the minimum must then be erased."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at:
        raise Conflict("already_withdrawn", _("该同意已撤回。"))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    child = consent.child
    erased: list[str] = []
    if not child.has_consent(ConsentScope.BASIC):
        # Back to the minimum (PIPL art. 47): ID numbers and the guardians beyond the first go.
        if child.id_number:
            child.id_number = ""
            child.save()
            erased.append("child.id_number")
        first = child.guardians.order_by("id").first()
        for g in child.guardians.exclude(pk=first.pk if first else None):
            if not g.consents.exists():
                g.delete()
                erased.append(f"guardian:{g.pk}")
        if first and first.id_number:
            first.id_number = ""
            first.save()
            erased.append("guardian.id_number")
    audit_record(
        "child.consent_withdraw", obj=child, actor=by, after={"consent": consent.pk, "erased": erased}
    )
    return consent


def class_limit(care_class: CareClass) -> int:
    cap, _rule = class_size_cap(care_class.class_type, care_class.institution.region_prefix)
    return min(care_class.planned_size, cap)


def _occupying(care_class: CareClass, on: dt.date) -> Any:
    """Enrollments that hold a place in the class on ``on`` or later."""
    return Enrollment.objects.filter(care_class=care_class).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )


def _enrollment_problem(
    *, child: Child, care_class: CareClass, start_date: dt.date, band: AgeBand | None = None
) -> None:
    """What refuses an enrollment on the class and the child alone (no other enrollment, no class size).
    ``band``: the class's ``age_band``, when the caller has it already (an import, for many children)."""
    if care_class.institution_id != child.institution_id:
        raise DomainError("class_other_institution", _("所选班级不属于该幼儿所在机构。"), field="care_class")
    if care_class.closed_on and care_class.closed_on <= start_date:
        raise DomainError("class_closed", _("该班级已撤销。"), field="care_class")
    if start_date < child.birth_date:
        raise DomainError("before_birth", _("入班日期不能早于出生日期。"), field="start_date")
    age = age_in_months(child.birth_date, start_date)
    band = band or age_band(care_class)
    if not band.admits(age):
        raise DomainError(
            "age_band",
            _("入班时幼儿%(age)d个月，不在本班可收托的月龄（%(lo)d个月至不满%(hi)d个月）内：%(why)s。")
            % {
                "age": age,
                "lo": band.low,
                "hi": band.high,
                "why": band.low_because if age < band.low else band.high_because,
            },
            field="start_date",
        )


def _class_limit(care_class: CareClass, region_prefix: str) -> tuple[int, DomainError]:
    """The class's size limit (CLS-05: min(planned size, the national cap)) and the refusal when it is full."""
    kind = ClassType(care_class.class_type)
    cap, rule = class_size_cap(kind, region_prefix)
    limit = min(care_class.planned_size, cap)
    if limit < cap:
        message = _("班额已满：“%(cls)s”计划班额%(n)d人（%(type)s不超过%(cap)d人，%(rule)s）。") % {
            "cls": care_class.name,
            "n": limit,
            "type": kind.label,
            "cap": cap,
            "rule": rule,
        }
    else:
        message = _("班额已满：%(type)s不超过%(cap)d人（%(rule)s）。") % {
            "type": kind.label,
            "cap": cap,
            "rule": rule,
        }
    return limit, DomainError("class_full", message, field="care_class")


def _start(*, by: Any, child: Child, care_class: CareClass, start_date: dt.date) -> Enrollment:
    care_class = CareClass.objects.select_for_update().get(pk=care_class.pk)
    _enrollment_problem(child=child, care_class=care_class, start_date=start_date)
    elsewhere = Enrollment.objects.filter(child=child).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start_date)
    )
    if elsewhere.exists():
        current = elsewhere.select_related("care_class").first()
        raise DomainError(
            "already_enrolled",
            _("该幼儿在%(date)s仍在“%(cls)s”班，请先办理离园或转班。")
            % {"date": start_date.isoformat(), "cls": current.care_class.name},
            field="care_class",
        )
    limit, full = _class_limit(care_class, child.institution.region_prefix)
    if _occupying(care_class, start_date).count() >= limit:
        raise full
    enrollment = Enrollment.objects.create(child=child, care_class=care_class, start_date=start_date)
    audit_record(
        "child.enrollment_start",
        obj=child,
        actor=by,
        after={"enrollment": enrollment.pk, "class": care_class.pk, "start_date": start_date.isoformat()},
    )
    return enrollment


@transaction.atomic
def enrollment_start(*, by: Any, child: Child, care_class: CareClass, start_date: dt.date) -> Enrollment:
    return _start(by=by, child=child, care_class=care_class, start_date=start_date)


def _current(child: Child) -> Enrollment:
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(child=child, end_date__isnull=True)
        .order_by("-start_date")
        .first()
    )
    if enrollment is None:
        raise DomainError("not_enrolled", _("该幼儿当前不在任何班级。"), field="end_date")
    return enrollment


def _end(*, by: Any, enrollment: Enrollment, end_date: dt.date, field: str) -> Enrollment:
    if end_date < enrollment.start_date:
        raise DomainError(
            "end_before_start",
            _("日期不能早于入班日期（%(start)s）。") % {"start": enrollment.start_date.isoformat()},
            field=field,
        )
    enrollment.end_date = end_date
    enrollment.save(update_fields=["end_date"])
    audit_record(
        "child.enrollment_end",
        obj=enrollment.child,
        actor=by,
        after={"enrollment": enrollment.pk, "end_date": end_date.isoformat()},
    )
    return enrollment


@transaction.atomic
def enrollment_end(*, by: Any, child: Child, end_date: dt.date) -> Enrollment:
    """Leaving (离园): the child is no longer in the class from ``end_date``."""
    return _end(by=by, enrollment=_current(child), end_date=end_date, field="end_date")


@transaction.atomic
def enrollment_move(*, by: Any, child: Child, care_class: CareClass, on: dt.date) -> Enrollment:
    """Moving class (转班): the old enrollment ends and the new one starts on the same day, or neither."""
    current = _current(child)
    if current.care_class_id == care_class.pk:
        raise DomainError("same_class", _("幼儿已在该班级。"), field="care_class")
    _end(by=by, enrollment=current, end_date=on, field="start_date")
    return _start(by=by, child=child, care_class=care_class, start_date=on)


# --- many children at once (the roster import, tuoyu.children.imports) -------------------------------------

IMPORT_BATCH_SIZE = BATCH_SIZE  # rows per INSERT and per IN (…) (core.imports: under the parameter limits)


@dataclass
class ChildPlan:
    """One checked registration of an import: the child and guardian (not saved yet), the consent's scope and
    text version (none: no consent), the class and start date (none: no enrollment)."""

    child: Child
    guardian: Guardian
    consent_scope: list[str]
    consent_text_version: str
    care_class: CareClass | None
    start_date: dt.date | None


DUPLICATE_ID_MESSAGE = gettext_lazy("本机构已登记过该身份证号的幼儿：请在其档案中办理入班，不要重复登记。")


def registered_id_numbers(institution: Institution, id_numbers: list[str]) -> set[str]:
    """Which of ``id_numbers`` (valid, normalised) belong to a child the institution has registered, left or
    not: the same child registered twice would have two records, two consents and two ages on the roster.
    By blind index, a few queries for a whole file."""
    index_for = Child._meta.get_field("id_index").index_for
    by_index = {index_for(n): n for n in id_numbers if n}
    found: set[str] = set()
    for chunk in chunks(sorted(by_index)):
        for index in Child.objects.filter(institution=institution, id_index__in=chunk).values_list(
            "id_index", flat=True
        ):
            found.add(by_index[index])
    return found


def child_register_plan(
    *,
    institution: Institution,
    name: str,
    sex: str,
    birth_date: dt.date,
    guardian_name: str,
    guardian_relationship: str,
    guardian_phone: str,
    id_number: str = "",
    consent_scope: list[str] | None = None,
    consent_text_version: str = "",
    care_class: CareClass | None = None,
    start_date: dt.date | None = None,
    today: dt.date,
    max_months: int,
    band: AgeBand | None = None,
) -> ChildPlan:
    """The checks of ``child_register`` (and of the consent and enrollment it records) that need no database:
    the import runs them for every row before its transaction. Class sizes are checked by
    ``child_register_many``, under the write lock, as ``child_register`` does."""
    _check_child_basics(name=name, sex=sex, birth_date=birth_date, today=today, max_months=max_months)
    if not (guardian_name or "").strip():
        raise DomainError("required", _("请填写监护人姓名。"), field="guardian_name")
    if guardian_relationship not in Relationship.values:
        raise DomainError("invalid", _("请选择与幼儿的关系。"), field="guardian_relationship")
    phone = _check_phone(guardian_phone)
    scope = sorted(set(consent_scope or []))
    if id_number and ConsentScope.BASIC not in scope:
        raise DomainError("consent_required", _consent_message(), field="id_number")
    child = Child(institution=institution, name=name.strip(), sex=sex, birth_date=birth_date)
    if id_number:
        child.id_number = _check_id(id_number, birth_date=birth_date, sex=sex)
    guardian = Guardian(name=guardian_name.strip(), relationship=guardian_relationship, phone=phone)
    if scope:
        if any(s not in ConsentScope.values for s in scope):
            raise DomainError("invalid", _("请选择同意范围。"), field="scope")
        if not (consent_text_version or "").strip():
            raise DomainError("required", _("请填写告知同意书版本。"), field="consent_text_version")
    if care_class is not None:
        if start_date is None:
            raise DomainError("required", _("选择班级时请填写入班日期。"), field="start_date")
        _enrollment_problem(child=child, care_class=care_class, start_date=start_date, band=band)
    return ChildPlan(
        child=child,
        guardian=guardian,
        consent_scope=scope,
        consent_text_version=(consent_text_version or "").strip()[:32],
        care_class=care_class,
        start_date=start_date if care_class is not None else None,
    )


def class_places_left(*, plans: list[ChildPlan], region_prefix: str) -> list[DomainError | None]:
    """For each plan, in order, the class-full refusal (CLS-05) if enrolling it would overfill its class —
    counting the enrollments holding a place on its start date and the plans before it. One query for all
    classes; inside the write transaction the classes are locked first (``select_for_update``)."""
    class_ids = sorted({p.care_class.pk for p in plans if p.care_class is not None})
    if not class_ids:
        return [None] * len(plans)
    classes = {c.pk: c for c in CareClass.objects.select_for_update().filter(pk__in=class_ids)}
    earliest = min(p.start_date for p in plans if p.start_date is not None)
    held: dict[int, list[dt.date | None]] = {}
    for class_id, end in (
        Enrollment.objects.filter(care_class_id__in=class_ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=earliest))
        .values_list("care_class_id", "end_date")
    ):
        held.setdefault(class_id, []).append(end)
    limits = {pk: _class_limit(c, region_prefix) for pk, c in classes.items()}
    added: dict[int, int] = {}
    out: list[DomainError | None] = []
    for plan in plans:
        if plan.care_class is None or plan.start_date is None:
            out.append(None)
            continue
        pk, on = plan.care_class.pk, plan.start_date
        occupied = sum(1 for end in held.get(pk, []) if end is None or end > on) + added.get(pk, 0)
        limit, full = limits[pk]
        if occupied >= limit:
            out.append(full)
            continue
        added[pk] = added.get(pk, 0) + 1
        out.append(None)
    return out


def child_register_many(*, by: Any, institution: Institution, plans: list[ChildPlan]) -> list[Child]:
    """The writes of many registrations (checked by ``child_register_plan`` and ``class_places_left``),
    inside the caller's transaction: children, guardians, consents and enrollments in a few INSERTs, and the
    same audit events ``child_register`` writes for each child, in the same order, appended in bulk."""
    children = [plan.child for plan in plans]
    bulk_insert(Child, children, batch_size=IMPORT_BATCH_SIZE)
    for plan in plans:
        plan.guardian.child = plan.child
    bulk_insert(Guardian, [plan.guardian for plan in plans], batch_size=IMPORT_BATCH_SIZE)
    now = timezone.now()
    consents = {
        id(plan): Consent(
            child=plan.child,
            guardian=plan.guardian,
            given_at=now,
            text_version=plan.consent_text_version,
            scope=plan.consent_scope,
            recorded_by=by,
        )
        for plan in plans
        if plan.consent_scope
    }
    bulk_insert(Consent, list(consents.values()), batch_size=IMPORT_BATCH_SIZE)
    enrollments = {
        id(plan): Enrollment(child=plan.child, care_class=plan.care_class, start_date=plan.start_date)
        for plan in plans
        if plan.care_class is not None
    }
    bulk_insert(Enrollment, list(enrollments.values()), batch_size=IMPORT_BATCH_SIZE)
    rows_created.send(sender=Child, instances=children)
    rows_created.send(sender=Enrollment, instances=list(enrollments.values()))
    events = []
    for plan in plans:
        child = plan.child
        events.append(audit_event("child.register", obj=child, actor=by, after=_snapshot(child)))
        consent = consents.get(id(plan))
        if consent is not None:
            events.append(
                audit_event(
                    "child.consent_record",
                    obj=child,
                    actor=by,
                    after={
                        "consent": consent.pk,
                        "guardian": plan.guardian.pk,
                        "scope": consent.scope,
                        "text_version": consent.text_version,
                    },
                )
            )
        enrollment = enrollments.get(id(plan))
        if enrollment is not None:
            events.append(
                audit_event(
                    "child.enrollment_start",
                    obj=child,
                    actor=by,
                    after={
                        "enrollment": enrollment.pk,
                        "class": enrollment.care_class_id,
                        "start_date": enrollment.start_date.isoformat(),
                    },
                )
            )
    audit_record_many(events)
    return children
