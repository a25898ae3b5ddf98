"""The system admin keeps the holiday table; every change is audited; bad input changes nothing."""

import datetime as dt

import pytest
from django.http import Http404

from tuoyu.audit.models import Event
from tuoyu.calendars import selectors, services
from tuoyu.calendars.models import HolidayDate, HolidayYear
from tuoyu.core import scoping
from tuoyu.core.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知 国办发明电〔2026〕X号"
GOOD = """# 2027年（示例）
2027-01-01,holiday,元旦
2027-02-06,放假,春节
2027-02-07，holiday，春节
2027-02-20,workday,春节
"""


def table() -> list[tuple[str, str, str]]:
    return [(d.date.isoformat(), d.kind, d.name) for d in HolidayDate.objects.order_by("date")]


# --- rules -------------------------------------------------------------------------------------------


def test_the_system_admin_changes_the_table_and_regulators_only_read_it(cast):
    services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    for name in ("sam", "zhou", "alice", "bob", "carol", "ivan", "clerk"):
        user = getattr(cast, name)
        assert scoping.scoped(user, "view", HolidayDate).count() == 1, name
        assert scoping.scoped(user, "view", HolidayYear).count() == 1, name
    assert scoping.scoped(cast.sam, "change", HolidayYear).count() == 1
    for name in ("zhou", "alice", "carol", "clerk", "audrey", "ann", "stacy", "pat"):
        assert not scoping.scoped(getattr(cast, name), "change", HolidayDate).exists(), name
    for name in ("audrey", "ann", "ben", "stacy", "pat"):
        assert not scoping.scoped(getattr(cast, name), "view", HolidayYear).exists(), name
    for action in ("reveal", "export"):
        assert not scoping.scoped(cast.sam, action, HolidayDate).exists()


@pytest.mark.parametrize("name", ["zhou", "alice", "audrey", "ann", "pat"])
def test_nobody_but_the_system_admin_may_change_the_table(cast, name):
    user = getattr(cast, name)
    day = services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    with pytest.raises(PermissionDenied):
        services.holiday_date_add(by=user, date=dt.date(2027, 1, 2), kind="holiday", name="元旦")
    with pytest.raises(PermissionDenied):
        services.holiday_import(by=user, year=2027, text=GOOD, replace=True)
    with pytest.raises(PermissionDenied):
        services.holiday_year_publish(by=user, year=2027, source=SOURCE)
    with pytest.raises(PermissionDenied):
        services.holiday_date_remove(by=user, date_id=day.pk)
    assert table() == [("2027-01-01", "holiday", "元旦")]
    assert not HolidayYear.objects.get(year=2027).published


def test_others_cannot_open_the_year_overview(cast):
    with pytest.raises(Http404):
        selectors.year_rows(viewer=cast.ann)
    assert selectors.year_rows(viewer=cast.alice)


# --- adding, removing, importing, publishing --------------------------------------------------------


def test_adding_a_date_creates_its_year_as_a_draft_and_is_audited(cast):
    day = services.holiday_date_add(by=cast.sam, date=dt.date(2027, 2, 20), kind="workday", name="春节")
    assert day.holiday_year.year == 2027 and not day.holiday_year.published
    event = Event.objects.get(action="holiday_date.add")
    assert event.actor == cast.sam and event.after == {
        "date": "2027-02-20",
        "kind": "workday",
        "name": "春节",
    }


@pytest.mark.parametrize(
    ("date", "kind", "name", "code"),
    [
        (dt.date(2027, 1, 4), "workday", "元旦", "workday_on_weekday"),  # a Monday cannot be 调休上班
        (dt.date(2027, 1, 1), "rest", "元旦", "kind_invalid"),
        (dt.date(2027, 1, 1), "holiday", "  ", "name_required"),
        (dt.date(2027, 1, 1), "holiday", "元" * 51, "name_invalid"),
        (dt.date(2027, 1, 1), "holiday", "元\x00旦", "name_invalid"),
        (dt.date(1999, 1, 1), "holiday", "元旦", "year_out_of_range"),
    ],
)
def test_a_bad_date_is_refused_with_a_chinese_message_and_nothing_is_saved(cast, date, kind, name, code):
    with pytest.raises(DomainError) as exc:
        services.holiday_date_add(by=cast.sam, date=date, kind=kind, name=name)
    assert exc.value.code == code and exc.value.message
    assert not HolidayYear.objects.exists() and not HolidayDate.objects.exists()


def test_a_duplicate_date_is_refused(cast):
    services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    with pytest.raises(DomainError) as exc:
        services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="新年")
    assert exc.value.code == "date_exists" and "已录入" in exc.value.message
    assert table() == [("2027-01-01", "holiday", "元旦")]


def test_removing_a_date_is_audited_with_what_it_was(cast):
    day = services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    services.holiday_date_remove(by=cast.sam, date_id=day.pk)
    assert not HolidayDate.objects.exists()
    event = Event.objects.get(action="holiday_date.remove")
    assert event.before == {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    with pytest.raises(Http404):
        services.holiday_date_remove(by=cast.sam, date_id=day.pk)


def test_an_import_accepts_comments_chinese_kinds_and_full_width_commas(cast):
    result = services.holiday_import(by=cast.sam, year=2027, text=GOOD)
    assert (result.created, result.replaced) == (4, 0)
    assert table() == [
        ("2027-01-01", "holiday", "元旦"),
        ("2027-02-06", "holiday", "春节"),
        ("2027-02-07", "holiday", "春节"),
        ("2027-02-20", "workday", "春节"),
    ]
    event = Event.objects.get(action="holiday_year.import")
    assert event.detail["created"] == 4 and len(event.after["dates"]) == 4


def test_an_import_with_bad_lines_saves_nothing_and_reports_each_line(cast):
    text = "\n".join(
        [
            "2027-01-01,holiday,元旦",  # 1: fine
            "2027-13-01,holiday,元旦",  # 2: no such date
            "2026-10-01,holiday,国庆节",  # 3: another year
            "2027-01-04,workday,元旦",  # 4: a Monday as 调休上班
            "2027-01-01,holiday,元旦",  # 5: repeats line 1
            "2027-01-02,holiday",  # 6: two fields
            "2027-01-03,rest,元旦",  # 7: unknown kind
            "2027-01-09,holiday,",  # 8: no name
        ]
    )
    with pytest.raises(services.ImportRefused) as exc:
        services.holiday_import(by=cast.sam, year=2027, text=text)
    report = {e.line: e.message for e in exc.value.errors}
    assert sorted(report) == [2, 3, 4, 5, 6, 7, 8]
    assert "无法识别" in report[2]
    assert "不在2027年" in report[3]
    assert "周六或周日" in report[4]
    assert "第1行重复" in report[5]
    assert "三项" in report[6]
    assert "holiday" in report[7]
    assert "节日名称" in report[8]
    assert "7行" in exc.value.message
    assert not HolidayYear.objects.exists() and not HolidayDate.objects.exists()
    assert not Event.objects.filter(action__startswith="holiday").exists()


def test_an_import_that_repeats_entered_dates_is_refused_unless_replacing(cast):
    services.holiday_import(by=cast.sam, year=2027, text="2027-01-01,holiday,元旦\n2027-02-06,holiday,春节")
    with pytest.raises(services.ImportRefused) as exc:
        services.holiday_import(
            by=cast.sam, year=2027, text="2027-02-08,holiday,春节\n2027-01-01,holiday,元旦"
        )
    assert [(e.line, e.text) for e in exc.value.errors] == [(2, "2027-01-01,holiday,元旦")]
    assert len(table()) == 2
    result = services.holiday_import(by=cast.sam, year=2027, text="2027-01-01,holiday,元旦节", replace=True)
    assert (result.created, result.replaced) == (1, 2)
    assert table() == [("2027-01-01", "holiday", "元旦节")]


@pytest.mark.parametrize("text", ["", "\n# only a comment\n", "x\n" * 201])
def test_an_empty_or_oversized_import_is_refused(cast, text):
    with pytest.raises(services.ImportRefused):
        services.holiday_import(by=cast.sam, year=2027, text=text)
    assert not HolidayYear.objects.exists()


def test_publishing_needs_dates_and_a_source_and_happens_once(cast):
    with pytest.raises(DomainError) as exc:
        services.holiday_year_publish(by=cast.sam, year=2027, source=SOURCE)
    assert exc.value.code == "year_empty"
    services.holiday_import(by=cast.sam, year=2027, text=GOOD)
    with pytest.raises(DomainError) as exc:
        services.holiday_year_publish(by=cast.sam, year=2027, source="   ")
    assert exc.value.code == "source_required"
    year = services.holiday_year_publish(by=cast.sam, year=2027, source=SOURCE)
    assert year.published and year.published_by == cast.sam and year.source == SOURCE
    assert Event.objects.get(action="holiday_year.publish").after["dates"] == 4
    with pytest.raises(DomainError) as exc:
        services.holiday_year_publish(by=cast.sam, year=2027, source=SOURCE)
    assert exc.value.code == "year_published"


# --- the operators' reminder ------------------------------------------------------------------------


def test_from_november_tick_reminds_operators_while_next_year_is_unknown(cast):
    assert selectors.next_year_reminder(today=dt.date(2026, 10, 31)) is None
    line = selectors.next_year_reminder(today=dt.date(2026, 11, 1))
    assert line is not None and "2027年节假日安排尚未录入" in line and "/calendar/2027/" in line
    assert selectors.next_year_reminder(today=dt.date(2025, 12, 1)) is None  # 2026 is built in
    services.holiday_import(by=cast.sam, year=2027, text=GOOD)
    assert selectors.next_year_reminder(today=dt.date(2026, 12, 1)) is not None  # a draft is not enough
    services.holiday_year_publish(by=cast.sam, year=2027, source=SOURCE)
    assert selectors.next_year_reminder(today=dt.date(2026, 12, 1)) is None


def test_the_tick_command_prints_the_reminder_exactly_when_it_is_due(cast):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("tick", stdout=out)
    expected = selectors.next_year_reminder()
    assert ("节假日安排尚未录入" in out.getvalue()) == (expected is not None)
    today = dt.date.today()
    services.holiday_date_add(by=cast.sam, date=dt.date(today.year + 1, 1, 1), kind="holiday", name="元旦")
    services.holiday_year_publish(by=cast.sam, year=today.year + 1, source=SOURCE)
    out = StringIO()
    call_command("tick", stdout=out)
    assert "节假日安排尚未录入" not in out.getvalue()


def test_the_loaded_calendar_has_the_published_years_only_and_one_without_days(db, django_assert_num_queries):
    """load_calendar reads the table in one query: a published year's special days, a published year with
    none (its days follow the weekday rule, not the built-in schedule), never an unpublished year's."""
    from django.utils import timezone

    from tuoyu.calendars.workdays import load_calendar

    now = timezone.now()
    y27 = HolidayYear.objects.create(year=2027, published=True, published_at=now)
    HolidayDate.objects.create(holiday_year=y27, date=dt.date(2027, 2, 6), kind="holiday", name="春节")
    HolidayDate.objects.create(holiday_year=y27, date=dt.date(2027, 2, 20), kind="workday", name="春节")
    HolidayYear.objects.create(year=2028, published=True, published_at=now)
    y29 = HolidayYear.objects.create(year=2029, published=False)
    HolidayDate.objects.create(holiday_year=y29, date=dt.date(2029, 1, 1), kind="holiday", name="元旦")
    with django_assert_num_queries(1):
        calendar = load_calendar()
    assert calendar.table_years == {2027, 2028}
    assert dict(calendar.table) == {
        dt.date(2027, 2, 6): (False, "春节"),
        dt.date(2027, 2, 20): (True, "春节"),
    }
    assert calendar.source(2028) == "table" and calendar.source(2029) != "table"
