"""Writes to the staff register. Each one checks that ``by`` may change the record (the institution's
admin, through core.scoping: missing and forbidden answer alike, 404), refuses bad input with a
DomainError naming the field, and is audited in its own transaction. ID numbers and phones never enter
the audit trail in full.

``staff_hire`` screens the ban list (``tuoyu.bans.services.hire_screen``) **before** opening its own
transaction: a refused hire must leave the alert it recorded committed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import Role, User
from tuoyu.audit.services import audit_event, audit_record, audit_record_many
from tuoyu.core.errors import Conflict, DomainError, check_version
from tuoyu.core.imports import BATCH_SIZE, bulk_insert
from tuoyu.core.masking import mask_id_number
from tuoyu.core.scoping import get_scoped_or_404
from tuoyu.core.signals import rows_created
from tuoyu.core.validators import id_birth_date, id_sex, validate_id_number, validate_mobile
from tuoyu.institutions.models import CareClass, Institution
from tuoyu.staff.models import (
    BackgroundCheck,
    Certificate,
    CertificateKind,
    CheckKind,
    CheckResult,
    ClassAssignment,
    Employment,
    HealthCertificate,
    Person,
    Sex,
    StaffRole,
    TrainingKind,
    TrainingRecord,
)

MINIMUM_AGE = 16  # 劳动法: no employment under 16
MAX_TRAINING_HOURS = Decimal("2000")


@dataclass(frozen=True)
class HireData:
    """A hire as entered: raw values, validated by ``hire_clean``."""

    name: str
    id_number: str
    sex: str
    birth_date: dt.date | None
    phone: str
    roles: list[str]
    start_date: dt.date | None
    full_time: bool = True  # 专职; False: 兼职 (part-time), which STF-03 does not count


@dataclass
class HireResult:
    person: Person
    employment: Employment
    # Institutions where the person is still employed: flagged (兼职/未离职), not refused.
    active_elsewhere: list[Institution] = field(default_factory=list)


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: Any, *, field_name: str, label: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise DomainError("invalid", _("%(label)s含有不允许的字符。") % {"label": label}, field=field_name)
    if required and not text:
        raise DomainError("required", _("请填写%(label)s。") % {"label": label}, field=field_name)
    if len(text) > limit:
        raise DomainError(
            "too_long", _("%(label)s不能超过%(n)d个字。") % {"label": label, "n": limit}, field=field_name
        )
    return text


def _date(value: Any, *, field_name: str, label: str, required: bool = True) -> dt.date | None:
    if value is None:
        if required:
            raise DomainError("required", _("请填写%(label)s。") % {"label": label}, field=field_name)
        return None
    if not isinstance(value, dt.date):
        raise DomainError("invalid", _("%(label)s不是有效日期。") % {"label": label}, field=field_name)
    if value.year < 1900:
        raise DomainError("invalid", _("%(label)s不在合理范围内。") % {"label": label}, field=field_name)
    return value


def _not_future(day: dt.date, *, field_name: str, label: str) -> None:
    if day > _today():
        raise DomainError("future_date", _("%(label)s不能晚于今天。") % {"label": label}, field=field_name)


def hire_clean(data: HireData) -> dict[str, Any]:
    """Validate a hire; return the normalised values. The first problem is raised, naming its field."""
    name = _text(data.name, field_name="name", label=_("姓名"), limit=50)
    try:
        id_number = validate_id_number(data.id_number or "")
    except ValidationError as exc:
        raise DomainError("id_number_invalid", exc.messages[0], field="id_number") from exc
    sex, born = id_sex(id_number), id_birth_date(id_number)
    if data.sex and data.sex != sex:
        if data.sex not in Sex.values:
            raise DomainError("invalid", _("请选择性别。"), field="sex")
        raise DomainError(
            "sex_mismatch",
            _("性别与身份证号不符（身份证号显示为%(sex)s）。") % {"sex": Sex(sex).label},
            field="sex",
        )
    if data.birth_date is not None and data.birth_date != born:
        raise DomainError(
            "birth_date_mismatch",
            _("出生日期与身份证号不符（身份证号显示为%(date)s）。") % {"date": born.isoformat()},
            field="birth_date",
        )
    try:
        phone = validate_mobile(data.phone or "")
    except ValidationError as exc:
        raise DomainError("phone_invalid", exc.messages[0], field="phone") from exc
    roles = list(dict.fromkeys(data.roles or []))
    if not roles:
        raise DomainError("roles_required", _("请至少选择一个岗位。"), field="roles")
    if any(r not in StaffRole.values for r in roles):
        raise DomainError("roles_invalid", _("岗位不是可选值之一。"), field="roles")
    if not isinstance(data.full_time, bool):
        raise DomainError("invalid", _("请选择专职或兼职。"), field="full_time")
    start = _date(data.start_date, field_name="start_date", label=_("入职日期"))
    assert start is not None
    if start > _today() + dt.timedelta(days=365):
        raise DomainError("start_too_late", _("入职日期不能晚于一年以后。"), field="start_date")
    sixteenth = (
        born.replace(year=born.year + MINIMUM_AGE)
        if not (born.month == 2 and born.day == 29)
        else (dt.date(born.year + MINIMUM_AGE, 3, 1))
    )
    if start < sixteenth:
        raise DomainError(
            "under_age",
            _("入职时未满%(n)d周岁，不得录用。") % {"n": MINIMUM_AGE},
            field="id_number",
        )
    return {
        "name": name,
        "id_number": id_number,
        "sex": sex,
        "birth_date": born,
        "phone": phone,
        "roles": [r for r in StaffRole.values if r in roles],
        "full_time": data.full_time,
        "start_date": start,
    }


def _institution_for_hire(by: User, institution_id: int) -> Institution:
    """The institution whose admin ``by`` is (404 otherwise: others' rosters are not theirs to write)."""
    if not any(
        m.role == Role.INSTITUTION_ADMIN and m.institution_id == institution_id
        for m in by.active_memberships()
    ):
        raise Http404
    return Institution.objects.get(pk=institution_id)


def staff_hire(*, by: User, institution_id: int, data: HireData) -> HireResult:
    """Hire a person: validate, screen the ban list (its alert commits on its own), then write."""
    institution = _institution_for_hire(by, institution_id)
    values = hire_clean(data)
    from tuoyu.bans.services import hire_screen

    hire_screen(by=by, institution=institution, id_number=values["id_number"], name=values["name"])
    return staff_hire_write(by=by, institution=institution, values=values)


def staff_hire_write(*, by: User, institution: Institution, values: dict[str, Any]) -> HireResult:
    """The writes of a hire, for values that ``hire_clean`` passed and the ban screen cleared."""
    with transaction.atomic():
        index = Person._meta.get_field("id_index").index_for(values["id_number"])
        person = Person.objects.select_for_update().filter(id_index=index).first()
        if person is None:
            person = Person(
                name=values["name"],
                id_number=values["id_number"],
                sex=values["sex"],
                birth_date=values["birth_date"],
                phone=values["phone"],
            )
            try:
                with transaction.atomic():
                    person.save()
            except IntegrityError as exc:  # the same ID number registered at this very moment
                raise Conflict("concurrent_hire", _("该身份证号正在被登记，请稍后重试。")) from exc
        else:
            if person.name != values["name"]:
                raise DomainError("name_mismatch", _("该身份证号已登记，但姓名不同，请核对。"), field="name")
            if person.phone != values["phone"]:
                person.phone = values["phone"]
                person.version += 1
                person.save(update_fields=["phone", "version", "updated_at"])
        if person.employments.filter(institution=institution, end_date__isnull=True).exists():
            raise DomainError("already_employed", _("此人已在本机构在职。"), field="id_number")
        try:
            with transaction.atomic():
                employment = Employment.objects.create(
                    person=person,
                    institution=institution,
                    roles=values["roles"],
                    full_time=values.get("full_time", True),
                    start_date=values["start_date"],
                )
        except IntegrityError as exc:
            raise DomainError("already_employed", _("此人已在本机构在职。"), field="id_number") from exc
        elsewhere = [
            e.institution
            for e in person.employments.filter(end_date__isnull=True)
            .exclude(institution=institution)
            .select_related("institution")
        ]
        audit_record(
            "staff.hire",
            obj=employment,
            actor=by,
            after={
                "person": person.pk,
                "name": person.name,
                "id_number": mask_id_number(person.id_number),
                "institution": institution.pk,
                "roles": values["roles"],
                "full_time": employment.full_time,
                "start_date": values["start_date"],
            },
            detail={"active_elsewhere": [i.pk for i in elsewhere]} if elsewhere else None,
        )
    return HireResult(person=person, employment=employment, active_elsewhere=elsewhere)


# --- many hires at once (the roster import, tuoyu.staff.imports) -------------------------------------------

IMPORT_BATCH_SIZE = BATCH_SIZE  # rows per INSERT and per IN (…) (core.imports: under the parameter limits)


@dataclass
class HireLookup:
    """What the database holds about the ID numbers of a file, read in a few queries: the people registered
    under them (by blind index) and the institutions employing each of them now."""

    institution_id: int
    persons: dict[str, Person]
    active: dict[int, set[int]]


@dataclass
class HirePlan:
    """One checked hire of an import: the values ``hire_clean`` returned, the person already registered under
    the ID number (None: a new person) and the other institutions employing them now (flagged, not refused)."""

    values: dict[str, Any]
    person: Person | None
    elsewhere: list[int]


def _index(id_number: str) -> str:
    return Person._meta.get_field("id_index").index_for(id_number)


def hire_lookup(*, institution: Institution, id_numbers: list[str]) -> HireLookup:
    indexes = [_index(n) for n in id_numbers]
    persons: dict[str, Person] = {}
    for start in range(0, len(indexes), IMPORT_BATCH_SIZE):
        found = Person.objects.filter(id_index__in=indexes[start : start + IMPORT_BATCH_SIZE])
        persons.update((p.id_index, p) for p in found)
    ids = [p.pk for p in persons.values()]
    active: dict[int, set[int]] = {}
    for start in range(0, len(ids), IMPORT_BATCH_SIZE):
        pairs = Employment.objects.filter(
            person_id__in=ids[start : start + IMPORT_BATCH_SIZE], end_date__isnull=True
        ).values_list("person_id", "institution_id")
        for person_id, institution_id in pairs:
            active.setdefault(person_id, set()).add(institution_id)
    return HireLookup(institution_id=institution.pk, persons=persons, active=active)


def hire_plan(*, values: dict[str, Any], known: HireLookup) -> HirePlan:
    """The checks ``staff_hire_write`` makes against the database, on what ``hire_lookup`` read."""
    person = known.persons.get(_index(values["id_number"]))
    if person is None:
        return HirePlan(values=values, person=None, elsewhere=[])
    if person.name != values["name"]:
        raise DomainError("name_mismatch", _("该身份证号已登记，但姓名不同，请核对。"), field="name")
    employers = known.active.get(person.pk, set())
    if known.institution_id in employers:
        raise DomainError("already_employed", _("此人已在本机构在职。"), field="id_number")
    return HirePlan(values=values, person=person, elsewhere=sorted(employers - {known.institution_id}))


def staff_hire_many(*, by: User, institution: Institution, plans: list[HirePlan]) -> list[Employment]:
    """The writes of many hires (checked by ``hire_plan``), inside the caller's transaction: new people,
    changed phones and the employments in a few statements, the ``staff.hire`` events appended in bulk. A
    person or an employment that appeared since the check breaks a unique constraint (IntegrityError): the
    caller's transaction then writes nothing."""
    new = [plan for plan in plans if plan.person is None]
    existing = [plan for plan in plans if plan.person is not None]
    people = [
        Person(
            name=p.values["name"],
            id_number=p.values["id_number"],
            sex=p.values["sex"],
            birth_date=p.values["birth_date"],
            phone=p.values["phone"],
        )
        for p in new
    ]
    bulk_insert(Person, people, batch_size=IMPORT_BATCH_SIZE)
    for plan, person in zip(new, people, strict=True):
        plan.person = person
    now = timezone.now()
    changed = []
    for plan in existing:
        person = plan.person
        assert person is not None
        if person.phone != plan.values["phone"]:
            person.phone, person.version, person.updated_at = plan.values["phone"], person.version + 1, now
            changed.append(person)
    if changed:
        Person.objects.bulk_update(changed, ["phone", "version", "updated_at"], batch_size=IMPORT_BATCH_SIZE)
    employments = [
        Employment(
            person=plan.person,
            institution=institution,
            roles=plan.values["roles"],
            full_time=plan.values.get("full_time", True),
            start_date=plan.values["start_date"],
        )
        for plan in plans
    ]
    bulk_insert(Employment, employments, batch_size=IMPORT_BATCH_SIZE)
    rows_created.send(sender=Employment, instances=employments)
    audit_record_many(
        [
            audit_event(
                "staff.hire",
                obj=employment,
                actor=by,
                after={
                    "person": plan.person.pk,
                    "name": plan.person.name,
                    "id_number": mask_id_number(plan.person.id_number),
                    "institution": institution.pk,
                    "roles": plan.values["roles"],
                    "full_time": employment.full_time,
                    "start_date": plan.values["start_date"],
                },
                detail={"active_elsewhere": plan.elsewhere} if plan.elsewhere else None,
            )
            for plan, employment in zip(plans, employments, strict=True)
        ]
    )
    return employments


@transaction.atomic
def employment_end(
    *, by: User, employment_id: int, end_date: dt.date | None = None, version: int | None = None
) -> Employment:
    """End an employment (离职): it closes at once, with the person's class assignments there."""
    employment = get_scoped_or_404(by, "change", Employment.objects.select_for_update(), pk=employment_id)
    check_version(employment, version)
    end = _date(end_date, field_name="end_date", label=_("离职日期"), required=False) or _today()
    _not_future(end, field_name="end_date", label=_("离职日期"))
    if end < employment.start_date:
        raise DomainError("end_before_start", _("离职日期不能早于入职日期。"), field="end_date")
    employment.end_date = end
    employment.version += 1
    employment.save(update_fields=["end_date", "version", "updated_at"])
    for assignment in employment.assignments.filter(end_date__isnull=True):
        assignment.end_date = max(end, assignment.start_date)
        assignment.save(update_fields=["end_date"])
    audit_record(
        "staff.end", obj=employment, actor=by, after={"end_date": end, "person": employment.person_id}
    )
    return employment


def _person_for_change(by: User, person_id: int) -> Person:
    return get_scoped_or_404(by, "change", Person, pk=person_id)


@transaction.atomic
def certificate_add(
    *,
    by: User,
    person_id: int,
    kind: str,
    number: str,
    issuer: str,
    issued_on: dt.date | None,
    level: str = "",
    expires_on: dt.date | None = None,
) -> Certificate:
    person = _person_for_change(by, person_id)
    if kind not in CertificateKind.values:
        raise DomainError("invalid", _("请选择证书类别。"), field="kind")
    number = _text(number, field_name="number", label=_("证书编号"), limit=100)
    level = _text(level, field_name="level", label=_("等级"), limit=50, required=False)
    issuer = _text(issuer, field_name="issuer", label=_("发证机关"), limit=100)
    issued = _date(issued_on, field_name="issued_on", label=_("发证日期"))
    assert issued is not None
    _not_future(issued, field_name="issued_on", label=_("发证日期"))
    expires = _date(expires_on, field_name="expires_on", label=_("有效期至"), required=False)
    if expires is not None and expires < issued:
        raise DomainError("expiry_before_issue", _("有效期不能早于发证日期。"), field="expires_on")
    certificate = Certificate.objects.create(
        person=person,
        kind=kind,
        number=number,
        level=level,
        issuer=issuer,
        issued_on=issued,
        expires_on=expires,
    )
    audit_record(
        "staff.certificate_add",
        obj=certificate,
        actor=by,
        after={
            "person": person.pk,
            "kind": kind,
            "number": number,
            "issued_on": issued,
            "expires_on": expires,
        },
    )
    return certificate


@transaction.atomic
def certificate_remove(*, by: User, certificate_id: int) -> None:
    certificate = get_scoped_or_404(by, "change", Certificate, pk=certificate_id)
    before = {"person": certificate.person_id, "kind": certificate.kind, "number": certificate.number}
    audit_record("staff.certificate_remove", obj=certificate, actor=by, before=before)
    certificate.delete()


@transaction.atomic
def health_certificate_add(
    *, by: User, person_id: int, issued_on: dt.date | None, issuer: str
) -> HealthCertificate:
    person = _person_for_change(by, person_id)
    issued = _date(issued_on, field_name="issued_on", label=_("体检日期"))
    assert issued is not None
    _not_future(issued, field_name="issued_on", label=_("体检日期"))
    issuer = _text(issuer, field_name="issuer", label=_("体检机构"), limit=100)
    certificate = HealthCertificate.objects.create(person=person, issued_on=issued, issuer=issuer)
    audit_record(
        "staff.health_certificate_add",
        obj=certificate,
        actor=by,
        after={"person": person.pk, "issued_on": issued, "issuer": issuer},
    )
    return certificate


@transaction.atomic
def background_check_add(
    *, by: User, person_id: int, kind: str, checked_on: dt.date | None, result: str, authority: str
) -> BackgroundCheck:
    person = _person_for_change(by, person_id)
    if kind not in CheckKind.values:
        raise DomainError("invalid", _("请选择审查类别。"), field="kind")
    checked = _date(checked_on, field_name="checked_on", label=_("查询日期"))
    assert checked is not None
    _not_future(checked, field_name="checked_on", label=_("查询日期"))
    if result not in CheckResult.values:
        raise DomainError("invalid", _("请选择结果。"), field="result")
    authority = _text(authority, field_name="authority", label=_("出具机关"), limit=100)
    check = BackgroundCheck.objects.create(
        person=person, kind=kind, checked_on=checked, result=result, authority=authority
    )
    audit_record(
        "staff.background_check_add",
        obj=check,
        actor=by,
        after={"person": person.pk, "kind": kind, "checked_on": checked, "result": result},
    )
    return check


@transaction.atomic
def training_add(
    *, by: User, person_id: int, year: int | None, hours: Any, topic: str, kind: str = TrainingKind.OTHER
) -> TrainingRecord:
    person = _person_for_change(by, person_id)
    if kind not in TrainingKind.values:
        raise DomainError("invalid", _("请选择培训类别。"), field="kind")
    if not isinstance(year, int) or year < 2000 or year > _today().year:
        raise DomainError("invalid_year", _("年度应在2000年至今年之间。"), field="year")
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError("invalid", _("学时应为数字。"), field="hours") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_TRAINING_HOURS:
        raise DomainError("invalid", _("学时应大于0且不超过2000。"), field="hours")
    topic = _text(topic, field_name="topic", label=_("培训内容"), limit=200)
    record = TrainingRecord.objects.create(person=person, year=year, hours=amount, topic=topic, kind=kind)
    audit_record(
        "staff.training_add",
        obj=record,
        actor=by,
        after={"person": person.pk, "year": year, "kind": kind, "hours": amount, "topic": topic},
    )
    return record


@transaction.atomic
def class_assign(
    *, by: User, employment_id: int, care_class_id: int, start_date: dt.date | None = None
) -> ClassAssignment:
    """Assign a caregiver (an active employment) to a class of the same institution."""
    employment = get_scoped_or_404(by, "change", Employment.objects.select_for_update(), pk=employment_id)
    care_class = CareClass.objects.filter(pk=care_class_id, institution_id=employment.institution_id).first()
    if care_class is None:
        raise DomainError("class_not_found", _("请选择本机构的班级。"), field="care_class")
    if care_class.closed_on is not None:
        raise DomainError("class_closed", _("该班级已撤班。"), field="care_class")
    start = _date(start_date, field_name="start_date", label=_("开始日期"), required=False) or _today()
    if start < employment.start_date:
        raise DomainError("before_hire", _("开始日期不能早于入职日期。"), field="start_date")
    if employment.assignments.filter(care_class=care_class, end_date__isnull=True).exists():
        raise DomainError("already_assigned", _("已安排在该班级。"), field="care_class")
    assignment = ClassAssignment.objects.create(
        employment=employment, care_class=care_class, start_date=start
    )
    audit_record(
        "staff.class_assign",
        obj=assignment,
        actor=by,
        after={"employment": employment.pk, "care_class": care_class.pk, "start_date": start},
    )
    return assignment


@transaction.atomic
def class_unassign(*, by: User, assignment_id: int, end_date: dt.date | None = None) -> ClassAssignment:
    assignment = get_scoped_or_404(
        by, "change", ClassAssignment.objects.select_for_update(), pk=assignment_id
    )
    if assignment.end_date is not None:
        raise Conflict("already_ended", _("该带班安排已结束。"))
    end = _date(end_date, field_name="end_date", label=_("结束日期"), required=False) or _today()
    if end < assignment.start_date:
        raise DomainError("end_before_start", _("结束日期不能早于开始日期。"), field="end_date")
    assignment.end_date = end
    assignment.save(update_fields=["end_date"])
    audit_record("staff.class_unassign", obj=assignment, actor=by, after={"end_date": end})
    return assignment
