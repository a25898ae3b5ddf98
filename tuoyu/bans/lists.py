"""The bans app's declared lists (core.lists): the ban list and its alerts, each one FilterSet shared by the
page, its htmx refresh, its export (the ban list's; ID numbers masked) and the API operation."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.bans import selectors
from tuoyu.bans.actions import AuditAction
from tuoyu.bans.models import AlertKind, Ban, BanAlert, BanScope
from tuoyu.core.lists import NO_CONTROL_CHARACTERS, Column, FilterSet, FlagFilter, ListSpec


class BanFilterSet(FilterSet):
    """姓名片段或完整身份证号, 含已解除 (web and API alike; lifted bans hidden unless asked)."""

    q = django_filters.CharFilter(
        label=_("姓名或身份证号"),
        method="search",
        max_length=50,
        validators=[NO_CONTROL_CHARACTERS],
        help_text=_("姓名或完整身份证号"),
    )
    include_lifted = FlagFilter(label=_("含已解除"), method="lifted")
    scope = django_filters.ChoiceFilter(
        label=_("禁入范围"), choices=BanScope.choices, empty_label=_("全部范围")
    )

    class Meta:
        model = Ban
        fields: list[str] = []

    def search(self, queryset: QuerySet[Ban], name: str, value: str) -> QuerySet[Ban]:
        return selectors.ban_search(queryset, value)

    def lifted(self, queryset: QuerySet[Ban], name: str, value: bool) -> QuerySet[Ban]:
        return queryset  # the default (active only) is applied in filter_queryset

    def filter_queryset(self, queryset: QuerySet[Ban]) -> QuerySet[Ban]:
        qs = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_lifted"):
            qs = qs.filter(lifted_at__isnull=True)
        return qs


def _status(ban: Ban) -> str:
    return str(_("有效") if ban.is_active else _("已解除"))


BANS = ListSpec(
    name="bans",
    title=_("禁入名单"),
    filterset=BanFilterSet,
    columns=(
        Column("name", _("姓名"), "name", sort=("name",), link=("bans:detail", "pk")),
        Column("id_number", _("身份证号"), "id_number_masked"),
        Column("decision_number", _("决定文号"), "decision_number", sort=("decision_number",)),
        Column(
            "decision_date",
            _("决定日期"),
            "decision_date",
            sort=("decision_date",),
            cell_template="core/cell_date.html",
        ),
        Column(
            "scope", _("禁入范围"), lambda b: f"{b.get_scope_display()} · {b.region.name}", sort=("scope",)
        ),
        Column("status", _("状态"), _status, cell_template="bans/_ban_status.html", sort=("lifted_at",)),
    ),
    ordering=("-decision_date", "-id"),
    empty=_("没有符合条件的记录。"),
    export_action=AuditAction.EXPORT,
    export_object_type="bans.ban",
    private_filters=("q",),  # a full ID number may be the search: never written into the audit trail
    table_id="ban-list",
)


class AlertFilterSet(FilterSet):
    """未确认 (``open``), 类型."""

    open = FlagFilter(label=_("未确认"), method="unacknowledged")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=AlertKind.choices, empty_label=_("全部类型"))

    class Meta:
        model = BanAlert
        fields: list[str] = []

    def unacknowledged(self, queryset: QuerySet[BanAlert], name: str, value: bool) -> QuerySet[BanAlert]:
        return queryset.filter(acknowledged_at__isnull=True) if value else queryset


def _at(alert: BanAlert) -> str:
    return timezone.localtime(alert.at).strftime("%Y-%m-%d %H:%M")


ALERTS = ListSpec(
    name="ban_alerts",
    title=_("禁入预警"),
    filterset=AlertFilterSet,
    columns=(
        Column("at", _("时间"), _at, sort=("at",), link=("bans:alert_detail", "pk")),
        Column("kind", _("类型"), BanAlert.get_kind_display, sort=("kind",)),
        Column("institution", _("机构"), "institution.name", sort=("institution__name",)),
        Column("person_name", _("姓名"), "person_name", sort=("person_name",)),
        Column("id_number", _("身份证号"), "ban.id_number_masked"),
        Column("decision_number", _("决定文号"), "ban.decision_number"),
        Column("status", _("状态"), "acknowledged_at", cell_template="bans/_alert_status.html"),
    ),
    ordering=("-at", "-id"),
    empty=_("暂无预警。"),
    table_id="alert-list",
)
