"""The permission-matrix rows of the holiday table (节假日安排): regulators read, the system admin changes
(tuoyu/calendars/urls.py, api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tuoyu.testing.matrix import (
    ROLES,
    Check,
    Env,
    no_foreign,
    problem,
    status_of,
    to_login,
)

# Regulators read the holiday table (their deadlines are counted with it); only the system admin changes it.
CALENDAR_READERS = {"zhou", "alice", "bob", "carol", "ivan", "clerk", "sam"}


@dataclass
class CalendarRead(Check):
    """A holiday-table page: the system admin and regulators read it; everyone else 404."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get(self.path)
        if role == "anonymous":
            to_login(response, role, self.path)
        elif role in CALENDAR_READERS:
            status_of(response, role, self.path, 200)
            no_foreign(response, role, self.path, env)
        else:
            status_of(response, role, self.path, 404)


class CalendarWrite(Check):
    """A change to the holiday table (POST only): the system admin; regulators and everyone else 404, and
    the table stays as it was. Each role works on a year of its own."""

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(self, env: Env, role: str) -> None:
        import datetime as dt

        from tuoyu.calendars.models import HolidayDate, HolidayYear
        from tuoyu.calendars.services import holiday_date_add

        year = 2030 + ROLES.index(role)
        day = holiday_date_add(by=env.cast.sam, date=dt.date(year, 1, 1), kind="holiday", name="元旦")
        path, data, changed = {
            "add": (
                f"/calendar/{year}/dates/",
                {"date": f"{year}-10-01", "kind": "holiday", "name": "国庆节"},
                lambda: HolidayDate.objects.filter(date=dt.date(year, 10, 1)).exists(),
            ),
            "remove": (
                f"/calendar/{year}/dates/{day.pk}/remove/",
                {},
                lambda: not HolidayDate.objects.filter(pk=day.pk).exists(),
            ),
            "import": (
                f"/calendar/{year}/import/",
                {"text": f"{year}-05-01,holiday,劳动节"},
                lambda: HolidayDate.objects.filter(date=dt.date(year, 5, 1)).exists(),
            ),
            "publish": (
                f"/calendar/{year}/publish/",
                {"source": f"国务院办公厅关于{year}年部分节假日安排的通知"},
                lambda: HolidayYear.objects.get(year=year).published,
            ),
        }[self.action]
        c = env.client(role)
        response = c.post(path, data)
        if role == "anonymous":
            to_login(response, role, path)
        elif role == "sam":
            status_of(response, role, f"POST {path}", 302)
            assert changed(), f"sam: POST {path} changed nothing"
        else:
            status_of(c.get(path), role, f"GET {path}", 405)
            status_of(response, role, f"POST {path}", 404)
        if role != "sam":
            assert not changed(), f"{role} changed the holiday table via POST {path}"


class ApiWorkdays(Check):
    """GET /api/v1/calendar/workdays: a calculator over the published schedule, for anyone signed in."""

    def __call__(self, env: Env, role: str) -> None:
        path = "/api/v1/calendar/workdays?start=2025-09-26&n=5"
        response = env.client(role).get(path)
        if role == "anonymous":
            problem(response, role, path, 401)
        else:
            status_of(response, role, path, 200)
            assert response.json()["deadline"] == "2025-10-10"


class ApiCalendarYears(Check):
    """GET /api/v1/calendar/years: the system admin and regulators; everyone else 404; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        path = "/api/v1/calendar/years"
        response = env.client(role).get(path)
        if role == "anonymous":
            problem(response, role, path, 401)
        elif role in CALENDAR_READERS:
            status_of(response, role, path, 200)
            assert 2026 in {y["year"] for y in response.json()["items"]}
        else:
            problem(response, role, path, 404)


ROWS: dict[str, Check] = {
    # the holiday table (节假日安排): regulators read, the system admin changes
    "calendar/": CalendarRead("/calendar/"),
    "calendar/<int:year>/": CalendarRead("/calendar/2027/"),
    "calendar/<int:year>/dates/": CalendarWrite("add"),
    "calendar/<int:year>/dates/<int:date_id>/remove/": CalendarWrite("remove"),
    "calendar/<int:year>/import/": CalendarWrite("import"),
    "calendar/<int:year>/publish/": CalendarWrite("publish"),
    "GET /api/v1/calendar/workdays": ApiWorkdays(),
    "GET /api/v1/calendar/years": ApiCalendarYears(),
}
