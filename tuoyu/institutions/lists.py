"""The institutions app's declared lists (core.lists): the institutions in reach, the pending filings, and
an institution's rooms and classes (园舍与班级).

Each FilterSet is shared by the page, its htmx refresh, its export and the API operation.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.core import registry
from tuoyu.core.lists import NO_CONTROL_CHARACTERS, Column, FilterSet, FlagFilter, IdFilter, ListSpec
from tuoyu.core.scoping import prefix_q
from tuoyu.institutions import services
from tuoyu.institutions.actions import AuditAction
from tuoyu.institutions.models import (
    CareClass,
    ClassType,
    FilingStatus,
    Institution,
    InstitutionKind,
    Room,
    RoomUse,
    class_types_for,
)

REGION_CODE = RegexValidator(r"^\d{2,12}$", _("请输入2至12位数字的区划代码。"))


def _search(queryset: QuerySet[Institution], name: str, value: str) -> QuerySet[Institution]:
    return queryset.filter(Q(name__contains=value) | Q(uscc=value.upper()))


def _within(queryset: QuerySet[Institution], name: str, value: str) -> QuerySet[Institution]:
    return queryset.filter(prefix_q("region_prefix", [value]))  # a range: SQLite indexes it, LIKE it does not


class InstitutionFilterSet(FilterSet):
    """名称或信用代码、区划、备案状态、类型: the institutions list's filters (page and API alike)."""

    q = django_filters.CharFilter(
        label=_("搜索"),
        method=_search,
        max_length=50,
        validators=[NO_CONTROL_CHARACTERS],
        help_text=_("名称或统一社会信用代码"),
    )
    within = django_filters.CharFilter(
        label=_("区划代码"), method=_within, max_length=12, validators=[REGION_CODE], help_text=_("如 430202")
    )
    filing_status = django_filters.ChoiceFilter(
        label=_("备案状态"), choices=FilingStatus.choices, empty_label=_("全部备案状态")
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=InstitutionKind.choices, empty_label=_("全部类型")
    )

    class Meta:
        model = Institution
        fields: list[str] = []


INSTITUTIONS = ListSpec(
    name="institutions",
    title=_("托育机构"),
    filterset=InstitutionFilterSet,
    columns=(
        Column("name", _("机构名称"), "name", sort=("name",), link=("institutions:detail", "pk")),
        Column("uscc", _("统一社会信用代码"), "uscc", sort=("uscc",), cell_template="core/cell_code.html"),
        Column("kind", _("类型"), Institution.get_kind_display, sort=("kind",)),
        Column("region", _("所在区划"), "region.name", sort=("region_prefix",)),
        Column("region_code", _("区划代码"), "region_id", in_table=False),
        Column(
            "filing_status", _("备案状态"), Institution.get_filing_status_display, sort=("filing_status",)
        ),
    ),
    ordering=("name", "id"),
    empty=_("没有符合条件的机构。"),
    submit=_("搜索"),
    count=_("共 %(n)s 家"),
    export_action=AuditAction.EXPORT,
    export_object_type="institutions.institution",
    table_id="institutions-table",
)


class PendingFilterSet(FilterSet):
    """The pending list's filters: the same search and region as the institutions list."""

    q = InstitutionFilterSet.base_filters["q"]
    within = InstitutionFilterSet.base_filters["within"]

    class Meta:
        model = Institution
        fields: list[str] = []


def days_since_registration(institution: Institution) -> int | None:
    return services.days_since(institution.registered_at)


def overdue(institution: Institution) -> bool:
    days = days_since_registration(institution)
    return days is not None and days > settings.FILING_OVERDUE_DAYS


def _registered_on(institution: Institution) -> Any:
    return timezone.localtime(institution.registered_at).date() if institution.registered_at else None


PENDING = ListSpec(
    name="pending",
    title=_("已登记未备案"),
    filterset=PendingFilterSet,
    columns=(
        Column("name", _("机构名称"), "name", sort=("name",), link=("institutions:detail", "pk")),
        Column("uscc", _("统一社会信用代码"), "uscc", in_table=False),
        Column("region", _("所在区划"), "region.name", sort=("region_prefix",)),
        Column("authority", _("登记机关"), lambda i: i.get_registration_authority_display() or None),
        Column(
            "registered_at",
            _("登记信息接收"),
            _registered_on,
            sort=("registered_at",),
            cell_template="core/cell_date.html",
        ),
        Column(
            "days",
            _("已过天数"),
            days_since_registration,
            css="num",
            cell_template="institutions/_pending_days.html",
        ),
        Column("overdue", _("逾期"), overdue, in_table=False),
    ),
    ordering=("registered_at", "id"),
    page_size=100,
    empty=_("辖区内没有待备案的机构。"),
    count=_("共 %(n)s 家"),
    export_action=AuditAction.PENDING_EXPORT,
    export_object_type="institutions.institution",
    table_id="pending-table",
)


# --- rooms and classes (园舍与班级): the admin's pages (their own institution) and the API (all in scope) ---


def _yes_no(value: bool) -> str:
    return str(_("是") if value else _("否"))


class RoomFilterSet(FilterSet):
    """房间名称、用途、机构: the rooms list's filters (page and API alike)."""

    q = django_filters.CharFilter(
        label=_("查找房间"),  # not the add form's labels: one label, one field on the page
        field_name="name",
        lookup_expr="contains",
        max_length=50,
        validators=[NO_CONTROL_CHARACTERS],
    )
    use = django_filters.ChoiceFilter(label=_("房间功能"), choices=RoomUse.choices, empty_label=_("全部用途"))
    institution_id = IdFilter(label=_("机构编号"), field_name="institution_id")

    class Meta:
        model = Room
        fields: list[str] = []


ROOMS = ListSpec(
    name="rooms",
    title=_("房间"),
    filterset=RoomFilterSet,
    columns=(
        Column("name", _("房间名称"), "name", sort=("name",), link=("institutions:room_edit", "pk")),
        Column("floor", _("所在楼层"), "floor", sort=("floor",)),
        Column("below_ground", _("地下或半地下"), lambda r: _yes_no(r.below_ground)),
        Column("floor_area_m2", _("使用面积（㎡）"), "floor_area_m2", sort=("floor_area_m2",)),
        Column("window_area_m2", _("窗洞口面积（㎡）"), "window_area_m2"),
        Column("use", _("用途"), Room.get_use_display, sort=("use",)),
        Column("camera_count", _("覆盖本房间的摄像头数"), "camera_count"),
        Column("delete", _("操作"), "pk", cell_template="institutions/_room_delete.html", in_export=False),
    ),
    ordering=("institution_id", "floor", "name", "id"),
    empty=_("尚未录入房间。"),
    table_id="rooms",
    hidden_filters=("institution_id",),  # the page is one institution's; the API names it
    auto_id="filter_%s",  # the page's add-a-room form has a "use" field too
)


def _occupancy(classes: list[CareClass]) -> None:
    """How many children hold a place in each class of the page: the children app answers, in one query
    (none installed: "—")."""
    occupancy = registry.ask("children.class_occupancy", [c.pk for c in classes], default=None)
    for c in classes:
        c.occupied = None if occupancy is None else occupancy.get(c.pk, 0)


class ClassFilterSet(FilterSet):
    """班级名称、班级类型、已撤销、机构: the classes list's filters (page and API alike)."""

    q = django_filters.CharFilter(
        label=_("查找班级"),
        field_name="name",
        lookup_expr="contains",
        max_length=50,
        validators=[NO_CONTROL_CHARACTERS],
    )
    class_type = django_filters.ChoiceFilter(
        label=_("类型"), choices=ClassType.choices, empty_label=_("全部班级类型")
    )
    closed = FlagFilter(label=_("已撤销的班级"), method="_closed")
    institution_id = IdFilter(label=_("机构编号"), field_name="institution_id")

    class Meta:
        model = CareClass
        fields: list[str] = []

    def __init__(self, *args: Any, institution: Institution | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if institution is not None:  # the admin's page: the types their institution may keep
            field = self.form.fields["class_type"]
            field.choices = [("", field.choices[0][1])] + [
                (t.value, t.label) for t in class_types_for(institution)
            ]

    def _closed(self, queryset: QuerySet[CareClass], name: str, value: bool | None) -> QuerySet[CareClass]:
        if value is None:
            return queryset
        return queryset.filter(closed_on__isnull=not value)


CLASSES = ListSpec(
    name="classes",
    title=_("班级"),
    filterset=ClassFilterSet,
    columns=(
        Column("name", _("班级名称"), "name", sort=("name",), link=("institutions:class_edit", "pk")),
        Column("class_type", _("班级类型"), CareClass.get_class_type_display, sort=("class_type",)),
        Column("room", _("活动室"), lambda c: str(c.room) if c.room_id else None, sort=("room__name",)),
        Column("planned_size", _("计划班额"), "planned_size", sort=("planned_size",)),
        Column("occupied", _("在班人数"), "occupied"),
    ),
    ordering=("institution_id", "name", "id"),
    empty=_("尚未录入班级。"),
    prepare=_occupancy,
    table_id="classes",
    hidden_filters=("institution_id",),
    auto_id="filter_%s",  # the page's add-a-class form has a "class_type" field too
)
