"""The filings app's declared lists (core.lists): the bureau's review queue and the non-compliance notices,
each one FilterSet shared by the page, its htmx refresh and the API operation."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.calendars.workdays import load_calendar
from tuoyu.core import lists
from tuoyu.core.lists import NO_CONTROL_CHARACTERS, Column, FilterSet, FlagFilter, ListSpec
from tuoyu.core.scoping import prefix_q
from tuoyu.filings import selectors
from tuoyu.filings.models import Filing, FilingKind, NonComplianceNotice

REGION_CODE = RegexValidator(r"^\d{2,12}$", _("请输入2至12位数字的区划代码。"))


def _institution_search(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    return queryset.filter(Q(institution__name__contains=value) | Q(institution__uscc=value.upper()))


def _within(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    return queryset.filter(prefix_q("region_prefix", [value]))  # a range: SQLite indexes it, LIKE it does not


def _search_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("搜索"),
        method=_institution_search,
        max_length=50,
        validators=[NO_CONTROL_CHARACTERS],
        help_text=_("名称或统一社会信用代码"),
    )


def _within_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("区划代码"), method=_within, max_length=12, validators=[REGION_CODE], help_text=_("如 430202")
    )


class ReviewQueueFilterSet(FilterSet):
    """机构名称或信用代码、区划、备案类型."""

    q = _search_filter()
    within = _within_filter()
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=FilingKind.choices, empty_label=_("全部类型"))

    class Meta:
        model = Filing
        fields: list[str] = []


def _clock_all(filings: list[Filing]) -> None:
    """The FIL-04 clock of every row from one calendar (two queries for the page, not two a row)."""
    calendar = load_calendar()
    for f in filings:
        f.clock = selectors.review_clock(f, calendar=calendar)


def _deadline_html(f: Filing) -> str:
    """The FIL-04 deadline (``—`` without a clock), marked when the holiday table is not yet published — made
    in Python, not a cell template per row."""
    clock = f.clock  # type: ignore[attr-defined]
    mark = gettext("（临时计算）") if clock and clock.provisional else ""
    day = lists.date(clock.deadline if clock else None)
    return format_html('<span data-testid="deadline-{}">{}{}</span>', f.pk, day, mark)


def _elapsed_html(f: Filing) -> str:
    """Working days used so far, with the 逾期 badge past the deadline."""
    clock = f.clock  # type: ignore[attr-defined]
    value = lists.text(clock.elapsed if clock else None)
    badge = (
        format_html(' <span class="badge text-bg-danger">{}</span>', gettext("逾期"))
        if clock and clock.overdue
        else ""
    )
    return format_html('<span data-testid="elapsed-{}">{}</span>{}', f.pk, value, badge)


def _local(moment: Any, fmt: str) -> str | None:
    return timezone.localtime(moment).strftime(fmt) if moment else None


REVIEW_QUEUE = ListSpec(
    name="review_queue",
    title=_("备案审核"),
    filterset=ReviewQueueFilterSet,
    columns=(
        Column(
            "institution",
            _("机构名称"),
            "institution_name",
            sort=("institution__name",),
            link=("filings:detail", "pk"),
        ),
        Column("kind", _("类型"), Filing.get_kind_display, sort=("kind",)),
        Column("region", _("所在区划"), "region_name", sort=("region_prefix",)),
        Column(
            "submitted_at",
            _("提交时间"),
            lambda f: _local(f.submitted_at, "%Y-%m-%d %H:%M"),
            sort=("submitted_at",),
        ),
        # the cells made in Python from the filing (its clock from ``prepare``); the value shown is the
        # deadline / the working days
        Column(
            "deadline",
            _("办结期限"),
            lambda f: f,
            export=lambda f: f.clock.deadline if f.clock else None,
            format=_deadline_html,
        ),
        Column(
            "elapsed",
            _("已用工作日"),
            lambda f: f,
            export=lambda f: f.clock.elapsed if f.clock else None,
            css="num",
            format=_elapsed_html,
        ),
    ),
    ordering=("submitted_at", "id"),
    page_size=100,
    empty=_("辖区内没有待审核的备案。"),
    prepare=_clock_all,
    table_id="review-queue",
)


class NoticeFilterSet(FilterSet):
    """机构、区划、未公开、未办结."""

    q = _search_filter()
    within = _within_filter()
    unpublished = FlagFilter(label=_("未公开"), method="_unpublished")
    open = FlagFilter(label=_("未办结"), method="_open")

    class Meta:
        model = NonComplianceNotice
        fields: list[str] = []

    def _unpublished(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(published_at__isnull=value)

    def _open(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(closed_at__isnull=value)


def _notice_state(n: NonComplianceNotice) -> str:
    if n.closed_at:
        return str(_("已办结"))
    if n.responded_at:
        return str(_("机构已反馈"))
    return str(_("待整改"))


NOTICES = ListSpec(
    name="notices",
    title=_("核查不符通知"),
    filterset=NoticeFilterSet,
    columns=(
        Column(
            "institution",
            _("机构名称"),
            "institution.name",
            sort=("institution__name",),
            link=("filings:notice", "pk"),
        ),
        Column(
            "found_on", _("核查发现日期"), "found_on", sort=("found_on",), cell_template="core/cell_date.html"
        ),
        Column("issued_at", _("通知时间"), lambda n: _local(n.issued_at, "%Y-%m-%d"), sort=("issued_at",)),
        Column(
            "workdays_to_issue",
            _("发现至通知工作日数"),
            "workdays_to_issue",
            sort=("workdays_to_issue",),
            css="num",
            cell_template="filings/_notice_clock.html",
        ),
        Column(
            "published_at",
            _("公开"),
            lambda n: _local(n.published_at, "%Y-%m-%d"),
            sort=("published_at",),
            cell_template="filings/_notice_published.html",
        ),
        Column(
            "rectify_by",
            _("整改期限"),
            "rectify_by",
            sort=("rectify_by",),
            cell_template="core/cell_date.html",
        ),
        Column("state", _("状态"), _notice_state),
    ),
    ordering=("-issued_at", "-id"),
    empty=_("暂无核查不符通知。"),
    table_id="notice-list",
)
