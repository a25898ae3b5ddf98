"""API: deadlines in working days for any signed-in caller; the year list for those who may read the table."""

import datetime as dt

import pytest

from tuoyu.accounts.services import api_token_create
from tuoyu.calendars import services
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE

pytestmark = pytest.mark.django_db

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"


def test_five_working_days_from_the_friday_before_national_day_2025(cast, login):
    response = login(cast.ann).get("/api/v1/calendar/workdays?start=2025-09-26&n=5")
    assert response.status_code == 200
    assert response.json() == {
        "start": "2025-09-26",
        "n": 5,
        "deadline": "2025-10-10",
        "provisional": False,
        "unknown_years": [],
    }


def test_a_deadline_in_an_unknown_year_is_provisional_until_the_year_is_published(cast, login):
    c = login(cast.alice)
    body = c.get("/api/v1/calendar/workdays?start=2026-12-25&n=5").json()
    assert (body["deadline"], body["provisional"], body["unknown_years"]) == ("2027-01-01", True, [2027])
    services.holiday_date_add(by=cast.sam, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    services.holiday_year_publish(by=cast.sam, year=2027, source=SOURCE)
    body = c.get("/api/v1/calendar/workdays?start=2026-12-25&n=5").json()
    assert (body["deadline"], body["provisional"], body["unknown_years"]) == ("2027-01-04", False, [])


def test_a_token_works_and_anonymous_callers_get_401(cast, client):
    _token, secret = api_token_create(user=cast.pat, name="p")
    response = client.get(
        "/api/v1/calendar/workdays?start=2026-01-05&n=0", headers={"authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200 and response.json()["deadline"] == "2026-01-05"
    response = client.get("/api/v1/calendar/workdays?start=2026-01-05&n=1")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM_CONTENT_TYPE


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2025-02-30&n=5", "start"),
        ("start=yesterday&n=5", "start"),
        ("start=&n=5", "start"),
        ("n=5", "start"),
        ("start=2025-09-26&n=367", "n"),
        ("start=2025-09-26&n=-1", "n"),
        ("start=2025-09-26&n=five", "n"),
        ("start=2025-09-26", "n"),
        ("start=9999-12-31&n=366", "start"),  # would overflow the date type: refused, not a 500
        ("start=0001-01-01&n=1", "start"),
        ("start=2025-09-26%00&n=5", "start"),
    ],
)
def test_bad_input_is_a_problem_with_the_field_named(cast, login, query, field):
    response = login(cast.alice).get(f"/api/v1/calendar/workdays?{query}")
    assert response.status_code in {400, 422}, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    if response.status_code == 422:
        assert field in {e["field"] for e in response.json()["errors"]}


def test_the_largest_allowed_period_from_the_last_allowed_year_is_answered(cast, login):
    response = login(cast.alice).get("/api/v1/calendar/workdays?start=2100-12-31&n=366")
    assert response.status_code == 200 and response.json()["provisional"] is True


def test_the_year_list_shows_builtin_table_and_unknown_years_to_calendar_readers(cast, login):
    services.holiday_date_add(by=cast.sam, date=dt.date(2028, 1, 1), kind="holiday", name="元旦")
    body = login(cast.alice).get("/api/v1/calendar/years?limit=100").json()
    years = {y["year"]: y for y in body["items"]}
    assert years[2025]["source"] == "builtin" and years[2025]["builtin"] and years[2025]["dates"] > 0
    assert years[2028] == {
        "year": 2028,
        "source": "unknown",
        "builtin": False,
        "table": True,
        "published": False,
        "basis": "",
        "dates": 1,
    }
    services.holiday_year_publish(by=cast.sam, year=2028, source=SOURCE)
    years = {y["year"]: y for y in login(cast.sam).get("/api/v1/calendar/years?limit=100").json()["items"]}
    assert years[2028]["source"] == "table" and years[2028]["basis"] == SOURCE


@pytest.mark.parametrize("name", ["audrey", "ann", "pat"])
def test_the_year_list_is_not_found_for_those_who_may_not_read_the_table(cast, login, name):
    response = login(getattr(cast, name)).get("/api/v1/calendar/years")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
