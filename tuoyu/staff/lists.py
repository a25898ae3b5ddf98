"""The staff app's declared list (core.lists): an institution's roster (工作人员花名册), one FilterSet shared by
the page, its htmx refresh and the API operation.

The roster has no list export: its export is the re-importable Excel roster (``/staff/export.xlsx``, the
columns of the import sheet ``staff.imports.ROSTER_SHEET``, audited as ``staff.export``), one implementation
whose columns the import reads back; a second export from the page's columns would be a different file.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.core.lists import NO_CONTROL_CHARACTERS, Column, FilterSet, FlagFilter, ListSpec
from tuoyu.staff.models import Employment, StaffRole
from tuoyu.staff.selectors import RosterRow, roster_row


class StaffFilterSet(FilterSet):
    """姓名、在职: the roster's filters (page and API alike; which institution's roster is not a filter)."""

    q = django_filters.CharFilter(
        label=_("姓名"),
        field_name="person__name",
        lookup_expr="contains",
        max_length=50,
        validators=[NO_CONTROL_CHARACTERS],
    )
    active = FlagFilter(label=_("仅在职"), method="_active")

    class Meta:
        model = Employment
        fields: list[str] = []

    def _active(self, queryset: QuerySet[Employment], name: str, value: bool | None) -> QuerySet[Employment]:
        if value is None:
            return queryset
        return queryset.filter(end_date__isnull=value)


def row_of(employment: Employment) -> RosterRow:
    """The employment's warnings (health certificate, background checks), computed once per row from what
    ``selectors.roster_of`` annotated (no query); the page's rows have them from ``prepare``."""
    row = getattr(employment, "roster_row", None)
    if row is None:
        row = employment.roster_row = roster_row(employment, timezone.localdate())  # type: ignore[attr-defined]
    return row


def _prepare(employments: list[Employment]) -> None:
    """Each row's warnings, and the texts its row shows, made here once per page (a ``{% url %}``, a ``|date``
    or a ``{% blocktranslate %}`` per row costs tens of µs each)."""
    today = timezone.localdate()
    valid_until = gettext("有效期至%(d)s")
    missing = gettext("缺%(m)s")
    labels = _labels()
    roles = {value: str(label) for value, label in StaffRole.choices}  # role_labels per row: ~80 µs each
    for e in employments:
        e.roster_labels = labels  # type: ignore[attr-defined]
        e.roles_text = "、".join(roles.get(r, r) for r in e.roles)  # type: ignore[attr-defined]
        row = e.roster_row = roster_row(e, today)  # type: ignore[attr-defined]
        if row.health_expires_on:
            row.health_text = valid_until % {"d": row.health_expires_on.isoformat()}
        row.missing_texts = [missing % {"m": m} for m in row.missing_checks]


def _labels() -> dict[str, str]:
    return {
        "left": gettext("已离职"),
        "part_time": gettext("兼职"),
        "expired": gettext("已过期"),
        "no_certificate": gettext("无健康证明"),
        "expiring": gettext("30天内到期"),
        "complete": gettext("齐全"),
    }


def _row_html(row: dict[str, Any]) -> str:
    """A roster row: the name (a link; 已离职 when the employment ended, greyed), the posts (兼职), the dates,
    the health certificate's expiry with its mark (for the active only) and the missing background checks."""
    e: Employment = row["obj"]
    r: RosterRow = e.roster_row  # type: ignore[attr-defined]
    label: dict[str, str] = e.roster_labels  # type: ignore[attr-defined]
    active = e.is_active
    health = ""
    if active and r.health_expired:
        health = format_html(
            ' <span class="badge text-bg-danger">{}</span>',
            label["expired"] if r.health_expires_on else label["no_certificate"],
        )
    elif active and r.health_expiring:
        health = format_html(' <span class="badge text-bg-warning">{}</span>', label["expiring"])
    checks = format_html_join(
        "", '<span class="badge text-bg-danger">{}</span> ', ((m,) for m in r.missing_texts)
    )
    return format_html(
        '<tr data-testid="staff-{}"{}>\n'
        '  <td class="text-nowrap"><a href="{}">{}</a>{}</td>\n'
        '  <td class="text-nowrap">{}{}</td>\n'
        '  <td class="text-nowrap">{}{}</td>\n'
        "  <td>{}\n    {}</td>\n"
        "  <td>{}</td>\n"
        "</tr>\n",
        e.person_id,
        "" if active else mark_safe(' class="text-muted"'),
        row["cells"][0]["href"],
        e.person.name,
        "" if active else format_html(' <span class="badge text-bg-secondary">{}</span>', label["left"]),
        row["cells"][1]["value"],
        "" if e.full_time else format_html(' <span class="badge text-bg-info">{}</span>', label["part_time"]),
        e.start_date.isoformat(),
        f" – {e.end_date.isoformat()}" if e.end_date else "",
        r.health_text,
        health,
        checks or format_html('<span class="badge text-bg-success">{}</span>', label["complete"]),
    )


def _roles(employment: Employment) -> str:
    text = getattr(employment, "roles_text", None)  # the page's rows: from ``_prepare``
    return text if text is not None else "、".join(employment.role_labels())


def _health(employment: Employment) -> Any:
    return row_of(employment).health_expires_on


STAFF = ListSpec(
    name="staff",
    title=_("工作人员"),
    filterset=StaffFilterSet,
    columns=(
        Column("name", _("姓名"), "person.name", sort=("person__name",), link=("staff:detail", "person_id")),
        Column("roles", _("岗位"), _roles),
        Column("start_date", _("入职日期"), "start_date", sort=("start_date",)),
        Column("health", _("健康证明"), _health),
        Column("checks", _("背景审查"), lambda e: row_of(e).missing_checks),
    ),
    ordering=("end_date", "person__name", "id"),
    empty=_("尚无工作人员。"),
    prepare=_prepare,
    row_html=_row_html,
    table_id="roster",
)
