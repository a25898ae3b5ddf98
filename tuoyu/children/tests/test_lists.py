"""The children roster on core.lists (children.lists CHILDREN): the page (grouped by class), its htmx refresh
and /api/v1/children accept the same filters and sorting, refuse bad values (400 beside the field / 422), keep
ID numbers masked; the export stays the Excel roster; queries do not grow with the roster."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client

from tuoyu.accounts.services import api_token_create
from tuoyu.audit.models import Event
from tuoyu.children.tests.helpers import make_class, months_before, register
from tuoyu.testing.queries import counts_do_not_grow

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
SEQ = itertools.count(1)


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _children(cast: Any, n: int, *, care_class: Any = None, prefix: str = "幼儿") -> list[Any]:
    made = []
    for i in range(n):
        seq = next(SEQ)
        kw: dict[str, Any] = {"care_class": care_class, "start_date": TODAY} if care_class else {}
        made.append(
            register(
                cast.ann,
                cast.inst_a,
                name=f"{prefix}{seq:03d}",
                birth=months_before(TODAY, 12 + i % 12) - dt.timedelta(days=seq % 20),
                **kw,
            )
        )
    return made


def _linked(html: str, children: list[Any]) -> set[str]:
    return {c.name for c in children if f">{c.name}</a>" in html}


def test_the_page_and_the_api_accept_the_same_filters_and_agree(cast: Any, login: Any) -> None:
    one = make_class(cast.inst_a)
    placed = _children(cast, 3, care_class=one)
    loose = _children(cast, 2, prefix="未分")
    everyone = placed + loose
    alice = login(cast.alice)
    api = bearer(cast.alice)
    for query in (f"q={placed[0].name}", f"class_id={one.pk}", "q=未分", f"institution_id={cast.inst_a.pk}"):
        page = alice.get(f"/children/?{query}")
        assert page.status_code == 200, query
        items = api.get(f"/api/v1/children?{query}&limit=100").json()["items"]
        on_page = _linked(page.content.decode(), everyone)
        assert on_page == {i["name"] for i in items} and on_page, query
    assert _linked(alice.get(f"/children/?class_id={one.pk}").content.decode(), everyone) == {
        c.name for c in placed
    }
    assert api.get(f"/api/v1/children?institution_id={cast.inst_b.pk}").json()["items"] == []


def test_the_roster_stays_grouped_by_class_when_sorted(cast: Any, login: Any) -> None:
    one = make_class(cast.inst_a, name="托小一班")
    placed = _children(cast, 3, care_class=one)
    loose = _children(cast, 2, prefix="未分")
    html = login(cast.ann).get("/children/?sort=-name").content.decode()
    assert html.index("托小一班") < html.index(f">{placed[0].name}</a>") < html.index("未分班")
    assert html.index("未分班") < html.index(f">{loose[0].name}</a>")
    positions = [html.index(f">{c.name}</a>") for c in placed]
    assert positions == sorted(positions, reverse=True)  # within the class, the order asked for
    assert 'aria-sort="descending"' in html and "共 5 名幼儿" in html
    items = bearer(cast.ann).get("/api/v1/children?sort=-name").json()["items"]
    assert [i["name"] for i in items] == sorted((c.name for c in placed + loose), reverse=True)


@pytest.mark.parametrize(
    ("query", "field", "shown"),
    [
        ("q=a%01b", "q", True),
        ("q=" + "幼" * 51, "q", True),
        ("class_id=x", "class_id", False),
        ("institution_id=-3", "institution_id", False),
        ("sort=id_number", "sort", False),
    ],
)
def test_a_bad_filter_is_a_field_error_on_the_page_and_in_the_api(
    cast: Any, login: Any, query: str, field: str, shown: bool
) -> None:
    made = _children(cast, 1)
    page = login(cast.ann).get(f"/children/?{query}")
    assert page.status_code == 400
    html = page.content.decode()
    assert f">{made[0].name}</a>" not in html  # never the whole list by mistake
    if field == "sort":
        assert "不能按" in html
    else:
        assert f'id="id_{field}-error"' in html
        assert ('aria-invalid="true"' in html) is shown  # the id filters are not fields of the page's form
    api = bearer(cast.ann).get(f"/api/v1/children?{query}")
    assert api.status_code == 422 and api["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in api.json()["errors"]] == [field]


def test_the_roster_export_stays_the_excel_roster_and_ids_stay_masked(cast: Any, login: Any) -> None:
    from tuoyu.children.tests.helpers import id_for

    birth = months_before(TODAY, 18)
    register(
        cast.ann,
        cast.inst_a,
        name="有证幼儿",
        birth=birth,
        id_number=id_for(birth),
        consent_scope=["basic"],
        consent_text_version="v1",
    )
    ann = login(cast.ann)
    for fmt in ("csv", "xlsx"):
        assert ann.get(f"/children/?format={fmt}").status_code == 404
    assert not Event.objects.filter(action="child.export").exists()
    html = ann.get("/children/").content.decode()
    assert id_for(birth) not in html and 'href="/children/export.xlsx"' in html and "导出CSV" not in html
    assert id_for(birth) not in str(bearer(cast.alice).get("/api/v1/children").json())
    response = ann.get("/children/export.xlsx")
    assert response.status_code == 200
    assert Event.objects.get(action="child.export").detail["rows"] == 1


def test_an_htmx_refresh_gets_only_the_roster(cast: Any, login: Any) -> None:
    made = _children(cast, 2)
    response = login(cast.ann).get(f"/children/?q={made[0].name}", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="children-roster">') and "<html" not in html
    assert f">{made[0].name}</a>" in html and f">{made[1].name}</a>" not in html


# --- query counts: the same for 30 rows as for 1 (no N+1) ------------------------------------------------


def test_the_roster_page_and_api_queries_do_not_grow(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    one = make_class(cast.inst_a)
    _children(cast, 1, care_class=one)
    # session, user, its OTP device, memberships, count, page (institution's name and the current class
    # as columns of it), notifications badge
    response = counts_do_not_grow(
        login(cast.alice),
        "/children/",
        lambda: (_children(cast, 14, care_class=one), _children(cast, 16, prefix="未分")),  # a class holds 15
        django_assert_num_queries,
        expected=7,
    )
    assert response.content.decode().count('href="/children/') >= 31
    # token (user joined), memberships, count, page (the API shows no class: no enrollments read)
    response = counts_do_not_grow(
        bearer(cast.alice),
        "/api/v1/children?limit=100&sort=birth_date",
        lambda: _children(cast, 30, prefix="再批"),
        django_assert_num_queries,
        expected=4,
    )
    assert len(response.json()["items"]) == 61
