"""Working days (工作日) for statutory deadlines: filing within 5 working days (FIL-04), a non-compliance
notice within 15 (FIL-05), and every later clock counted in working days.

Where a day's status comes from, per year, in this order:

1. the holiday table (``calendars.HolidayYear``/``HolidayDate``) when the system admin has *published*
   that year — it replaces the built-in schedule of that year as a whole;
2. ``chinese-calendar``, which ships the State Council's schedules for the years it knows (2004–2026 in
   1.11.0) — official holidays (放假) and adjusted workdays (调休上班);
3. otherwise the year is *unknown*: Saturdays and Sundays are rest days, every other day a workday, and
   every answer that touched such a year says ``provisional=True`` so the UI can tell the reader.

Nothing here raises for a date in an unknown year (``chinese-calendar`` itself raises
``NotImplementedError`` for them; we never call it on such a date). The functions are pure over a
:class:`Calendar`; pass one to count many deadlines, or omit it and the table is loaded once for the call
(one query, never one per day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import chinese_calendar

# Rest days by the weekday rule: Saturday (5) and Sunday (6).
WEEKEND = frozenset({5, 6})

_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


def _builtin() -> tuple[Mapping[dt.date, tuple[bool, str]], frozenset[int]]:
    """chinese-calendar's schedule as {date: (workday, Chinese name)} and the years it covers."""
    days: dict[dt.date, tuple[bool, str]] = {}
    for d, name in chinese_calendar.holidays.items():
        days[d] = (False, _CHINESE_NAMES.get(name, name))
    for d, name in chinese_calendar.workdays.items():
        days[d] = (True, _CHINESE_NAMES.get(name, name))
    years = {d.year for d in chinese_calendar.holidays}
    # The library's own range check is min..max of its holiday years; match it exactly.
    covered = frozenset(range(min(years), max(years) + 1)) if years else frozenset()
    return MappingProxyType(days), covered


BUILTIN_DAYS, BUILTIN_YEARS = _builtin()


@dataclass(frozen=True)
class DayInfo:
    """One day: whether people work, the holiday it belongs to (e.g. 春节, also on its 调休 Saturday)."""

    workday: bool
    name: str
    provisional: bool


@dataclass(frozen=True)
class Deadline:
    """The day a working-day period ends; provisional if it crossed a year whose schedule is unknown."""

    date: dt.date
    provisional: bool
    unknown_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Count:
    """Working days elapsed; provisional if the span crossed a year whose schedule is unknown."""

    n: int
    provisional: bool
    unknown_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Calendar:
    """An immutable snapshot of what is known: the published table years and their special days.

    ``table`` maps each special date of a published table year to (workday, name); the days of a
    published year that are not in it follow the weekday rule.
    """

    table: Mapping[dt.date, tuple[bool, str]] = field(default_factory=dict)
    table_years: frozenset[int] = frozenset()
    builtin_years: frozenset[int] = BUILTIN_YEARS

    def source(self, year: int) -> str:
        """Where the year's schedule comes from: ``table``, ``builtin`` or ``unknown``."""
        if year in self.table_years:
            return "table"
        if year in self.builtin_years:
            return "builtin"
        return "unknown"

    def known(self, year: int) -> bool:
        return year in self.table_years or year in self.builtin_years

    def day(self, d: dt.date) -> DayInfo:
        source = self.source(d.year)
        special = (
            self.table.get(d) if source == "table" else BUILTIN_DAYS.get(d) if source == "builtin" else None
        )
        if special is not None:
            return DayInfo(workday=special[0], name=special[1], provisional=False)
        return DayInfo(workday=d.weekday() not in WEEKEND, name="", provisional=source == "unknown")


def calendar_from_rows(rows: Iterable[tuple[dt.date, bool, str]], published_years: Iterable[int]) -> Calendar:
    """A calendar from table rows (date, workday, name); rows of years not published are ignored."""
    years = frozenset(published_years)
    table = {d: (workday, name) for d, workday, name in rows if d.year in years}
    return Calendar(table=MappingProxyType(table), table_years=years)


def load_calendar() -> Calendar:
    """The calendar as the holiday table has it now: one query, the published years joined to their days
    (a published year without special days comes back once, with no date)."""
    from tuoyu.calendars.models import DayKind, HolidayYear

    rows = list(
        HolidayYear.objects.filter(published=True)
        .order_by()
        .values_list("year", "dates__date", "dates__kind", "dates__name")
    )
    return calendar_from_rows(
        ((d, kind == DayKind.WORKDAY, name) for _, d, kind, name in rows if d is not None),
        {year for year, *_ in rows},
    )


def _calendar(calendar: Calendar | None) -> Calendar:
    return calendar if calendar is not None else load_calendar()


def _as_date(d: dt.date) -> dt.date:
    if isinstance(d, dt.datetime):  # a datetime is a date too; count by its calendar day
        return d.date()
    if not isinstance(d, dt.date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return d


def is_workday(d: dt.date, *, calendar: Calendar | None = None) -> DayInfo:
    """Whether ``d`` is a working day, with the holiday's name and whether the answer is provisional."""
    return _calendar(calendar).day(_as_date(d))


def add_workdays(start: dt.date, n: int, *, calendar: Calendar | None = None) -> Deadline:
    """The ``n``-th working day after ``start`` (``start`` itself never counts; ``n=0`` gives ``start``).

    A filing received on a Friday before the National Day week with a 5-working-day limit ends five
    working days after it, skipping the holiday and counting its 调休 Saturday.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError("n must be a non-negative integer")
    cal = _calendar(calendar)
    d = _as_date(start)
    unknown: set[int] = set()
    remaining = n
    while remaining:
        d += dt.timedelta(days=1)
        info = cal.day(d)
        if info.provisional:
            unknown.add(d.year)
        if info.workday:
            remaining -= 1
    years = tuple(sorted(unknown))
    return Deadline(date=d, provisional=bool(years), unknown_years=years)


def last_overdue_start(today: dt.date, n: int, *, calendar: Calendar | None = None) -> dt.date:
    """The latest start day whose ``n``-working-day period ended before ``today``: a period that started on
    it or earlier is past its deadline today, one that started later is not.

    ``add_workdays`` never moves back as the start moves later (the working days after a later start are
    a subset of those after an earlier one), so one cut-off answers "overdue?" for a whole queue: count the
    starts up to it in the database instead of clocking each item. It walks back from ``today`` only as far
    as the period is long (a dozen days across the Spring Festival).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError("n must be a non-negative integer")
    cal = _calendar(calendar)
    today = _as_date(today)
    d = today - dt.timedelta(days=1)
    while add_workdays(d, n, calendar=cal).date >= today:
        d -= dt.timedelta(days=1)
    return d


def workdays_between(start: dt.date, end: dt.date, *, calendar: Calendar | None = None) -> Count:
    """Working days elapsed after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    cal = _calendar(calendar)
    d, end = _as_date(start), _as_date(end)
    n = 0
    unknown: set[int] = set()
    while d < end:
        d += dt.timedelta(days=1)
        info = cal.day(d)
        if info.provisional:
            unknown.add(d.year)
        if info.workday:
            n += 1
    years = tuple(sorted(unknown))
    return Count(n=n, provisional=bool(years), unknown_years=years)


def unknown_years(start: dt.date, end: dt.date, *, calendar: Calendar | None = None) -> list[int]:
    """The years from ``start`` to ``end`` (both included) whose schedule is neither built in nor published."""
    cal = _calendar(calendar)
    first, last = _as_date(start).year, _as_date(end).year
    return [y for y in range(first, last + 1) if not cal.known(y)]
