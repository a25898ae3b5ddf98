"""The children app's declared list (core.lists): the roster (幼儿花名册), one FilterSet shared by the page, its
htmx refresh and the API operation; the page groups it by institution and class.

The roster has no list export: its export is the re-importable Excel roster (``/children/export.xlsx``, the
columns of the import sheet ``children.imports.ROSTER_SHEET``, masked and audited as ``child.export``), one
implementation whose columns the import reads back; a second export from the page's columns would be a
different file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuoyu.children import selectors
from tuoyu.children.models import Child
from tuoyu.core import lists
from tuoyu.core.lists import NO_CONTROL_CHARACTERS, Column, FilterSet, IdFilter, ListSpec
from tuoyu.core.validators import Sex
from tuoyu.institutions.models import ClassType


class ChildFilterSet(FilterSet):
    """姓名、班级、机构: the roster's filters (page and API alike)."""

    q = django_filters.CharFilter(
        label=_("姓名"),
        field_name="name",
        lookup_expr="contains",
        max_length=50,
        validators=[NO_CONTROL_CHARACTERS],
    )
    class_id = IdFilter(label=_("班级编号"), method="_in_class")
    institution_id = IdFilter(label=_("机构编号"), field_name="institution_id")

    class Meta:
        model = Child
        fields: list[str] = []

    def _in_class(self, queryset: QuerySet[Child], name: str, value: int | None) -> QuerySet[Child]:
        if value is None:
            return queryset
        return selectors.in_class(queryset, value, dt.date.today())


@dataclass(frozen=True)
class RosterInstitution:
    """A roster group's institution: its id and name (the page query's ``institution_name``)."""

    pk: int
    name: str


@dataclass(frozen=True)
class RosterClass:
    """A roster group's class: what the page query annotated of it (no CareClass object per child)."""

    pk: int
    name: str
    class_type: str

    def get_class_type_display(self) -> str:
        return str(dict(ClassType.choices).get(self.class_type, self.class_type))


def current_class(child: Child) -> Any:
    """The class the child holds a place in today: ``_prepare`` put it there for the roster page (from the
    page query's ``current_class_id``); else from the ``current`` enrollments ``selectors.child_list``
    prefetched; or None."""
    if hasattr(child, "care_class_today"):
        return child.care_class_today
    return child.current[0].care_class if child.current else None


def _prepare(children: list[Child]) -> None:
    today = dt.date.today()
    sexes = {value: str(label) for value, label in Sex.choices}  # get_sex_display per row: 100 µs each
    institutions: dict[int, RosterInstitution] = {}
    classes: dict[int, RosterClass] = {}
    for child in children:
        child.age_today = child.age_months(today)  # type: ignore[attr-defined]
        child.sex_label = sexes.get(child.sex, child.sex)  # type: ignore[attr-defined]
        cid = child.current_class_id  # type: ignore[attr-defined]
        if cid is not None and cid not in classes:
            classes[cid] = RosterClass(cid, child.current_class_name, child.current_class_type)  # type: ignore[attr-defined]
        child.care_class_today = classes.get(cid) if cid is not None else None  # type: ignore[attr-defined]
        if child.institution_id not in institutions:
            institutions[child.institution_id] = RosterInstitution(
                child.institution_id, child.institution_name
            )
        child.roster_institution = institutions[child.institution_id]  # type: ignore[attr-defined]


def _group(child: Child) -> tuple[Any, Any]:
    return (child.roster_institution, current_class(child))


def _group_order(key: tuple[Any, Any]) -> tuple[str, bool, str]:
    institution, care_class = key  # by institution, its classes by name, the unplaced last
    return (institution.name, care_class is None, care_class.name if care_class else "")


CHILDREN = ListSpec(
    name="children",
    title=_("幼儿花名册"),
    filterset=ChildFilterSet,
    columns=(
        Column("name", _("姓名"), "name", sort=("name",), link=("children:detail", "pk")),
        Column("sex", _("性别"), "sex_label", sort=("sex",)),
        Column(
            "birth_date",
            _("出生日期"),
            "birth_date",
            sort=("birth_date",),
            format=lists.date,
        ),
        Column("age_months", _("月龄"), "age_today"),
        Column("id_number", _("身份证号"), lambda c: c.id_number_masked or None),
    ),
    ordering=("institution_id", "name", "id"),
    page_size=500,
    empty=_("暂无幼儿。"),
    submit=_("查找"),
    count="",  # the roster's own count line, with the day the ages are counted on (its table template)
    prepare=_prepare,
    group_by=_group,
    group_order=_group_order,
    template="children/_roster_table.html",
    table_id="children-roster",
    hidden_filters=("class_id", "institution_id"),
)
