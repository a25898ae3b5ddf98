"""Working days (工作日): official holidays and 调休 from chinese-calendar, the admin's table for later years,
and a provisional weekends-only count — never an error — for a year nobody has entered yet."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuoyu.calendars import services, workdays
from tuoyu.calendars.models import HolidayYear
from tuoyu.calendars.workdays import Calendar, Count, Deadline, calendar_from_rows

D = dt.date
BUILTIN = Calendar()  # chinese-calendar only: no table years
# An illustrative 2027 schedule (not the State Council's; it had not been published when this was written).
TABLE_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    *[(D(2027, 2, day), False, "春节") for day in range(6, 13)],
    (D(2027, 2, 20), True, "春节"),
]


def with_2027(published: bool = True) -> Calendar:
    return calendar_from_rows(TABLE_2027, [2027] if published else [])


# --- the built-in years -----------------------------------------------------------------------------


def test_chinese_calendar_years_are_known_up_to_2026_and_2027_is_not():
    assert {2004, 2025, 2026} <= workdays.BUILTIN_YEARS
    assert 2027 not in workdays.BUILTIN_YEARS
    assert BUILTIN.source(2026) == "builtin" and BUILTIN.source(2027) == "unknown"


def test_national_day_2025_is_a_holiday_and_its_adjusted_sunday_is_a_workday():
    assert workdays.is_workday(D(2025, 10, 1), calendar=BUILTIN) == workdays.DayInfo(False, "国庆节", False)
    assert workdays.is_workday(D(2025, 10, 6), calendar=BUILTIN).name == "中秋"
    assert not workdays.is_workday(D(2025, 10, 8), calendar=BUILTIN).workday
    # 2025-09-28 was a Sunday worked in exchange (调休上班), and so was Saturday 2025-10-11.
    assert workdays.is_workday(D(2025, 9, 28), calendar=BUILTIN) == workdays.DayInfo(True, "国庆节", False)
    assert workdays.is_workday(D(2025, 10, 11), calendar=BUILTIN).workday
    assert not workdays.is_workday(D(2025, 9, 27), calendar=BUILTIN).workday  # an ordinary Saturday


def test_five_working_days_from_the_friday_before_national_day_2025_skip_the_holiday_week():
    # Fri 26 Sep → Sun 28 (调休), Mon 29, Tue 30, [1–8 Oct off], Thu 9, Fri 10.
    assert workdays.add_workdays(D(2025, 9, 26), 5, calendar=BUILTIN) == Deadline(D(2025, 10, 10), False)
    assert workdays.add_workdays(D(2025, 9, 26), 1, calendar=BUILTIN).date == D(2025, 9, 28)
    assert workdays.add_workdays(D(2025, 9, 30), 1, calendar=BUILTIN).date == D(2025, 10, 9)
    assert workdays.workdays_between(D(2025, 9, 30), D(2025, 10, 8), calendar=BUILTIN) == Count(0, False)


def test_spring_festival_2026_and_its_two_adjusted_saturdays():
    for day in range(15, 24):
        info = workdays.is_workday(D(2026, 2, day), calendar=BUILTIN)
        assert not info.workday and info.name == "春节"
    assert workdays.is_workday(D(2026, 2, 14), calendar=BUILTIN).workday  # Saturday, 调休上班
    assert workdays.is_workday(D(2026, 2, 28), calendar=BUILTIN).workday
    # Filed on Fri 13 Feb: Sat 14 (调休) is day 1, then nothing until Tue 24 Feb.
    assert workdays.add_workdays(D(2026, 2, 13), 2, calendar=BUILTIN) == Deadline(D(2026, 2, 24), False)
    # 15 working days (FIL-05) from Fri 13 Feb 2026: Sat 14; Tue 24 – Fri 27 (5); Sat 28 (6); 2–6 Mar (11);
    # 9–12 Mar (15).
    deadline = workdays.add_workdays(D(2026, 2, 13), 15, calendar=BUILTIN)
    assert deadline == Deadline(D(2026, 3, 12), False)
    assert workdays.workdays_between(D(2026, 2, 13), deadline.date, calendar=BUILTIN) == Count(15, False)


def test_the_start_day_never_counts_and_zero_days_is_the_start_itself():
    assert workdays.add_workdays(D(2025, 9, 29), 1, calendar=BUILTIN).date == D(2025, 9, 30)
    assert workdays.add_workdays(D(2025, 10, 1), 0, calendar=BUILTIN) == Deadline(D(2025, 10, 1), False)
    assert workdays.workdays_between(D(2025, 9, 29), D(2025, 9, 29), calendar=BUILTIN).n == 0
    assert workdays.workdays_between(D(2025, 9, 30), D(2025, 9, 29), calendar=BUILTIN).n == 0


@pytest.mark.parametrize("n", [-1, 1.5, "5", True])
def test_a_negative_or_non_integer_count_is_refused(n):
    with pytest.raises(ValueError):
        workdays.add_workdays(D(2026, 1, 5), n, calendar=BUILTIN)


# --- an unknown year: provisional, never an error -----------------------------------------------------


def test_dates_in_2027_never_raise_and_count_weekends_only_as_provisional():
    import chinese_calendar

    with pytest.raises(NotImplementedError):  # the library alone would crash here
        chinese_calendar.is_workday(D(2027, 1, 1))
    assert workdays.is_workday(D(2027, 1, 1), calendar=BUILTIN) == workdays.DayInfo(True, "", True)
    assert workdays.is_workday(D(2027, 1, 2), calendar=BUILTIN) == workdays.DayInfo(False, "", True)
    assert workdays.is_workday(D(2035, 6, 6), calendar=BUILTIN).provisional
    assert workdays.is_workday(D(2003, 1, 1), calendar=BUILTIN).provisional  # before the library's first year


def test_a_span_into_2027_without_a_table_is_a_provisional_weekends_only_count():
    # Dec 28–31 2026 (4) + Fri 1 Jan 2027 counted as a workday + 4–8 Jan (5).
    assert workdays.workdays_between(D(2026, 12, 25), D(2027, 1, 8), calendar=BUILTIN) == Count(
        10, True, (2027,)
    )
    assert workdays.add_workdays(D(2026, 12, 25), 5, calendar=BUILTIN) == Deadline(
        D(2027, 1, 1), True, (2027,)
    )
    # A span that ends before the new year is exact, even when the new year is unknown.
    assert workdays.add_workdays(D(2026, 12, 25), 4, calendar=BUILTIN) == Deadline(D(2026, 12, 31), False)
    assert workdays.unknown_years(D(2026, 12, 25), D(2028, 1, 8), calendar=BUILTIN) == [2027, 2028]


def test_once_2027_is_published_the_same_span_is_exact():
    cal = with_2027()
    assert workdays.workdays_between(D(2026, 12, 25), D(2027, 1, 8), calendar=cal) == Count(9, False)
    assert workdays.add_workdays(D(2026, 12, 25), 5, calendar=cal) == Deadline(D(2027, 1, 4), False)
    assert workdays.is_workday(D(2027, 2, 8), calendar=cal) == workdays.DayInfo(False, "春节", False)
    assert workdays.is_workday(D(2027, 2, 20), calendar=cal) == workdays.DayInfo(True, "春节", False)
    assert workdays.unknown_years(D(2026, 12, 25), D(2027, 12, 31), calendar=cal) == []


def test_a_draft_year_does_not_count_until_it_is_published():
    draft = with_2027(published=False)
    assert workdays.workdays_between(D(2026, 12, 25), D(2027, 1, 8), calendar=draft) == Count(
        10, True, (2027,)
    )


def test_a_published_table_year_replaces_the_builtin_year_as_a_whole():
    corrected = calendar_from_rows([(D(2026, 10, 9), False, "国庆节")], [2026])
    assert not workdays.is_workday(D(2026, 10, 9), calendar=corrected).workday
    # chinese-calendar's 2026 dates no longer apply: 1 Oct 2026 (a Thursday) is an ordinary workday now.
    assert workdays.is_workday(D(2026, 10, 1), calendar=corrected) == workdays.DayInfo(True, "", False)


# --- invariants ---------------------------------------------------------------------------------------

DATES = st.dates(min_value=D(2019, 1, 1), max_value=D(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=DATES, n=st.integers(min_value=1, max_value=40), published=st.booleans())
def test_the_deadline_is_a_workday_and_counting_back_gives_n(start, n, published):
    cal = with_2027(published)
    deadline = workdays.add_workdays(start, n, calendar=cal)
    assert deadline.date > start
    assert workdays.is_workday(deadline.date, calendar=cal).workday
    count = workdays.workdays_between(start, deadline.date, calendar=cal)
    assert count.n == n
    assert count.provisional == deadline.provisional
    # The day before the deadline is still inside the period: one working day fewer.
    assert workdays.workdays_between(start, deadline.date - dt.timedelta(days=1), calendar=cal).n == n - 1


@settings(max_examples=200, deadline=None)
@given(start=DATES, days=st.integers(min_value=0, max_value=400))
def test_provisional_exactly_when_the_span_touches_an_unknown_year(start, days):
    end = start + dt.timedelta(days=days)
    count = workdays.workdays_between(start, end, calendar=BUILTIN)
    touched = set(range((start + dt.timedelta(days=1)).year, end.year + 1)) if days else set()
    assert count.provisional == bool(touched - workdays.BUILTIN_YEARS)
    assert 0 <= count.n <= days


# --- the table in the database ------------------------------------------------------------------------

SCHEDULE_2027 = "\n".join(
    f"{d.isoformat()},{'workday' if w else 'holiday'},{name}" for d, w, name in TABLE_2027
)


@pytest.mark.django_db
def test_after_the_admin_publishes_2027_the_loaded_calendar_counts_exactly(cast, django_assert_num_queries):
    span = (D(2026, 12, 25), D(2027, 1, 8))
    assert workdays.workdays_between(*span) == Count(10, True, (2027,))
    services.holiday_import(by=cast.sam, year=2027, text=SCHEDULE_2027)
    assert workdays.workdays_between(*span).provisional  # imported, still a draft
    services.holiday_year_publish(by=cast.sam, year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    with django_assert_num_queries(1):  # the table, loaded once (years joined to days) for the whole count
        assert workdays.workdays_between(D(2026, 1, 1), D(2027, 12, 31)).n > 400
    assert workdays.workdays_between(*span) == Count(9, False)
    assert workdays.add_workdays(D(2027, 2, 5), 1) == Deadline(D(2027, 2, 15), False)
    assert HolidayYear.objects.get(year=2027).published


@settings(max_examples=200, deadline=None)
@given(
    today=st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2028, 12, 31)),
    n=st.integers(min_value=0, max_value=15),
)
def test_the_last_overdue_start_splits_starts_into_overdue_and_not(today: dt.date, n: int) -> None:
    """A period started on the cut-off day is past its deadline today, one started the day after is not:
    one date answers "overdue?" for a whole queue, as clocking each start would."""
    cal = Calendar()
    cutoff = workdays.last_overdue_start(today, n, calendar=cal)
    assert workdays.add_workdays(cutoff, n, calendar=cal).date < today
    assert workdays.add_workdays(cutoff + dt.timedelta(days=1), n, calendar=cal).date >= today


def test_the_last_overdue_start_across_the_national_day_week() -> None:
    # Received Monday 2026-09-28, the five working days run past the holiday to the 调休 Saturday 10 October;
    # received the day after, to Monday 12 October.
    cal = Calendar()
    assert workdays.add_workdays(dt.date(2026, 9, 28), 5, calendar=cal).date == dt.date(2026, 10, 10)
    assert workdays.add_workdays(dt.date(2026, 9, 29), 5, calendar=cal).date == dt.date(2026, 10, 12)
    assert workdays.last_overdue_start(dt.date(2026, 10, 11), 5, calendar=cal) == dt.date(2026, 9, 28)
    assert workdays.last_overdue_start(dt.date(2026, 10, 10), 5, calendar=cal) < dt.date(2026, 9, 28)
    with pytest.raises(ValueError):
        workdays.last_overdue_start(dt.date(2026, 10, 13), -1, calendar=cal)
