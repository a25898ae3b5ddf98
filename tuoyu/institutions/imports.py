"""The registration batch (Excel): one row per registration, imported all or nothing.

Each row goes through the same RegistrationForm and rules as the web form and the API, and ends in the
same rows and audit events as ``registration_record``: new institutions are written in bulk (a 5,000-row
file must not hold SQLite's single write lock for a minute), updates and replays through
``registration_record`` itself. The checks made before the write — ``RegistrationForm`` (which runs
``registration_problems``), ``clerk_may_register``, ``clerk_may_change`` and the fingerprint of an earlier
event — are the service's own functions, so a rule changed there applies here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import User
from tuoyu.audit.services import audit_event, audit_record_many
from tuoyu.core.errors import Conflict, DomainError, PermissionDenied
from tuoyu.core.excel import Column, ImportOutcome, Kind, ParseResult, Row, Sheet
from tuoyu.core.imports import SpreadsheetImport, bulk_insert
from tuoyu.institutions.actions import AuditAction
from tuoyu.institutions.forms import RegistrationForm
from tuoyu.institutions.models import (
    Institution,
    InstitutionKind,
    LegalPersonKind,
    Registration,
    RegistrationAuthority,
    RegistrationOutcome,
    RegistrationSource,
)
from tuoyu.institutions.services import (
    RegistrationData,
    _values,
    clerk_may_change,
    clerk_may_register,
    registration_record,
)
from tuoyu.regions.models import Region

BATCH_SIZE = 500  # rows per INSERT: under SQLite's and PostgreSQL's bound-parameter limits


def _choice(choices: Any) -> Any:
    """A column parser from a label (as in the dropdown) or a code to the code."""
    by_label = {str(label): value for value, label in choices}
    values = {value for value, _label in choices}

    def parse(cell: Any) -> str:
        text = str(cell).strip()
        if text in values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValidationError(
            _("不是可选值之一：%(allowed)s") % {"allowed": "、".join(by_label)}, code="choice"
        )

    return parse


PROFIT = [("true", gettext_lazy("营利性")), ("false", gettext_lazy("非营利性"))]

REGISTRATION_SHEET = Sheet(
    name="登记信息",
    max_rows=5000,
    columns=[
        Column(
            "source_event_id",
            gettext_lazy("来源事件编号"),
            help=gettext_lazy("登记系统中的编号；重复导入同一编号不会重复创建"),
            example="SAMR-2026-000123",
            max_length=100,
        ),
        Column("name", gettext_lazy("机构名称"), required=True, max_length=200, example="荷塘区阳光托育中心"),
        Column(
            "uscc",
            gettext_lazy("统一社会信用代码"),
            required=True,
            max_length=30,
            example="91430202MA4L0XXXXX",
        ),
        Column(
            "kind",
            gettext_lazy("类型"),
            required=True,
            choices=InstitutionKind.choices,
            parse=_choice(InstitutionKind.choices),
        ),
        Column(
            "legal_person_kind",
            gettext_lazy("法人类型"),
            required=True,
            choices=LegalPersonKind.choices,
            parse=_choice(LegalPersonKind.choices),
        ),
        Column(
            "is_for_profit",
            gettext_lazy("营利性质"),
            required=True,
            choices=PROFIT,
            parse=_choice(PROFIT),
        ),
        Column(
            "authority",
            gettext_lazy("登记机关"),
            required=True,
            choices=RegistrationAuthority.choices,
            parse=_choice(RegistrationAuthority.choices),
        ),
        Column(
            "registration_date", gettext_lazy("登记日期"), required=True, kind=Kind.DATE, example="2026-03-02"
        ),
        Column(
            "business_scope",
            gettext_lazy("经营（业务）范围"),
            required=True,
            max_length=2000,
            example="托育服务",
        ),
        Column("legal_rep_name", gettext_lazy("法定代表人"), required=True, max_length=50),
        Column("legal_rep_id_number", gettext_lazy("法定代表人身份证号"), required=True, max_length=30),
        Column("address", gettext_lazy("地址"), required=True, max_length=300),
        Column(
            "region",
            gettext_lazy("所在区划代码"),
            required=True,
            max_length=12,
            example="430202001",
            help=gettext_lazy("县（区）或街道（乡镇）代码"),
        ),
        Column("phone", gettext_lazy("联系电话"), max_length=20),
    ],
)


@dataclass
class _Plan:
    """What the check phase found for one row: the registration, and whether it is a plain creation
    (no institution with that credit code, no earlier registration of the event) that can be written in
    bulk. Anything else — an update, a replay — goes through ``registration_record`` row by row."""

    data: RegistrationData
    source_event_id: str
    create: bool
    # For a creation, prepared before the write transaction: the validated institution, and what the
    # registration and its audit events keep (computed once, outside the lock).
    institution: Institution | None = None
    payload: dict[str, Any] | None = None
    fingerprint: str = ""


class RegistrationImport(SpreadsheetImport[_Plan]):
    """A clerk's batch of registrations (see tuoyu.core.imports and the module docstring)."""

    sheet = REGISTRATION_SHEET
    audit_action = AuditAction.REGISTRATION_IMPORT
    unique_within_file = [("uscc",), ("source_event_id",)]

    def check(self, rows: list[Row]) -> list[_Plan | None]:
        """Every row: the form, the rules, the clerk's authority and region, against what the database
        already holds (two queries per slice of the file)."""
        existing = _existing(rows)
        form = RegistrationForm(regions=_regions(rows))  # re-bound to each row
        maker = _InstitutionMaker()
        return self.each(rows, lambda row: _check_row(self.by, row, existing, form, maker))

    def write(self, plans: list[tuple[Row, _Plan]]) -> None:
        assert self.result is not None
        _write(self.by, self.result, plans)

    def audit_target(self) -> dict[str, Any]:
        return {"object_type": "institutions.registration"}


def registration_import(*, by: Any, file: Any) -> ImportOutcome:
    """Read and import a batch. Any bad row (or a file-level problem) imports nothing.

    Every row is checked first, outside the write transaction (the form, the rules, the clerk's
    authority and region, what the database already holds); then one short transaction writes them —
    new institutions in bulk, with the same rows and audit events ``registration_record`` writes, the
    others (updates, replays) through ``registration_record`` itself — and the file-level event.
    """
    return RegistrationImport(by=by).run(file)


def _check_row(
    by: Any, row: Row, existing: _Existing, form: RegistrationForm, maker: _InstitutionMaker
) -> _Plan:
    # The date column is already a date: the form's DateField takes it as it is (what it would parse its
    # ISO text back into).
    data = {k: v for k, v in row.values.items() if v is not None}
    form.rebind(data)
    if not form.is_valid():
        raise ValidationError({f: list(errs.as_data()) for f, errs in form.errors.items()})
    registration = form.registration_data()
    if not clerk_may_register(by, registration):
        raise PermissionDenied(
            "not_your_registration", _("您只能登记本机关、本辖区的机构。"), field="authority"
        )
    event = row.get("source_event_id", "")
    previous = existing.events.get((registration.authority, event)) if event else None
    if previous is not None and not clerk_may_change(by, previous.institution):
        # Another city's (or authority's) event: the same answer as any registration not the clerk's.
        raise PermissionDenied(
            "not_your_registration", _("您只能登记本机关、本辖区的机构。"), field="authority"
        )
    if previous is not None and not registration.same_as(previous.payload_hash):
        raise Conflict("idempotency_mismatch", _("该事件编号（或幂等键）已用于另一份不同的登记数据。"))
    create = previous is None and registration.uscc not in existing.usccs
    if not create:
        return _Plan(registration, event, create=False)
    institution = maker.make(registration)
    return _Plan(
        registration,
        event,
        create=True,
        institution=institution,
        payload=registration.payload(),
        fingerprint=registration.fingerprint(),
    )


def _regions(rows: list[Row]) -> dict[str, Region]:
    """The regions the rows name, by code: one query per slice of the file instead of one per row."""
    codes = sorted({str(r.values["region"]).strip() for r in rows if r.values.get("region")})
    found: dict[str, Region] = {}
    for chunk in _chunks(codes):
        found.update((region.code, region) for region in Region.objects.filter(code__in=chunk))
    return found


@dataclass
class _Existing:
    usccs: set[str]
    events: dict[tuple[str, str], Registration]  # (authority, source event id) → the registration


def _existing(rows: list[Row]) -> _Existing:
    """Which of the rows' credit codes and event ids the database already holds: two queries per chunk."""
    usccs: set[str] = set()
    events: dict[tuple[str, str], Registration] = {}
    codes = [r.values["uscc"] for r in rows if r.values.get("uscc")]
    ids = [r.values["source_event_id"] for r in rows if r.values.get("source_event_id")]
    for chunk in _chunks(codes):
        usccs.update(Institution.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    for chunk in _chunks(ids):
        found = (
            Registration.objects.filter(source_event_id__in=chunk)
            .select_related("institution")
            .only(
                "authority",
                "source_event_id",
                "payload_hash",
                "institution__registration_authority",
                "institution__region_prefix",
            )
        )
        events.update(((r.authority, r.source_event_id), r) for r in found)
    return _Existing(usccs, events)


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class _InstitutionMaker:
    """The institutions ``registration_record`` creates for new credit codes (``Institution(uscc=…,
    registered_at=…, **_values(data))``, region_prefix set as its ``save`` does: bulk inserts call no
    ``save``), each validated as ``registration_record`` validates before its save: ``full_clean`` but the
    region (which the form has just read), no uniqueness or constraints.

    Made for a whole file at once: every institution is built from the same list of field values (the
    model's defaults, then the registration's) through Django's positional ``Model(*values)`` — what
    ``from_db`` uses — instead of one keyword per field. The file's first institution goes through
    ``full_clean`` itself, which also validates the fields left at their (constant) defaults; after it, each
    row's own fields go through the same ``Model.clean_fields`` steps (skip a blank allowed empty, else
    ``field.clean``, its cleaned value kept), the errors gathered per field as ``full_clean`` raises them.
    The verdict of a field with choices, a boolean or a date on a value it has already cleaned in this file
    is reused (their ``field.clean`` depends on the value only): the kind, the authority, the date repeat
    from row to row."""

    def __init__(self) -> None:
        opts = Institution._meta
        self.fields = list(opts.concrete_fields)
        self.position = {f.name: i for i, f in enumerate(self.fields)}
        self.defaults = [f.get_default() if not f.primary_key else None for f in self.fields]
        self.region_field = opts.get_field("region")
        self.first = True
        self.custom_clean = Institution.clean is not models.Model.clean
        # The fields whose values repeat from row to row (choices, booleans, dates), whose verdicts are kept.
        self.repeating = {
            f.name
            for f in self.fields
            if f.choices or type(f) in (models.BooleanField, models.DateField)  # not DateTimeField: unique
        }
        self.memo: dict[tuple[str, type, Any], Any] = {}

    def make(self, data: RegistrationData) -> Institution:
        values = {"uscc": data.uscc, "registered_at": timezone.now(), **_values(data)}
        row = list(self.defaults)
        region = values.pop("region")
        values["region_prefix"] = region.prefix
        for name, value in values.items():
            row[self.position[name]] = value
        row[self.position["region"]] = region.pk
        institution = Institution(*row)
        self.region_field.set_cached_value(institution, region)
        if self.first:
            institution.full_clean(exclude=["region"], validate_unique=False, validate_constraints=False)
            self.first = False
        else:
            self._clean_own_fields(institution, values)
        return institution

    def _clean_own_fields(self, institution: Institution, values: dict[str, Any]) -> None:
        errors: dict[str, Any] = {}
        for name in values:
            field = self.fields[self.position[name]]
            raw = getattr(institution, field.attname)
            if field.blank and raw in field.empty_values:
                continue
            key = (name, type(raw), raw) if name in self.repeating else None
            try:
                if key is not None and key in self.memo:
                    cleaned = self.memo[key]
                else:
                    cleaned = field.clean(raw, institution)
                    if key is not None:
                        self.memo[key] = cleaned
                setattr(institution, field.attname, cleaned)
            except ValidationError as exc:
                errors[field.name] = exc.error_list
        if self.custom_clean:
            try:
                institution.clean()
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _write(by: Any, result: ParseResult, plans: list[tuple[Row, _Plan]]) -> None:
    """The write phase, inside the import's transaction: cheap re-checks under the lock, then bulk inserts.

    A credit code or event id that appeared since the check (another import, the API) moves its row to
    ``registration_record``, which decides as it always does (update, replay, conflict). The clerk's
    memberships are read again: a role withdrawn meanwhile stops the import.
    """
    clerk = User.objects.get(pk=by.pk)
    now = _existing([row for row, plan in plans if plan.create])
    bulk: list[tuple[Row, _Plan]] = []
    one_by_one: list[tuple[Row, _Plan]] = []
    for row, plan in plans:
        if not clerk_may_register(clerk, plan.data):
            result.add_error(row, "authority", _("您只能登记本机关、本辖区的机构。"))
            continue
        raced = plan.data.uscc in now.usccs or (plan.data.authority, plan.source_event_id) in now.events
        (bulk if plan.create and not raced else one_by_one).append((row, plan))
    if not result.ok:
        return
    _create_many(by, [plan for _row, plan in bulk])
    for row, plan in one_by_one:
        try:
            with transaction.atomic():
                registration_record(
                    by=by,
                    data=plan.data,
                    source=RegistrationSource.EXCEL,
                    source_event_id=plan.source_event_id,
                )
        except DomainError as exc:
            result.add_error(row, exc.field, exc.message)
        except IntegrityError:
            result.add_error(row, None, _("与已有数据冲突（重复或违反约束），未能保存。"))


def _create_many(by: Any, plans: list[_Plan]) -> None:
    """New institutions with their registrations and audit events, as ``registration_record`` writes each
    (``institution.register`` then ``registration.receive`` per row, in file order), in a few INSERTs."""
    if not plans:
        return
    institutions = bulk_insert(Institution, [plan.institution for plan in plans], batch_size=BATCH_SIZE)
    registrations = bulk_insert(
        Registration,
        [
            Registration(
                institution=institution,
                authority=plan.data.authority,
                source=RegistrationSource.EXCEL,
                source_event_id=plan.source_event_id,
                payload=plan.payload,
                payload_hash=plan.fingerprint,
                outcome=RegistrationOutcome.CREATED,
                recorded_by=by,
            )
            for plan, institution in zip(plans, institutions, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    events = []
    for plan, institution, registration in zip(plans, institutions, registrations, strict=True):
        events.append(audit_event("institution.register", obj=institution, actor=by, after=plan.payload))
        events.append(
            audit_event(
                "registration.receive",
                obj=registration,
                actor=by,
                detail={
                    "outcome": RegistrationOutcome.CREATED,
                    "source": RegistrationSource.EXCEL,
                    "event": plan.source_event_id,
                },
            )
        )
    audit_record_many(events)
