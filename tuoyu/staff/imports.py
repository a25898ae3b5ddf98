"""The roster (花名册) in Excel: export, and import all or nothing with a row-by-row report.

Every row goes through the same ``hire_clean`` and ban screen as the hire form and the API. The screen
runs for every clean row first, outside the import's transaction (a banned person's alert must stay
recorded even though the file imports nothing); then all rows are written in one transaction.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.core.errors import DomainError
from tuoyu.core.excel import Column, ImportOutcome, Kind, Row, Sheet, import_all_or_nothing, read_rows
from tuoyu.institutions.models import Institution
from tuoyu.staff.models import Employment, Person, Sex, StaffRole
from tuoyu.staff.services import HireData, hire_clean, staff_hire_write

# Posts are separated by 顿号, commas, semicolons, slashes or line breaks — never by spaces, which English
# labels contain ("Health worker"): a roster exported in English must import again.
ROLE_SEPARATORS = re.compile(r"[、,，;；/\r\n]+")


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every spelling of a choice a file may hold: its code and its label in each of the platform's
    languages (case-insensitive), so a file exported in either language imports again."""
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


def roster_import(*, by: Any, institution: Institution, file: Any) -> ImportOutcome:
    """Hire everyone in the file, or nobody. ``by`` must be the institution's admin (the caller checks)."""
    result = read_rows(file, ROSTER_SHEET)
    result.flag_duplicates("id_number")
    cleaned: dict[int, dict[str, Any]] = {}
    if not result.file_errors:
        from tuoyu.bans.services import hire_screen

        for row in result.rows:
            if not row.ok:
                continue
            data = HireData(
                name=row.get("name", ""),
                id_number=row.get("id_number", ""),
                sex=row.get("sex") or "",
                birth_date=row.get("birth_date"),
                phone=row.get("phone", ""),
                roles=row.get("roles") or [],
                start_date=row.get("start_date"),
                full_time=row.get("full_time", True),
            )
            try:
                values = hire_clean(data)
                hire_screen(
                    by=by, institution=institution, id_number=values["id_number"], name=values["name"]
                )
            except DomainError as exc:
                result.add_error(row, exc.field, exc.message)
                continue
            if Employment.objects.filter(
                institution=institution,
                end_date__isnull=True,
                person__id_index=Person._meta.get_field("id_index").index_for(values["id_number"]),
            ).exists():
                result.add_error(row, "id_number", _("此人已在本机构在职。"))
                continue
            cleaned[id(row)] = values

    def apply_row(row: Row) -> None:
        staff_hire_write(by=by, institution=institution, values=cleaned[id(row)])

    return import_all_or_nothing(result, apply_row)
