"""The declared institution lists (institutions.lists on core.lists): the page, its htmx refresh, its export
and the API accept the same filters; sorting, exports (audited) and query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.accounts.services import api_token_create
from tuoyu.audit.models import Event
from tuoyu.institutions.models import FilingStatus, Institution, InstitutionKind
from tuoyu.testing.queries import counts_do_not_grow

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


SEQ = itertools.count()


def _many(cast: Any, n: int, *, prefix: str = "批量机构", **fields: Any) -> list[Institution]:
    made = []
    for i in range(n):
        seq = next(SEQ)
        made.append(
            Institution.objects.create(
                name=f"{prefix}{i:02d}",
                uscc=f"91430202MA4M{seq:04d}X",
                region=cast.inst_a.region if i % 2 else cast.inst_b.region,
                kind=InstitutionKind.HOME_POINT if i % 3 == 0 else InstitutionKind.CENTER,
                **fields,
            )
        )
    return made


def _page_names(html: str, names: list[str]) -> set[str]:
    return {n for n in names if f">{n}</a>" in html}


FILTERS = [
    "q=批量机构0",
    "within=430202",
    "within=430203",
    f"filing_status={FilingStatus.FILED}",
    f"kind={InstitutionKind.HOME_POINT}",
    f"kind={InstitutionKind.CENTER}&within=430202",
]


@pytest.mark.parametrize("query", FILTERS)
def test_the_page_and_the_api_accept_the_same_filters_and_agree(cast: Any, login: Any, query: str) -> None:
    made = _many(cast, 12)
    Institution.objects.filter(pk__in=[i.pk for i in made[:5]]).update(filing_status=FilingStatus.FILED)
    page = login(cast.zhou).get(f"/institutions/?{query}&sort=name")
    assert page.status_code == 200
    api = bearer(cast.zhou).get(f"/api/v1/institutions?{query}&limit=200").json()
    names = [i.name for i in Institution.objects.all()]
    on_page = _page_names(page.content.decode(), names)
    assert on_page == {i["name"] for i in api["items"]} and on_page


def test_the_search_matches_the_credit_code_as_well(cast: Any, login: Any) -> None:
    made = _many(cast, 3)
    code = made[1].uscc.lower()
    assert _page_names(login(cast.zhou).get(f"/institutions/?q={code}").content.decode(), [made[1].name]) == {
        made[1].name
    }
    assert [i["id"] for i in bearer(cast.zhou).get(f"/api/v1/institutions?q={code}").json()["items"]] == [
        made[1].pk
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("within=43x", "within"),
        ("within=4", "within"),
        ("filing_status=nope", "filing_status"),
        ("kind=school", "kind"),
        ("q=" + "荷" * 51, "q"),
        ("q=a%01b", "q"),
        ("sort=password", "sort"),
        ("sort=-" + "x" * 3000, "sort"),
    ],
)
def test_a_bad_filter_is_a_field_error_everywhere_and_never_the_whole_list(
    cast: Any, login: Any, query: str, field: str
) -> None:
    c = login(cast.zhou)
    page = c.get(f"/institutions/?{query}")
    assert page.status_code == 400
    html = page.content.decode()
    assert cast.inst_a.name not in html  # not the whole list by mistake
    if field != "sort":
        assert f'id="id_{field}-error"' in html and 'aria-invalid="true"' in html
    else:
        assert "不能按" in html
    api = bearer(cast.zhou).get(f"/api/v1/institutions?{query}")
    assert api.status_code == 422 and api["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in api.json()["errors"]] == [field]
    export = c.get(f"/institutions/?{query}&format=csv")
    assert export.status_code == 400
    assert not Event.objects.filter(action="institution.export").exists()


def test_sorting_by_a_declared_column_both_ways(cast: Any, login: Any) -> None:
    _many(cast, 5)
    c = login(cast.zhou)
    html = c.get("/institutions/?q=批量机构&sort=-name").content.decode()
    positions = [html.index(f">批量机构{i:02d}</a>") for i in range(5)]
    assert positions == sorted(positions, reverse=True)
    assert 'aria-sort="descending"' in html
    assert 'href="?q=%E6%89%B9%E9%87%8F%E6%9C%BA%E6%9E%84&amp;sort=name"' in html  # the header flips it
    api = bearer(cast.zhou).get("/api/v1/institutions?q=批量机构&sort=-name").json()
    assert [i["name"] for i in api["items"]] == [f"批量机构{i:02d}" for i in reversed(range(5))]
    by_region = bearer(cast.zhou).get("/api/v1/institutions?q=批量机构&sort=region").json()["items"]
    assert [i["region_code"] for i in by_region] == sorted(i["region_code"] for i in by_region)


def test_an_htmx_refresh_gets_only_the_table(cast: Any, login: Any) -> None:
    _many(cast, 3)
    response = login(cast.zhou).get("/institutions/?q=批量机构01", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="institutions-table">') and "<html" not in html
    assert ">批量机构01</a>" in html and ">批量机构02</a>" not in html
    # the export links inside the table follow the filters
    assert 'href="?q=%E6%89%B9%E9%87%8F%E6%9C%BA%E6%9E%8401&amp;format=xlsx"' in html


def test_the_csv_export_has_the_filtered_rows_in_scope_and_is_audited(cast: Any, login: Any) -> None:
    _many(cast, 4)
    response = login(cast.alice).get("/institutions/?q=批量机构&format=csv&sort=name")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["机构名称", "统一社会信用代码", "类型", "所在区划", "区划代码", "备案状态"]
    # alice (荷塘区) exports 荷塘区's two of the four, never 芦淞区's
    assert [r[0] for r in rows[1:]] == ["批量机构01", "批量机构03"]
    assert rows[1][4] == cast.inst_a.region_id
    event = Event.objects.get(action="institution.export")
    assert event.actor == cast.alice and event.detail["rows"] == 2 and event.detail["format"] == "csv"
    assert event.detail["filters"] == {"q": "批量机构", "sort": "name"}


def test_the_xlsx_export_has_the_same_columns(cast: Any, login: Any) -> None:
    _many(cast, 3)
    response = login(cast.zhou).get("/institutions/?q=批量机构&format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "机构名称" and [r[0] for r in values[1:]] == [
        "批量机构00",
        "批量机构01",
        "批量机构02",
    ]
    assert Event.objects.filter(action="institution.export", detail__format="xlsx").count() == 1


def test_an_export_over_the_limit_is_refused_not_cut(cast: Any, login: Any) -> None:
    from tuoyu.institutions.lists import INSTITUTIONS

    _many(cast, 3)
    limit = INSTITUTIONS.max_export_rows
    object.__setattr__(INSTITUTIONS, "max_export_rows", 2)  # a frozen declaration, lowered for this test
    try:
        response = login(cast.zhou).get("/institutions/?q=批量机构&format=csv")
        assert response.status_code == 400 and "缩小筛选范围" in response.content.decode()
        assert not Event.objects.filter(action="institution.export").exists()
        assert login(cast.zhou).get("/institutions/?q=批量机构01&format=csv").status_code == 200
    finally:
        object.__setattr__(INSTITUTIONS, "max_export_rows", limit)


def test_an_institutions_own_admin_sees_its_row_but_exports_nothing(cast: Any, login: Any) -> None:
    c = login(cast.ann)
    assert cast.inst_a.name in c.get("/institutions/").content.decode()
    assert c.get("/institutions/?format=csv").status_code == 404
    assert c.get("/institutions/?format=pdf").status_code == 404
    assert not Event.objects.filter(action="institution.export").exists()


def test_the_pending_list_filters_sorts_and_exports(cast: Any, login: Any, settings: Any) -> None:
    settings.FILING_OVERDUE_DAYS = 30
    now = timezone.now()
    made = _many(cast, 4, filing_status=FilingStatus.REGISTERED)
    for n, inst in enumerate(made):
        Institution.objects.filter(pk=inst.pk).update(registered_at=now - dt.timedelta(days=10 * n))
    c = login(cast.zhou)
    html = c.get("/institutions/pending/?within=430202").content.decode()
    assert f'data-testid="days-{made[3].pk}">30<' in html and f'data-testid="days-{made[1].pk}">10<' in html
    assert f"days-{made[0].pk}" not in html  # 芦淞区
    html = c.get("/institutions/pending/?q=批量机构&sort=-registered_at").content.decode()
    assert html.index(">批量机构00</a>") < html.index(">批量机构03</a>")
    api = bearer(cast.zhou).get("/api/v1/institutions/pending?q=批量机构&within=430202").json()
    assert [(r["institution"]["name"], r["days_since_registration"], r["overdue"]) for r in api["items"]] == [
        ("批量机构03", 30, False),
        ("批量机构01", 10, False),
    ]
    assert bearer(cast.zhou).get("/api/v1/institutions/pending?within=x").status_code == 422
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    c.get("/institutions/pending/?q=批量机构&within=430202&format=csv").streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert rows[0][0] == "机构名称" and [r[0] for r in rows[1:]] == ["批量机构03", "批量机构01"]
    assert Event.objects.filter(action="institution.pending_export", actor=cast.zhou).count() == 1
    assert login(cast.ivan).get("/institutions/pending/?format=csv").status_code == 404


# --- query counts: the same for 30 rows as for 1 (STYLE practice 12: no N+1) -------------------------


def test_the_institutions_page_queries_do_not_grow_with_the_list(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    # session, user, its OTP device, memberships, count, page (region joined), unread-notifications badge
    counts_do_not_grow(
        login(cast.zhou), "/institutions/", lambda: _many(cast, 30), django_assert_num_queries, expected=7
    )


def test_the_institutions_api_queries_do_not_grow_with_the_list(
    cast: Any, django_assert_num_queries: Any
) -> None:
    # token (user joined), memberships, count, page (the columns InstitutionOut returns, no region joined)
    counts_do_not_grow(
        bearer(cast.zhou),
        "/api/v1/institutions?limit=100&sort=-name",
        lambda: _many(cast, 30),
        django_assert_num_queries,
        expected=4,
    )


def test_the_pending_page_and_api_queries_do_not_grow_with_the_list(
    cast: Any, login: Any, django_assert_num_queries: Any
) -> None:
    def grow() -> None:
        _many(cast, 30, filing_status=FilingStatus.REGISTERED, registered_at=timezone.now())

    counts_do_not_grow(
        login(cast.zhou), "/institutions/pending/", grow, django_assert_num_queries, expected=7
    )
    counts_do_not_grow(
        bearer(cast.zhou),
        "/api/v1/institutions/pending?limit=100",
        lambda: _many(cast, 30, prefix="再批", filing_status=FilingStatus.REGISTERED),
        django_assert_num_queries,
        expected=4,
    )
