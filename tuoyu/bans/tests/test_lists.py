"""The declared ban lists (bans.lists on core.lists): the ban list and its alerts take the same filters on the
page and in the API; the ban list's export masks the ID numbers and keeps a searched ID out of the audit
trail; query counts do not grow with the list."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from tuoyu.accounts.services import api_token_create
from tuoyu.audit.models import Event
from tuoyu.bans import services
from tuoyu.bans.models import AlertKind, Ban, BanAlert
from tuoyu.institutions.tests.factories import id_number_for
from tuoyu.testing.bans import ZZ_ID, ban_data
from tuoyu.testing.queries import counts_do_not_grow

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _bans(cast: Any, n: int, *, start: int = 0) -> list[Ban]:
    return [
        services.ban_create(
            by=cast.zhou,
            data=ban_data(
                name=f"禁入{i:02d}", id_number=id_number_for(500 + i), decision_number=f"株卫禁{i}号"
            ),
        )
        for i in range(start, start + n)
    ]


def _names(html: str, prefix: str = "禁入") -> set[str]:
    import re

    return set(re.findall(rf">({prefix}\d\d)</a>", html))


@pytest.mark.parametrize(
    "query", ["q=禁入0", "include_lifted=true", "scope=city", "q=禁入1&include_lifted=1", ""]
)
def test_the_ban_page_and_api_take_the_same_filters(cast: Any, login: Any, query: str) -> None:
    made = _bans(cast, 12)
    services.ban_lift(by=cast.zhou, ban_id=made[3].pk, version=made[3].version, reason="撤销")
    c = login(cast.zhou)
    page = c.get(f"/bans/?{query}")
    assert page.status_code == 200
    api = c.get(f"/api/v1/bans?{query}&limit=200").json()
    shown = _names(page.content.decode())
    assert shown == {b["name"] for b in api["items"]} and shown
    if "q=" not in query:
        assert ("禁入03" in shown) == ("include_lifted" in query)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("include_lifted=maybe", "include_lifted"),
        ("scope=planet", "scope"),
        ("q=%01", "q"),
        ("sort=reason", "sort"),
    ],
)
def test_a_bad_ban_filter_is_a_field_error(cast: Any, login: Any, query: str, field: str) -> None:
    _bans(cast, 2)
    c = login(cast.zhou)
    page = c.get(f"/bans/?{query}")
    assert page.status_code == 400 and not _names(page.content.decode())
    api = c.get(f"/api/v1/bans?{query}")
    assert api.status_code == 422 and [e["field"] for e in api.json()["errors"]] == [field]
    assert c.get(f"/bans/?{query}&format=xlsx").status_code == 400


def test_the_ban_export_masks_the_id_numbers_and_audits_without_the_searched_id(
    cast: Any, login: Any
) -> None:
    services.ban_create(by=cast.zhou, data=ban_data())
    _bans(cast, 3)
    c = login(cast.zhou)
    response = c.get("/bans/", {"q": ZZ_ID, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["姓名", "身份证号"] and len(rows) == 2
    assert rows[1][0] == "王禁入" and rows[1][1] == "4****************1" and ZZ_ID not in text
    event = Event.objects.get(action="bans.export")
    assert event.detail["filters"] == {"q": "***"} and event.detail["rows"] == 1
    assert ZZ_ID not in str(event.detail)
    xlsx = c.get("/bans/?format=xlsx&sort=name")
    assert xlsx.status_code == 200 and Event.objects.filter(action="bans.export").count() == 2


def test_the_ban_list_sorts_by_a_declared_column(cast: Any, login: Any) -> None:
    _bans(cast, 4)
    html = login(cast.zhou).get("/bans/?sort=-name").content.decode()
    assert [html.index(f">禁入{i:02d}</a>") for i in (3, 2, 1, 0)] == sorted(
        html.index(f">禁入{i:02d}</a>") for i in range(4)
    )


def _alerts(cast: Any, bans: list[Ban]) -> None:
    BanAlert.objects.bulk_create(
        BanAlert(
            ban=b,
            institution=cast.inst_a,
            region_prefix=cast.inst_a.region_prefix,
            kind=AlertKind.HIRE_ATTEMPT if n % 2 else AlertKind.EMPLOYED_MATCH,
            person_name=b.name,
            attempted_by=cast.ann,
        )
        for n, b in enumerate(bans)
    )


def test_the_alert_page_and_api_take_the_same_filters(cast: Any, login: Any) -> None:
    _alerts(cast, _bans(cast, 6))
    BanAlert.objects.filter(person_name="禁入00").update(acknowledged_at=BanAlert.objects.first().at)
    c = login(cast.alice)
    for query in ("open=1", "open=true", f"kind={AlertKind.HIRE_ATTEMPT}", ""):
        html = c.get(f"/bans/alerts/?{query}").content.decode()
        shown = {n for n in (f"禁入{i:02d}" for i in range(6)) if f"<td>{n}</td>" in html}
        api = {a["person_name"] for a in c.get(f"/api/v1/ban-alerts?{query}&limit=100").json()["items"]}
        assert shown == api and shown, query
        assert ("禁入00" in shown) == ("open" not in query and "hire" not in query), query
    bad = c.get("/api/v1/ban-alerts?open=perhaps")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "open"
    assert c.get("/bans/alerts/?open=perhaps").status_code == 400
    assert c.get("/bans/alerts/?format=csv").status_code == 404  # the alerts have no export


# --- query counts: the same for 30 rows as for a few ---------------------------------------------------


def test_the_ban_list_queries_do_not_grow_with_the_list(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    _bans(cast, 2)
    c = login(cast.zhou)
    # session, user, OTP device, memberships (with their regions), count, page (region joined), unread badge
    counts_do_not_grow(c, "/bans/", lambda: _bans(cast, 30, start=10), django_assert_num_queries, 7)
    token = bearer(cast.zhou)
    # token (user joined), memberships, count, page
    counts_do_not_grow(
        token, "/api/v1/bans?limit=100", lambda: _bans(cast, 30, start=50), django_assert_num_queries, 4
    )


def test_the_alert_list_queries_do_not_grow_with_the_list(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    made = _bans(cast, 40)
    _alerts(cast, made[:3])
    c = login(cast.alice)
    # session, user, OTP device, memberships, count, page (ban, institution and users joined), unread badge
    counts_do_not_grow(c, "/bans/alerts/", lambda: _alerts(cast, made[3:]), django_assert_num_queries, 7)
    counts_do_not_grow(
        bearer(cast.alice), "/api/v1/ban-alerts?limit=100", lambda: None, django_assert_num_queries, 4
    )
