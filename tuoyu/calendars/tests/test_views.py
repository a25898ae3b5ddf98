"""The holiday-table pages: the system admin adds, imports and publishes; regulators read; others get 404."""

import datetime as dt

import pytest

from tuoyu.audit.models import Event
from tuoyu.calendars import services, workdays
from tuoyu.calendars.models import HolidayDate, HolidayYear

pytestmark = pytest.mark.django_db

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知 国办发明电〔2026〕X号"
SCHEDULE = "2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-20,workday,春节"


def text(response) -> str:
    return response.content.decode()


def test_system_admin_sees_builtin_years_read_only_and_a_banner_for_an_unknown_next_year(cast, login):
    c = login(cast.sam)
    page = text(c.get("/calendar/"))
    assert 'data-testid="year-2026"' in page and 'data-testid="year-2004"' in page
    assert "内置" in page and 'data-nav="calendar"' in page
    next_year = dt.date.today().year + 1
    if next_year not in workdays.BUILTIN_YEARS:
        assert f"{next_year}年节假日安排尚未录入，期限按仅扣除周末临时计算" in page
        services.holiday_date_add(by=cast.sam, date=dt.date(next_year, 1, 1), kind="holiday", name="元旦")
        services.holiday_year_publish(by=cast.sam, year=next_year, source=SOURCE)
        assert "尚未录入" not in text(c.get("/calendar/"))


def test_a_builtin_year_page_lists_its_dates_and_offers_no_removal(cast, login):
    page = text(login(cast.sam).get("/calendar/2025/"))
    assert "内置安排（只读）" in page
    assert "2025-09-28" in page and "2025-10-06" in page and "中秋" in page
    assert "/remove/" not in page


def test_system_admin_adds_a_date_and_it_is_audited(cast, login):
    response = login(cast.sam).post(
        "/calendar/2027/dates/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302 and response["Location"] == "/calendar/2027/"
    assert HolidayDate.objects.get().name == "元旦"
    assert Event.objects.filter(action="holiday_date.add", actor=cast.sam).exists()
    page = text(login(cast.sam).get("/calendar/2027/"))
    assert "2027-01-01" in page and "草稿" in page and "发布本年安排" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2027-01-04", "kind": "workday", "name": "元旦"}, "调休上班日须为周六或周日"),
        ({"date": "2028-01-01", "kind": "holiday", "name": "元旦"}, "日期须在2027年内"),
        ({"date": "2027-02-30", "kind": "holiday", "name": "春节"}, "日期"),
        ({"date": "2027-01-01", "kind": "rest", "name": "元旦"}, "选择"),
        ({"date": "2027-01-01", "kind": "holiday", "name": ""}, "必填"),
    ],
)
def test_a_bad_date_is_shown_next_to_the_form_and_saves_nothing(cast, login, data, message):
    response = login(cast.sam).post("/calendar/2027/dates/", data)
    assert response.status_code == 200
    assert message in text(response)
    assert not HolidayDate.objects.exists()


def test_a_duplicate_date_is_refused_on_the_page(cast, login):
    services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    response = login(cast.sam).post(
        "/calendar/2027/dates/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 200 and "2027-01-01已录入" in text(response)
    assert HolidayDate.objects.count() == 1


def test_system_admin_imports_a_schedule_and_publishes_it(cast, login):
    c = login(cast.sam)
    response = c.post("/calendar/2027/import/", {"text": SCHEDULE})
    assert response.status_code == 302
    assert HolidayDate.objects.count() == 3
    response = c.post("/calendar/2027/publish/", {"source": SOURCE})
    assert response.status_code == 302
    year = HolidayYear.objects.get(year=2027)
    assert year.published and year.source == SOURCE
    page = text(c.get("/calendar/2027/"))
    assert "已发布" in page and SOURCE in page and "发布本年安排" not in page
    assert workdays.add_workdays(dt.date(2026, 12, 31), 1) == workdays.Deadline(dt.date(2027, 1, 4), False)


def test_a_bad_import_shows_a_line_by_line_report_and_saves_nothing(cast, login):
    bad = "2027-01-01,holiday,元旦\n2027-01-04,workday,元旦\nnonsense"
    response = login(cast.sam).post("/calendar/2027/import/", {"text": bad})
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="import-report"' in page
    assert "有2行未通过校验，未导入任何日期" in page
    assert "<td>2</td>" in page and "<td>3</td>" in page and "调休上班日须为周六或周日" in page
    assert "nonsense" in page  # the pasted text is kept for correction
    assert not HolidayYear.objects.exists()


def test_publishing_without_a_source_is_refused_on_the_page(cast, login):
    services.holiday_import(by=cast.sam, year=2027, text=SCHEDULE)
    response = login(cast.sam).post("/calendar/2027/publish/", {"source": ""})
    assert response.status_code == 200 and "必填" in text(response)
    assert not HolidayYear.objects.get(year=2027).published


def test_system_admin_removes_a_date(cast, login):
    day = services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    response = login(cast.sam).post(f"/calendar/2027/dates/{day.pk}/remove/")
    assert response.status_code == 302
    assert not HolidayDate.objects.exists()


@pytest.mark.parametrize("name", ["zhou", "alice", "carol", "ivan", "clerk"])
def test_regulators_read_the_table_but_see_no_forms_and_cannot_change_it(cast, login, name):
    day = services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    c = login(getattr(cast, name))
    assert c.get("/calendar/").status_code == 200
    page = text(c.get("/calendar/2027/"))
    assert "2027-01-01" in page and "元旦" in page
    assert "/calendar/2027/import/" not in page and "/calendar/2027/dates/" not in page
    assert "/calendar/2027/publish/" not in page and "<textarea" not in page
    assert (
        c.post("/calendar/2027/dates/", {"date": "2027-01-02", "kind": "holiday", "name": "元旦"}).status_code
        == 404
    )
    assert c.post("/calendar/2027/import/", {"text": SCHEDULE, "replace": "on"}).status_code == 404
    assert c.post("/calendar/2027/publish/", {"source": SOURCE}).status_code == 404
    assert c.post(f"/calendar/2027/dates/{day.pk}/remove/").status_code == 404
    assert list(HolidayDate.objects.values_list("name", flat=True)) == ["元旦"]
    assert not HolidayYear.objects.get().published


@pytest.mark.parametrize("name", ["audrey", "ann", "ben", "stacy", "pat"])
def test_others_get_not_found_for_every_calendar_page(cast, login, name):
    c = login(getattr(cast, name))
    for path in ("/calendar/", "/calendar/2027/", "/calendar/2025/"):
        assert c.get(path).status_code == 404, path
    assert (
        c.post("/calendar/2027/dates/", {"date": "2027-01-02", "kind": "holiday", "name": "元旦"}).status_code
        == 404
    )
    assert not HolidayDate.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/calendar/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_year_out_of_range_is_not_found_and_opening_a_year_redirects(cast, login):
    c = login(cast.sam)
    assert c.get("/calendar/1999/").status_code == 404
    assert c.get("/calendar/2101/").status_code == 404
    assert c.get("/calendar/?year=2027")["Location"] == "/calendar/2027/"
    response = c.get("/calendar/?year=abc")
    assert response.status_code == 200 and "年份须在2000年至2100年之间" in text(response)


def test_the_overview_costs_the_same_few_queries_however_many_years_are_entered(
    cast, login, django_assert_max_num_queries
):
    c = login(cast.sam)
    c.get("/calendar/")  # warm the session
    for year in (2027, 2028, 2029):
        services.holiday_import(
            by=cast.sam, year=year, text=f"{year}-01-01,holiday,元旦\n{year}-10-01,holiday,国庆节"
        )
    with django_assert_max_num_queries(8):
        response = c.get("/calendar/")
    assert 'data-testid="year-2029"' in text(response)
