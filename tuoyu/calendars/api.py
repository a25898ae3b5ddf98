"""API: working-day deadlines (工作日) and the years whose holiday schedule is known."""

# No ``from __future__ import annotations``: django-ninja reads ``Query[...]`` at runtime.

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from tuoyu.calendars import selectors, workdays
from tuoyu.calendars.models import FIRST_YEAR, LAST_YEAR
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount

router = Router(tags=["calendar"])

MAX_WORKDAYS = 366


class WorkdaysQuery(Schema):
    start: dt.date = Field(..., description="起算日（不计入），YYYY-MM-DD")
    n: int = Field(..., ge=0, le=MAX_WORKDAYS, description="工作日数（0–366）")

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, value: dt.date) -> dt.date:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"start must be between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31")
        return value


class DeadlineOut(Schema):
    start: dt.date
    n: int
    deadline: dt.date = Field(..., description="第n个工作日（起算日之后）")
    provisional: bool = Field(..., description="期间含未录入节假日安排的年份：仅扣除周末，结果为临时")
    unknown_years: list[int]


class YearOut(Schema):
    year: int
    source: str = Field(..., description="table（本表已发布）/ builtin（内置）/ unknown（未录入，临时计算）")
    builtin: bool
    table: bool = Field(..., description="本表中有该年（可能为草稿）")
    published: bool
    basis: str = Field(..., description="依据：通知名称与文号")
    dates: int


@router.get(
    "/workdays",
    response=DeadlineOut,
    summary="按工作日计算期限 / the n-th working day after a date",
)
def workdays_deadline(request: HttpRequest, q: Query[WorkdaysQuery]) -> dict:
    deadline = workdays.add_workdays(q.start, q.n)
    return {
        "start": q.start,
        "n": q.n,
        "deadline": deadline.date,
        "provisional": deadline.provisional,
        "unknown_years": list(deadline.unknown_years),
    }


@router.get("/years", response=list[YearOut], summary="节假日安排年份 / years and their schedule source")
@paginate(LimitOffset)
def year_list(request: HttpRequest):  # noqa: ANN201
    return [
        {
            "year": r.year,
            "source": r.source,
            "builtin": r.builtin,
            "table": r.table is not None,
            "published": bool(r.table and r.table.published),
            "basis": r.table.source if r.table is not None else "",
            "dates": r.dates,
        }
        for r in selectors.year_rows(viewer=request.user)
    ]


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/calendar", router, order=30),
]
