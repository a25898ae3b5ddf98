"""The roster on core.lists (staff.lists STAFF): the page, its htmx refresh and /api/v1/staff accept the same
filters and sorting, refuse bad values (400 beside the field / 422), keep the warning marks and the chosen
institution in their links; the export stays the Excel roster; queries do not grow with the roster."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.services import api_token_create
from tuoyu.audit.models import Event
from tuoyu.staff import services
from tuoyu.staff.models import Employment
from tuoyu.staff.tests.factories import hire
from tuoyu.testing.queries import counts_do_not_grow

pytestmark = pytest.mark.django_db

SEQ = itertools.count(1)


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _hire(cast: Any, n: int, *, prefix: str = "员工", institution: Any = None) -> list[Any]:
    institution = institution or cast.inst_a
    by = cast.ann if institution == cast.inst_a else cast.ben
    people = []
    for _i in range(n):
        seq = next(SEQ)
        born = dt.date(1980, 1, 1) + dt.timedelta(days=seq)
        person = hire(by, institution, seq=seq % 400, born=born, name=f"{prefix}{seq:03d}").person
        people.append(person)
    return people


def _linked(html: str, people: list[Any]) -> set[str]:
    return {p.name for p in people if f">{p.name}</a>" in html}


def test_the_page_and_the_api_accept_the_same_filters_and_agree(cast: Any, login: Any) -> None:
    people = _hire(cast, 4)
    first = Employment.objects.get(person=people[0])
    services.employment_end(by=cast.ann, employment_id=first.pk, end_date=None, version=first.version)
    alice = login(cast.alice)
    api = bearer(cast.alice)
    base = f"institution={cast.inst_a.pk}"
    for query in (f"q={people[1].name}", "active=true", "active=false", "q=员工&active=true"):
        page = alice.get(f"/staff/?{base}&{query}")
        assert page.status_code == 200, query
        items = api.get(f"/api/v1/staff?institution_id={cast.inst_a.pk}&{query}&limit=100").json()["items"]
        on_page = _linked(page.content.decode(), people)
        assert on_page == {i["name"] for i in items} and on_page, query
    assert _linked(alice.get(f"/staff/?{base}&active=false").content.decode(), people) == {people[0].name}


def test_sorting_and_the_links_keep_the_institution(cast: Any, login: Any) -> None:
    people = _hire(cast, 3)
    alice = login(cast.alice)
    html = alice.get(f"/staff/?institution={cast.inst_a.pk}&sort=-name").content.decode()
    positions = [html.index(f">{p.name}</a>") for p in people]
    assert positions == sorted(positions, reverse=True)
    assert f'href="?institution={cast.inst_a.pk}&amp;sort=name"' in html  # the header flips it, same roster
    assert f'<input type="hidden" name="institution" value="{cast.inst_a.pk}">' in html  # the filter form
    items = (
        bearer(cast.alice).get(f"/api/v1/staff?institution_id={cast.inst_a.pk}&sort=-name").json()["items"]
    )
    assert [i["name"] for i in items] == [p.name for p in reversed(people)]


def test_the_warning_marks_stay_on_the_page_and_in_the_api(cast: Any, login: Any) -> None:
    fresh, stale = _hire(cast, 2)
    services.health_certificate_add(
        by=cast.ann, person_id=stale.pk, issued_on=timezone.localdate() - dt.timedelta(days=350), issuer="x"
    )
    html = login(cast.ann).get("/staff/").content.decode()
    row = html[html.index(f'data-testid="staff-{stale.pk}"') :]
    assert "30天内到期" in row[: row.index("</tr>")]
    row = html[html.index(f'data-testid="staff-{fresh.pk}"') :]
    assert "无健康证明" in row[: row.index("</tr>")] and "缺无犯罪记录证明" in row[: row.index("</tr>")]
    items = {
        i["name"]: i
        for i in bearer(cast.ann).get(f"/api/v1/staff?institution_id={cast.inst_a.pk}").json()["items"]
    }
    assert items[stale.name]["health_certificate_expiring"] is True
    assert items[fresh.name]["health_certificate_expired"] is True
    assert len(items[fresh.name]["missing_background_checks"]) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [("active=maybe", "active"), ("q=a%01b", "q"), ("q=" + "员" * 51, "q"), ("sort=id_number", "sort")],
)
def test_a_bad_filter_is_a_field_error_on_the_page_and_in_the_api(
    cast: Any, login: Any, query: str, field: str
) -> None:
    people = _hire(cast, 1)
    page = login(cast.ann).get(f"/staff/?{query}")
    assert page.status_code == 400
    html = page.content.decode()
    assert f">{people[0].name}</a>" not in html
    if field == "sort":
        assert "不能按" in html
    else:
        assert f'id="id_{field}-error"' in html and 'aria-invalid="true"' in html
    api = bearer(cast.ann).get(f"/api/v1/staff?institution_id={cast.inst_a.pk}&{query}")
    assert api.status_code == 422 and api["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in api.json()["errors"]] == [field]


def test_the_roster_export_stays_the_excel_roster(cast: Any, login: Any) -> None:
    _hire(cast, 2)
    ann = login(cast.ann)
    for fmt in ("csv", "xlsx"):
        assert ann.get(f"/staff/?format={fmt}").status_code == 404
    assert not Event.objects.filter(action="staff.export").exists()
    response = ann.get("/staff/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert Event.objects.get(action="staff.export").detail["rows"] == 2
    html = ann.get("/staff/").content.decode()
    assert 'href="/staff/export.xlsx"' in html and "导出CSV" not in html


def test_an_htmx_refresh_gets_only_the_table(cast: Any, login: Any) -> None:
    people = _hire(cast, 2)
    response = login(cast.ann).get(f"/staff/?q={people[0].name}", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="roster">') and "<html" not in html
    assert f">{people[0].name}</a>" in html and f">{people[1].name}</a>" not in html


# --- query counts: the same for 30 rows as for 1 (no N+1) ------------------------------------------------


def test_the_roster_page_queries_do_not_grow(cast: Any, login: Any, django_assert_num_queries: Any) -> None:
    _hire(cast, 1)
    # session, user, its OTP device, memberships, the institution, the expiring box (certificates, health certificates),
    # count, page (the latest health certificate and the background checks are its subqueries), notifications badge
    response = counts_do_not_grow(
        login(cast.alice),
        f"/staff/?institution={cast.inst_a.pk}",
        lambda: _hire(cast, 30),
        django_assert_num_queries,
        expected=10,
    )
    assert len(re.findall(r'data-testid="staff-\d+"', response.content.decode())) == 31


def test_the_admins_roster_page_reads_its_institution_from_the_memberships(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    _hire(cast, 1)
    # session, user, memberships (the institution is the membership's: no query of its own; an institution
    # admin has no second factor), the expiring box (certificates, health certificates), count, page,
    # notifications badge
    response = counts_do_not_grow(
        login(cast.ann), "/staff/", lambda: _hire(cast, 30), django_assert_num_queries, expected=8
    )
    html = response.content.decode()
    assert len(re.findall(r'data-testid="staff-\d+"', html)) == 31
    assert cast.inst_a.name in html


def test_the_roster_api_queries_do_not_grow(cast: Any, django_assert_num_queries: Any) -> None:
    _hire(cast, 1)
    # token (user joined), memberships, the institution, count, page (health certificate, checks: subqueries)
    response = counts_do_not_grow(
        bearer(cast.alice),
        f"/api/v1/staff?institution_id={cast.inst_a.pk}&limit=100&sort=name",
        lambda: _hire(cast, 30),
        django_assert_num_queries,
        expected=5,
    )
    assert len(response.json()["items"]) == 31
