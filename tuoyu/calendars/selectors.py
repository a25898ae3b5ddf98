"""Reads of the holiday table for those who may see it (the system admin, regulators), and the year
overview that merges it with chinese-calendar's built-in years."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from tuoyu.calendars import workdays
from tuoyu.calendars.models import FIRST_YEAR, LAST_YEAR, DayKind, HolidayDate, HolidayYear
from tuoyu.core.scoping import scope_filter, scoped


@dataclass(frozen=True)
class YearRow:
    """One year as the overview shows it: where its schedule comes from and whether it is in force."""

    year: int
    builtin: bool
    table: HolidayYear | None
    dates: int

    @property
    def source(self) -> str:
        if self.table is not None and self.table.published:
            return "table"
        return "builtin" if self.builtin else "unknown"

    @property
    def known(self) -> bool:
        return self.source != "unknown"


@dataclass(frozen=True)
class BuiltinDay:
    date: dt.date
    kind: str
    name: str

    def get_kind_display(self) -> str:
        return DayKind(self.kind).label


def calendar_viewer(*, viewer: Any) -> bool:
    return scope_filter(viewer, "view", HolidayYear) is not None


def calendar_editor(*, viewer: Any) -> bool:
    return scope_filter(viewer, "change", HolidayYear) is not None


def _require_view(viewer: Any) -> None:
    if not calendar_viewer(viewer=viewer):
        raise Http404  # the same answer as a page that does not exist


def year_rows(*, viewer: Any, today: dt.date | None = None) -> list[YearRow]:
    """Every year worth showing, newest first: table years, built-in years, this year and next."""
    _require_view(viewer)
    today = today or dt.date.today()
    tables = {y.year: y for y in scoped(viewer, "view", HolidayYear).select_related("published_by")}
    counts: dict[int, int] = {}
    for d in scoped(viewer, "view", HolidayDate).values_list("date", flat=True):
        counts[d.year] = counts.get(d.year, 0) + 1
    builtin_counts = Counter(d.year for d in workdays.BUILTIN_DAYS)
    years = set(tables) | set(workdays.BUILTIN_YEARS) | {today.year, today.year + 1}
    return [
        YearRow(
            year=year,
            builtin=year in workdays.BUILTIN_YEARS,
            table=tables.get(year),
            dates=counts.get(year, 0) if year in tables else builtin_counts.get(year, 0),
        )
        for year in sorted(years, reverse=True)
    ]


def year_get(*, viewer: Any, year: int) -> tuple[YearRow, list[HolidayDate], list[BuiltinDay]]:
    """A year's page: its table row (if any), the table's dates, and the built-in dates (if any)."""
    _require_view(viewer)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    table = scoped(viewer, "view", HolidayYear).select_related("published_by").filter(year=year).first()
    dates = list(scoped(viewer, "view", HolidayDate).filter(holiday_year__year=year).order_by("date"))
    builtin = [
        BuiltinDay(d, DayKind.WORKDAY if workday else DayKind.HOLIDAY, name)
        for d, (workday, name) in sorted(workdays.BUILTIN_DAYS.items())
        if d.year == year
    ]
    row = YearRow(year=year, builtin=year in workdays.BUILTIN_YEARS, table=table, dates=len(dates))
    return row, dates, builtin


def unknown_upcoming_years(*, today: dt.date | None = None, rows: list[YearRow] | None = None) -> list[int]:
    """This year and next, where neither chinese-calendar nor a published table year knows them (from the
    overview's ``rows`` when the caller has them, else from the table)."""
    today = today or dt.date.today()
    upcoming = (today.year, today.year + 1)
    if rows is not None:
        return [r.year for r in sorted(rows, key=lambda r: r.year) if r.year in upcoming and not r.known]
    return workdays.unknown_years(dt.date(upcoming[0], 1, 1), dt.date(upcoming[1], 12, 31))


def next_year_reminder(*, today: dt.date | None = None) -> str | None:
    """For operators (``tuoyu tick``): from November on, a line when next year's schedule is still unknown.

    The State Council usually publishes next year's schedule in late October or November.
    """
    today = today or dt.date.today()
    year = today.year + 1
    if today.month < 11 or not workdays.unknown_years(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        return None
    return (
        f"警告 calendar: {year}年节假日安排尚未录入，{year}年的期限仅扣除周末临时计算；"
        f"国务院办公厅公布后请系统管理员在 /calendar/{year}/ 录入并发布。"
        f" WARNING calendar: the {year} holiday schedule is not entered; deadlines in {year} are provisional"
        f" (weekends only). Enter and publish it at /calendar/{year}/."
    )
