"""The roster workbook (幼儿花名册): export, and import all or nothing with a row-by-row report.

Each imported row goes through the rules of ``child_register`` (``child_register_plan``) and is written by
``child_register_many`` — the same rows, consent, enrollment and audit events as the web form, in bulk.
The export masks ID numbers and phones (it leaves the platform); a child already registered (same name and
birth date in the institution) is refused on import, so re-importing an export creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.children import selectors
from tuoyu.children.actions import AuditAction
from tuoyu.children.models import Child, ConsentScope, Relationship, Sex
from tuoyu.children.policy import age_band, oldest_months
from tuoyu.children.services import (
    DUPLICATE_ID_MESSAGE,
    ChildPlan,
    child_register_many,
    child_register_plan,
    class_places_left,
    registered_id_numbers,
)
from tuoyu.core.errors import DomainError
from tuoyu.core.excel import Column, ImportOutcome, Kind, Row, Sheet
from tuoyu.core.imports import SpreadsheetImport, chunks
from tuoyu.core.masking import mask_id_number, mask_mobile
from tuoyu.institutions.models import CareClass, Institution


def _choice(choices: Any) -> Any:
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


def _label(choices: Any) -> Any:
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


ROSTER_SHEET = Sheet(
    name="幼儿花名册",
    max_rows=2000,
    columns=[
        Column("name", gettext_lazy("姓名"), required=True, max_length=50, example="王小明"),
        Column(
            "sex",
            gettext_lazy("性别"),
            required=True,
            choices=Sex.choices,
            parse=_choice(Sex.choices),
            format=_label(Sex.choices),
        ),
        Column("birth_date", gettext_lazy("出生日期"), required=True, kind=Kind.DATE, example="2025-01-15"),
        Column("guardian_name", gettext_lazy("监护人姓名"), required=True, max_length=50, example="王大明"),
        Column(
            "guardian_relationship",
            gettext_lazy("与幼儿关系"),
            required=True,
            choices=Relationship.choices,
            parse=_choice(Relationship.choices),
            format=_label(Relationship.choices),
        ),
        Column(
            "guardian_phone",
            gettext_lazy("监护人手机号"),
            required=True,
            max_length=20,
            example="13800138000",
        ),
        Column(
            "consent_basic",
            gettext_lazy("监护人已同意处理基本信息"),
            kind=Kind.BOOLEAN,
            help=gettext_lazy(
                "监护人签署告知同意书后填“是”；填“否”时不能填写身份证号（《个人信息保护法》第三十一条）"
            ),
        ),
        Column("consent_text_version", gettext_lazy("告知同意书版本"), max_length=32, example="2026-01"),
        Column("id_number", gettext_lazy("幼儿身份证号"), max_length=30),
        Column(
            "class_name", gettext_lazy("班级"), max_length=50, help=gettext_lazy("本机构已有班级的名称；可空")
        ),
        Column("start_date", gettext_lazy("入班日期"), kind=Kind.DATE, example="2026-09-01"),
        Column(
            "age_months",
            gettext_lazy("月龄（导出时填写，导入时忽略）"),
            kind=Kind.INTEGER,
        ),
    ],
)


def export_rows(*, viewer: Any, institution: Institution, on: dt.date | None = None) -> list[dict[str, Any]]:
    on = on or dt.date.today()
    qs = selectors.child_list(
        viewer=viewer, on=on, filters={"institution_id": institution.pk}
    ).prefetch_related("guardians", "consents")
    rows = []
    for child in qs:
        guardian = next(iter(child.guardians.all()), None)
        current = child.current[0] if child.current else None
        consent = next((c for c in child.consents.all() if c.covers(ConsentScope.BASIC)), None)
        rows.append(
            {
                "name": child.name,
                "sex": child.sex,
                "birth_date": child.birth_date,
                "guardian_name": guardian.name if guardian else "",
                "guardian_relationship": guardian.relationship if guardian else "",
                "guardian_phone": mask_mobile(guardian.phone) if guardian else "",
                "consent_basic": consent is not None,
                "consent_text_version": consent.text_version if consent else "",
                "id_number": mask_id_number(child.id_number),
                "class_name": current.care_class.name if current else "",
                "start_date": current.start_date if current else None,
                "age_months": child.age_months(on),
            }
        )
    return rows


class RosterImport(SpreadsheetImport[ChildPlan]):
    """Every child of a roster registered at one institution, or none (see tuoyu.core.imports).

    The check runs ``child_register_plan`` (the rules of ``child_register``, its consent and its enrollment)
    for every row, with one query for the children already registered and one for the classes; the write
    checks the class sizes under the lock (one query) and registers everyone through
    ``child_register_many`` — the same rows and audit events as ``child_register``, in a few INSERTs."""

    sheet = ROSTER_SHEET
    audit_action = AuditAction.IMPORT
    unique_within_file = [("name", "birth_date"), ("id_number",)]

    def __init__(self, *, by: Any, institution: Institution) -> None:
        super().__init__(by=by)
        self.institution = institution

    def check(self, rows: list[Row]) -> list[ChildPlan | None]:
        institution = self.institution
        classes = {
            c.name: c for c in CareClass.objects.filter(institution=institution, closed_on__isnull=True)
        }
        bands = {}
        for care_class in classes.values():
            care_class.institution = institution  # age_band reads it: no query per class
            bands[care_class.pk] = age_band(care_class)
        registered = _registered(institution, rows)
        today = timezone.localdate()
        max_months = oldest_months(institution)

        def check_one(row: Row) -> ChildPlan:
            v = row.values
            if (v["name"], v["birth_date"]) in registered:
                raise DomainError("duplicate", _("该幼儿已登记（姓名和出生日期相同）。"), field="name")
            care_class = None
            if v.get("class_name"):
                care_class = classes.get(v["class_name"])
                if care_class is None:
                    raise DomainError(
                        "unknown_class",
                        _("本机构没有名为“%(n)s”的班级。") % {"n": v["class_name"]},
                        field="class_name",
                    )
            elif v.get("start_date"):
                raise DomainError("required", _("填写入班日期时请填写班级。"), field="class_name")
            return child_register_plan(
                institution=institution,
                name=v["name"],
                sex=v["sex"],
                birth_date=v["birth_date"],
                guardian_name=v["guardian_name"],
                guardian_relationship=v["guardian_relationship"],
                guardian_phone=v["guardian_phone"],
                id_number=v.get("id_number") or "",
                consent_scope=[ConsentScope.BASIC] if v.get("consent_basic") else [],
                consent_text_version=v.get("consent_text_version") or "",
                care_class=care_class,
                start_date=v.get("start_date"),
                today=today,
                max_months=max_months,
                band=bands.get(care_class.pk) if care_class is not None else None,
            )

        plans = self.each(rows, check_one)
        # A child whose ID number the institution has registered already is refused as the form refuses it.
        ids = [plan.child.id_number for plan in plans if plan is not None and plan.child.id_number]
        known = registered_id_numbers(institution, ids)
        for position, plan in enumerate(plans):
            if plan is not None and plan.child.id_number in known:
                self.reject(rows[position], "id_number", DUPLICATE_ID_MESSAGE)
                plans[position] = None
        return plans

    def write(self, plans: list[tuple[Row, ChildPlan]]) -> None:
        # Again under the write lock (one query): the same children registered since the check.
        registered = _registered(self.institution, [row for row, _plan in plans])
        for row, _plan in plans:
            if (row.values["name"], row.values["birth_date"]) in registered:
                self.reject(row, "name", _("该幼儿已登记（姓名和出生日期相同）。"))
        full = class_places_left(
            plans=[plan for _row, plan in plans], region_prefix=self.institution.region_prefix
        )
        for (row, _plan), refusal in zip(plans, full, strict=True):
            if refusal is not None:
                self.reject(row, "class_name", refusal.message)
        assert self.result is not None
        if self.result.ok:
            child_register_many(
                by=self.by, institution=self.institution, plans=[plan for _row, plan in plans]
            )

    def audit_target(self) -> dict[str, Any]:
        return {"object_type": "children.child"}


def roster_import(*, by: Any, institution: Institution, file: Any) -> ImportOutcome:
    """Register every child of the file, or none (a row-by-row report says why). Every row is checked
    before the write transaction opens; then they are registered in one transaction."""
    return RosterImport(by=by, institution=institution).run(file)


def _registered(institution: Institution, rows: list[Row]) -> set[tuple[str, dt.date]]:
    """(name, birth date) of the rows' children already registered at the institution: one query a slice."""
    names = sorted({row.values["name"] for row in rows})
    found: set[tuple[str, dt.date]] = set()
    for chunk in chunks(names):
        found.update(
            Child.objects.filter(institution=institution, name__in=chunk).values_list("name", "birth_date")
        )
    return found
