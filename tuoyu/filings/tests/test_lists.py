"""The declared filing lists (filings.lists on core.lists): the review queue and the non-compliance notices
take the same filters on the page and in the API, sort by their columns, and their query counts do not grow
with the list (the FIL-04 clock reads one calendar per page)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.services import api_token_create
from tuoyu.filings.models import Filing, FilingKind, FilingState, NonComplianceNotice
from tuoyu.institutions.models import FilingStatus, Institution
from tuoyu.testing.queries import counts_do_not_grow

pytestmark = pytest.mark.django_db
SEQ = itertools.count()


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _institution(cast: Any, name: str, *, county: str = "a") -> Institution:
    seq = next(SEQ)
    region = cast.inst_a.region if county == "a" else cast.inst_b.region
    return Institution.objects.create(
        name=name, uscc=f"91430202MA4N{seq:04d}X", region=region, filing_status=FilingStatus.FILED
    )


def _submitted(cast: Any, n: int, *, prefix: str = "待审机构") -> list[Filing]:
    now = timezone.now()
    made = []
    for i in range(n):
        inst = _institution(cast, f"{prefix}{i:02d}", county="a" if i % 2 else "b")
        made.append(
            Filing.objects.create(
                institution=inst,
                kind=FilingKind.CHANGE if i % 3 == 0 else FilingKind.INITIAL,
                state=FilingState.SUBMITTED,
                submitted_at=now - dt.timedelta(days=n - i),
                created_by=cast.ann,
                region_prefix=inst.region_prefix,
            )
        )
    return made


def _notices(cast: Any, n: int, *, prefix: str = "通知机构") -> list[NonComplianceNotice]:
    today = timezone.localdate()
    made = []
    for i in range(n):
        inst = _institution(cast, f"{prefix}{i:02d}", county="a" if i % 2 else "b")
        made.append(
            NonComplianceNotice.objects.create(
                institution=inst,
                found_on=today - dt.timedelta(days=3),
                items=["facts"],
                required_action="整改",
                rectify_by=today + dt.timedelta(days=30),
                issued_at=timezone.now() - dt.timedelta(hours=i),
                issued_by=cast.alice,
                workdays_to_issue=2,
                published_at=timezone.now() if i % 2 else None,
                closed_at=timezone.now() if i % 4 == 0 else None,
                region_prefix=inst.region_prefix,
            )
        )
    return made


def _linked(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf">({prefix}\d\d)</a>", html))


@pytest.mark.parametrize(
    "query", ["", "q=待审机构0", "within=430202", f"kind={FilingKind.CHANGE}", "sort=-institution"]
)
def test_the_review_queue_page_and_api_take_the_same_filters(cast: Any, login: Any, query: str) -> None:
    _submitted(cast, 9)
    c = login(cast.zhou)
    page = c.get(f"/filings/review/?{query}")
    assert page.status_code == 200
    api = c.get(f"/api/v1/filings/review-queue?{query}&limit=200").json()["items"]
    shown = _linked(page.content.decode(), "待审机构")
    assert shown == {f["institution"]["name"] for f in api} and shown
    if query.startswith("sort"):
        assert [f["institution"]["name"] for f in api] == sorted(shown, reverse=True)
    elif not query:
        assert [f["institution"]["name"] for f in api] == sorted(shown)  # oldest submission first


def test_a_bad_queue_filter_is_a_field_error(cast: Any, login: Any) -> None:
    _submitted(cast, 2)
    c = login(cast.zhou)
    for query, field in (("kind=other", "kind"), ("within=4", "within"), ("sort=clock", "sort")):
        page = c.get(f"/filings/review/?{query}")
        assert page.status_code == 400 and not _linked(page.content.decode(), "待审机构"), query
        api = c.get(f"/api/v1/filings/review-queue?{query}")
        assert api.status_code == 422 and [e["field"] for e in api.json()["errors"]] == [field], query


@pytest.mark.parametrize(
    "query", ["", "unpublished=true", "open=true", "open=false", "q=通知机构01", "within=430203"]
)
def test_the_notice_page_and_api_take_the_same_filters(cast: Any, login: Any, query: str) -> None:
    _notices(cast, 8)
    c = login(cast.zhou)
    page = c.get(f"/filings/notices/?{query}")
    assert page.status_code == 200
    api = c.get(f"/api/v1/notices?{query}&limit=200").json()["items"]
    shown = _linked(page.content.decode(), "通知机构")
    assert shown == {n["institution"]["name"] for n in api} and shown
    if query == "open=true":
        assert shown == {f"通知机构{i:02d}" for i in range(8) if i % 4}


def test_the_queue_and_notices_answer_404_to_an_export(cast: Any, login: Any) -> None:
    c = login(cast.zhou)
    assert c.get("/filings/review/?format=csv").status_code == 404
    assert c.get("/filings/notices/?format=xlsx").status_code == 404


# --- query counts: the same for 30 rows as for a few ---------------------------------------------------


def test_the_review_queue_queries_do_not_grow_with_the_list(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    _submitted(cast, 2)
    # session, user, OTP device, memberships, count, page (institution and region joined), the calendar (its
    # published years with their days, one query, once for the page), the unread badge
    counts_do_not_grow(
        login(cast.zhou),
        "/filings/review/",
        lambda: _submitted(cast, 30, prefix="再审"),
        django_assert_num_queries,
        8,
    )
    # token, memberships, count, page, the calendar
    counts_do_not_grow(
        bearer(cast.zhou),
        "/api/v1/filings/review-queue?limit=100",
        lambda: _submitted(cast, 30, prefix="三审"),
        django_assert_num_queries,
        5,
    )


def test_the_notice_list_queries_do_not_grow_with_the_list(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    _notices(cast, 2)
    # session, user, OTP device, memberships, count, page (institution, region, issuer joined), unread badge
    counts_do_not_grow(
        login(cast.zhou),
        "/filings/notices/",
        lambda: _notices(cast, 30, prefix="再通知"),
        django_assert_num_queries,
        7,
    )
    counts_do_not_grow(
        bearer(cast.zhou),
        "/api/v1/notices?limit=100",
        lambda: _notices(cast, 30, prefix="三通知"),
        django_assert_num_queries,
        4,
    )
