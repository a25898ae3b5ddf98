"""The rooms and classes lists (institutions.lists ROOMS, CLASSES on core.lists): the admin's pages and the API
accept the same filters, sort by the declared columns, refuse bad values (400 beside the field / 422), have no
export, and their queries do not grow with the list."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.services import api_token_create
from tuoyu.institutions.models import CareClass, ClassType, Room, RoomUse
from tuoyu.testing.queries import counts_do_not_grow

pytestmark = pytest.mark.django_db

SEQ = itertools.count()


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _rooms(institution: Any, n: int, *, prefix: str = "房间") -> list[Room]:
    return [
        Room.objects.create(
            institution=institution,
            name=f"{prefix}{next(SEQ):03d}",
            floor=1 + i % 3,
            floor_area_m2=Decimal(20 + i),
            use=RoomUse.SLEEP if i % 2 else RoomUse.ACTIVITY,
        )
        for i in range(n)
    ]


def _classes(institution: Any, n: int, *, prefix: str = "班级") -> list[CareClass]:
    room = _rooms(institution, 1, prefix="班级活动室")[0]
    return [
        CareClass.objects.create(
            institution=institution,
            name=f"{prefix}{next(SEQ):03d}",
            class_type=ClassType.INFANT if i % 2 else ClassType.TODDLER,
            room=room if i % 3 else None,
            planned_size=10 + i,
        )
        for i in range(n)
    ]


def _linked(html: str, objects: list[Any]) -> set[str]:
    return {o.name for o in objects if f">{o.name}</a>" in html}


@pytest.mark.parametrize("query", ["q=房间00", f"use={RoomUse.SLEEP}", "q=房间&use=activity"])
def test_the_rooms_page_and_api_accept_the_same_filters(cast: Any, login: Any, query: str) -> None:
    made = _rooms(cast.inst_a, 12)
    page = login(cast.ann).get(f"/institutions/rooms/?{query}")
    assert page.status_code == 200
    api = bearer(cast.ann).get(f"/api/v1/rooms?{query}&limit=200").json()
    on_page = _linked(page.content.decode(), made)
    assert on_page == {r["name"] for r in api["items"]} and on_page


def test_the_rooms_api_filters_by_institution_within_its_scope(cast: Any) -> None:
    _rooms(cast.inst_a, 2)
    _rooms(cast.inst_b, 3)
    c = bearer(cast.zhou)  # the city: both
    assert len(c.get("/api/v1/rooms").json()["items"]) == 5
    items = c.get(f"/api/v1/rooms?institution_id={cast.inst_b.pk}").json()["items"]
    assert {i["institution_id"] for i in items} == {cast.inst_b.pk} and len(items) == 3
    # alice (荷塘区) names 芦淞区's institution: nothing, not its rooms
    assert bearer(cast.alice).get(f"/api/v1/rooms?institution_id={cast.inst_b.pk}").json()["items"] == []


def test_rooms_sort_by_a_declared_column_and_the_delete_buttons_stay(cast: Any, login: Any) -> None:
    made = _rooms(cast.inst_a, 4)
    html = login(cast.ann).get("/institutions/rooms/?sort=-floor_area_m2").content.decode()
    positions = [html.index(f">{r.name}</a>") for r in made]
    assert positions == sorted(positions, reverse=True)
    assert 'aria-sort="descending"' in html
    for r in made:
        assert f'action="/institutions/rooms/{r.pk}/delete/"' in html
    api = bearer(cast.ann).get("/api/v1/rooms?sort=-floor_area_m2").json()["items"]
    assert [i["name"] for i in api] == [r.name for r in reversed(made)]


def test_the_classes_page_lists_open_classes_and_names_the_closed_ones(cast: Any, login: Any) -> None:
    made = _classes(cast.inst_a, 3)
    CareClass.objects.filter(pk=made[0].pk).update(closed_on=timezone.localdate())
    c = login(cast.ann)
    html = c.get("/institutions/classes/").content.decode()
    assert _linked(html, made) == {made[1].name, made[2].name}
    assert "已撤销：" in html and made[0].name in html
    assert _linked(c.get("/institutions/classes/?closed=true").content.decode(), made) == {made[0].name}
    # the API lists closed classes too unless asked (as it always did); the same filter narrows it
    api = bearer(cast.ann)
    assert {i["name"] for i in api.get("/api/v1/classes").json()["items"]} == {m.name for m in made}
    assert [i["name"] for i in api.get("/api/v1/classes?closed=false").json()["items"]] == [
        made[1].name,
        made[2].name,
    ]
    assert [i["name"] for i in api.get("/api/v1/classes?closed=true").json()["items"]] == [made[0].name]
    infants = api.get(f"/api/v1/classes?class_type={ClassType.INFANT}").json()["items"]
    assert [i["name"] for i in infants] == [made[1].name]
    page = c.get(f"/institutions/classes/?class_type={ClassType.INFANT}").content.decode()
    assert _linked(page, made) == {made[1].name}


def test_the_classes_page_shows_each_class_occupancy(cast: Any, login: Any) -> None:
    from tuoyu.children.models import Child, Enrollment

    made = _classes(cast.inst_a, 2)
    child = Child.objects.create(
        institution=cast.inst_a, name="王小明", sex="M", birth_date=timezone.localdate().replace(year=2025)
    )
    Enrollment.objects.create(child=child, care_class=made[1], start_date=timezone.localdate())
    html = login(cast.ann).get("/institutions/classes/?sort=name").content.decode()
    row = html[html.index(f">{made[1].name}</a>") :]
    assert "<td>1</td>" in row[: row.index("</tr>")]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("rooms", "use=garage", "use"),
        ("rooms", "q=a%01b", "q"),
        ("rooms", "institution_id=-1", "institution_id"),
        ("rooms", "institution_id=1.5", "institution_id"),
        ("rooms", "institution_id=99999999999999999999999", "institution_id"),
        ("rooms", "sort=camera_count", "sort"),
        ("classes", "closed=maybe", "closed"),
        ("classes", "class_type=school", "class_type"),
        ("classes", "q=" + "班" * 51, "q"),
        ("classes", "sort=-" + "x" * 500, "sort"),
    ],
)
def test_a_bad_filter_is_a_field_error_on_the_page_and_in_the_api(
    cast: Any, login: Any, path: str, query: str, field: str
) -> None:
    made = _rooms(cast.inst_a, 1) if path == "rooms" else _classes(cast.inst_a, 1)
    page = login(cast.ann).get(f"/institutions/{path}/?{query}")
    assert page.status_code == 400
    html = page.content.decode()
    assert f">{made[0].name}</a>" not in html  # never the whole list by mistake
    if field == "sort":
        assert "不能按" in html
    elif field == "institution_id":  # not a field of the page's form (hidden_filters): its error still shown
        assert f'id="filter_{field}-error"' in html and "请输入有效的编号。" in html
    else:
        assert f'id="filter_{field}-error"' in html and 'aria-invalid="true"' in html
    api = bearer(cast.ann).get(f"/api/v1/{path}?{query}")
    assert api.status_code == 422 and api["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in api.json()["errors"]] == [field]


def test_a_centre_filters_by_the_class_types_it_may_keep(cast: Any, login: Any) -> None:
    html = login(cast.ann).get("/institutions/classes/").content.decode()
    assert "家庭托育点看护组" not in html and "托小班" in html
    assert login(cast.ann).get("/institutions/classes/?class_type=home_group").status_code == 400


@pytest.mark.parametrize("path", ["rooms", "classes"])
def test_the_premises_lists_have_no_export(cast: Any, login: Any, path: str) -> None:
    _rooms(cast.inst_a, 1)
    c = login(cast.ann)
    for fmt in ("csv", "xlsx", "pdf"):
        assert c.get(f"/institutions/{path}/?format={fmt}").status_code == 404
    assert "导出CSV" not in c.get(f"/institutions/{path}/").content.decode()


def test_an_htmx_refresh_gets_only_the_table(cast: Any, login: Any) -> None:
    made = _rooms(cast.inst_a, 2)
    response = login(cast.ann).get(f"/institutions/rooms/?q={made[0].name}", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="rooms">') and "<html" not in html
    assert f">{made[0].name}</a>" in html and f">{made[1].name}</a>" not in html


# --- query counts: the same for 30 rows as for 1 (no N+1) ------------------------------------------------


def test_the_rooms_page_and_api_queries_do_not_grow(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    _rooms(cast.inst_a, 1)
    # session, user, memberships, the institution kept, count, page, notifications badge
    response = counts_do_not_grow(
        login(cast.ann),
        "/institutions/rooms/",
        lambda: _rooms(cast.inst_a, 30),
        django_assert_num_queries,
        expected=7,
    )
    assert response.content.decode().count("/delete/") == 31
    # token (user joined), memberships, count, page
    counts_do_not_grow(
        bearer(cast.zhou),
        "/api/v1/rooms?limit=100&sort=name",
        lambda: _rooms(cast.inst_b, 30),
        django_assert_num_queries,
        expected=4,
    )


def test_the_classes_page_and_api_queries_do_not_grow(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    _classes(cast.inst_a, 1)
    # session, user, memberships, the institution kept, count, page (room joined), occupancy (one query),
    # notifications badge, the closed classes, the add-a-class form's room choices (count, rows)
    response = counts_do_not_grow(
        login(cast.ann),
        "/institutions/classes/",
        lambda: _classes(cast.inst_a, 30),
        django_assert_num_queries,
        expected=11,
    )
    assert response.content.decode().count("/institutions/classes/") >= 31
    counts_do_not_grow(
        bearer(cast.zhou),
        "/api/v1/classes?limit=100&sort=-planned_size",
        lambda: _classes(cast.inst_b, 30),
        django_assert_num_queries,
        expected=4,
    )
