"""The roster (花名册) in Excel: export, and import all or nothing with a row-by-row report.

Every row goes through the same ``hire_clean`` and ban screen as the hire form and the API. The screen
runs for every clean row first (one query for the file), outside the import's transaction (a banned
person's alert must stay recorded even though the file imports nothing); then all rows are written in one
transaction with the file-level ``staff.import`` event (tuoyu.core.imports).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.core.errors import DomainError
from tuoyu.core.excel import Column, ImportOutcome, Kind, Row, Sheet
from tuoyu.core.imports import SpreadsheetImport
from tuoyu.institutions.models import Institution
from tuoyu.staff.actions import AuditAction
from tuoyu.staff.models import Sex, StaffRole
from tuoyu.staff.services import HireData, HirePlan, hire_clean, hire_lookup, hire_plan, staff_hire_many

# Posts are separated by 顿号, commas, semicolons, slashes or line breaks — never by spaces, which English
# labels contain ("Health worker"): a roster exported in English must import again.
ROLE_SEPARATORS = re.compile(r"[、,，;；/\r\n]+")


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every spelling of a choice a file may hold: its code and its label in each of the platform's
    languages (case-insensitive), so a file exported in either language imports again. Built once per
    choice set and active language (a roster has thousands of cells to look up)."""
    return _labels_for(choices, translation.get_language())


@functools.lru_cache(maxsize=32)
def _labels_for(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.update({str(label).strip().casefold(): value for value, label in choices.choices})
    found.update({value.casefold(): value for value in choices.values})
    return found


def _sex(cell: Any) -> str:
    value = _labels(Sex).get(str(cell).strip().casefold())
    if value is None:
        raise ValidationError(_("性别应为“男”或“女”。"), code="choice")
    return value


def _roles(cell: Any) -> list[str]:
    by_label = _labels(StaffRole)
    roles = []
    for raw in ROLE_SEPARATORS.split(str(cell).strip()):
        part = " ".join(raw.split())
        if not part:
            continue
        value = by_label.get(part.casefold())
        if value is not None:
            roles.append(value)
        else:
            raise ValidationError(
                _("岗位“%(value)s”不是可选值之一：%(allowed)s")
                % {"value": part, "allowed": "、".join(str(label) for label in StaffRole.labels)},
                code="choice",
            )
    return roles


FULL_TIME_CHOICES = [(True, gettext_lazy("专职")), (False, gettext_lazy("兼职"))]


def _format_full_time(full_time: bool) -> str:
    return str(dict(FULL_TIME_CHOICES)[full_time])


def _format_roles(roles: list[str]) -> str:
    labels = dict(StaffRole.choices)
    return "、".join(str(labels.get(r, r)) for r in roles)


ROSTER_SHEET = Sheet(
    name="工作人员花名册",
    max_rows=2000,
    columns=[
        Column("name", gettext_lazy("姓名"), required=True, max_length=50, example="张三"),
        Column(
            "id_number", gettext_lazy("身份证号"), required=True, max_length=30, example="430202199001011234"
        ),
        Column(
            "sex",
            gettext_lazy("性别"),
            choices=Sex.choices,  # the dropdown in the UI language; codes and both languages accepted
            parse=_sex,
            help=gettext_lazy("可不填：按身份证号确定；填写时须与身份证号一致"),
            format=lambda v: str(Sex(v).label),
        ),
        Column(
            "birth_date",
            gettext_lazy("出生日期"),
            kind=Kind.DATE,
            help=gettext_lazy("可不填：按身份证号确定；填写时须与身份证号一致"),
        ),
        Column("phone", gettext_lazy("手机号"), required=True, max_length=20, example="13800138000"),
        Column(
            "roles",
            gettext_lazy("岗位"),
            required=True,
            max_length=100,
            parse=_roles,
            format=_format_roles,
            example="保育人员、保健人员",
            help=gettext_lazy("一个或多个，用顿号分隔：负责人、保育人员、保健人员、保安、炊事人员、其他"),
        ),
        Column("start_date", gettext_lazy("入职日期"), required=True, kind=Kind.DATE, example="2026-03-02"),
        Column(
            "full_time",
            gettext_lazy("专职/兼职"),
            choices=FULL_TIME_CHOICES,
            format=_format_full_time,
            may_be_absent=True,  # rosters made before the column existed still import (all 专职)
            help=gettext_lazy("可不填：默认为专职"),
        ),
    ],
)


def roster_rows(*, employments: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": e.person.name,
            "id_number": e.person.id_number,
            "sex": e.person.sex,
            "birth_date": e.person.birth_date,
            "phone": e.person.phone,
            "roles": e.roles,
            "start_date": e.start_date,
            "full_time": e.full_time,
        }
        for e in employments
    ]


def _hire_data(row: Row) -> HireData:
    return HireData(
        name=row.get("name", ""),
        id_number=row.get("id_number", ""),
        sex=row.get("sex") or "",
        birth_date=row.get("birth_date"),
        phone=row.get("phone", ""),
        roles=row.get("roles") or [],
        start_date=row.get("start_date"),
        full_time=row.get("full_time", True),
    )


class RosterImport(SpreadsheetImport[HirePlan]):
    """Everyone of a roster hired at one institution, or nobody (see tuoyu.core.imports).

    The check runs, for the whole file: ``hire_clean`` per row (the hire form's rules), the ban screen (one
    query; a banned person's attempt is recorded and reported even though the file then imports nothing), and
    one lookup of the people already registered under the file's ID numbers with their active employments. The
    write is ``staff_hire_many``: a few INSERTs and the ``staff.hire`` events in bulk."""

    sheet = ROSTER_SHEET
    audit_action = AuditAction.IMPORT
    unique_within_file = [("id_number",)]

    def __init__(self, *, by: Any, institution: Institution) -> None:
        super().__init__(by=by)
        self.institution = institution

    def check(self, rows: list[Row]) -> list[HirePlan | None]:
        from tuoyu.bans.services import BANNED_MESSAGE, hire_screen_many

        values = self.each(rows, lambda row: hire_clean(_hire_data(row)))
        clean = [(row, v) for row, v in zip(rows, values, strict=True) if v is not None]
        banned = hire_screen_many(
            by=self.by,
            institution=self.institution,
            people=[(v["id_number"], v["name"]) for _row, v in clean],
        )
        for i in sorted(banned):
            self.reject(clean[i][0], "id_number", BANNED_MESSAGE)
        known = hire_lookup(institution=self.institution, id_numbers=[v["id_number"] for _row, v in clean])
        plans: dict[int, HirePlan] = {}
        for i, (row, v) in enumerate(clean):
            if i in banned:
                continue
            try:
                plans[id(row)] = hire_plan(values=v, known=known)
            except DomainError as exc:
                self.reject(row, exc.field, exc.message)
        return [plans.get(id(row)) for row in rows]

    def write(self, plans: list[tuple[Row, HirePlan]]) -> None:
        staff_hire_many(by=self.by, institution=self.institution, plans=[plan for _row, plan in plans])

    def audit_target(self) -> dict[str, Any]:
        return {"obj": self.institution}


def roster_import(*, by: Any, institution: Institution, file: Any) -> ImportOutcome:
    """Hire everyone in the file, or nobody. ``by`` must be the institution's admin (the caller checks)."""
    return RosterImport(by=by, institution=institution).run(file)
