"""Public disclosure (信息公示): filed institutions only, public fields only, the same for everyone."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.disclosure import selectors
from tuoyu.disclosure.tests.factories import SECRET_ID, make_filed, publish_fees
from tuoyu.institutions.models import FilingStatus, InstitutionKind

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(cast):
    """Three filed institutions in 株洲 and one home point, plus the cast's unfiled and a cancelled one."""
    now = timezone.now()
    sun = make_filed(
        by=cast.alice,
        name="月塘阳光托育中心",
        region="430202001",
        filed=now - 3 * DAY,
        offers_full_day=True,
        is_affordable=True,
        min_age_months=6,
        max_age_months=36,
        capacity=120,
        latitude=Decimal("27.830000"),
        longitude=Decimal("113.150000"),
        phone="0731-22334455",
        opening_hours="7:30-17:30",
        serves_meals=True,
    )
    moon = make_filed(
        by=cast.alice,
        name="荷塘月亮托育园",
        region="430202",
        filed=now - 2 * DAY,
        offers_half_day=True,
        offers_hourly=True,
        min_age_months=18,
        max_age_months=36,
        capacity=40,
    )
    star = make_filed(
        by=cast.bob,
        name="芦淞星星托育",
        region="430203",
        filed=now - DAY,
        offers_temporary=True,
        min_age_months=24,
        max_age_months=36,
        capacity=60,
    )
    home = make_filed(
        by=cast.alice,
        name="月塘王阿姨家庭托育点",
        region="430202001",
        filed=now,
        kind=InstitutionKind.HOME_POINT,
        address="月塘街道幸福小区8栋301",
        latitude=Decimal("27.831234"),
        longitude=Decimal("113.151234"),
        phone="13812345678",
        offers_full_day=True,
        min_age_months=12,
        max_age_months=36,
        capacity=5,
    )
    gone = make_filed(
        by=cast.bob, name="已注销的托育园", region="430203", filing_status=FilingStatus.CANCELLED
    )
    return {"sun": sun, "moon": moon, "star": star, "home": home, "gone": gone, "cast": cast}


def names(response) -> list[str]:
    return [r["name"] for r in response.json()["items"]]


def everything_public(c: Client) -> list[str]:
    """The list page, the CSV, the JSON and the API list, as text."""
    return [
        c.get("/public/institutions/").content.decode(),
        b"".join(c.get("/public/institutions.csv").streaming_content).decode("utf-8-sig"),
        c.get("/public/institutions.json").content.decode(),
        c.get("/api/v1/public/institutions?limit=200").content.decode(),
    ]


def api_names(response) -> list[str]:
    return [r["name"] for r in response.json()["items"]]


# --- who is listed ----------------------------------------------------------------------------------


def test_the_public_list_shows_filed_institutions_only_newest_filing_first(world):
    response = Client().get("/public/institutions.json")
    assert response.status_code == 200
    assert names(response) == ["月塘王阿姨家庭托育点", "芦淞星星托育", "荷塘月亮托育园", "月塘阳光托育中心"]
    body = response.json()
    assert body["schema_version"] == "1" and body["count"] == 4 and body["generated_at"]


def test_unfiled_and_cancelled_institutions_are_hidden_everywhere(world):
    cast, c = world["cast"], Client()
    for hidden in (cast.inst_a, cast.inst_b, world["gone"]):
        assert c.get(f"/public/institutions/{hidden.pk}/").status_code == 404
        assert c.get(f"/public/institutions/{hidden.pk}/qr.png").status_code == 404
        assert c.get(f"/api/v1/public/institutions/{hidden.pk}").status_code == 404
        for text in everything_public(c):
            assert hidden.name not in text
    assert c.get("/public/institutions/99999999/").status_code == 404


# --- filters and sorting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=月塘", {"月塘阳光托育中心", "月塘王阿姨家庭托育点"}),
        ("region=430200", {"月塘阳光托育中心", "荷塘月亮托育园", "芦淞星星托育", "月塘王阿姨家庭托育点"}),
        ("region=430202", {"月塘阳光托育中心", "荷塘月亮托育园", "月塘王阿姨家庭托育点"}),
        ("region=430202001", {"月塘阳光托育中心", "月塘王阿姨家庭托育点"}),
        ("region=430203", {"芦淞星星托育"}),
        ("region=410611", set()),
        ("service_type=full_day", {"月塘阳光托育中心", "月塘王阿姨家庭托育点"}),
        ("service_type=half_day", {"荷塘月亮托育园"}),
        ("service_type=hourly", {"荷塘月亮托育园"}),
        ("service_type=temporary", {"芦淞星星托育"}),
        ("affordable=1", {"月塘阳光托育中心"}),
        ("affordable=0", {"荷塘月亮托育园", "芦淞星星托育", "月塘王阿姨家庭托育点"}),
        ("kind=home_point", {"月塘王阿姨家庭托育点"}),
        ("age=6", {"月塘阳光托育中心"}),
        ("age=20", {"月塘阳光托育中心", "荷塘月亮托育园", "月塘王阿姨家庭托育点"}),
        ("min_capacity=60", {"月塘阳光托育中心", "芦淞星星托育"}),
        ("region=430202&service_type=full_day&age=12&min_capacity=10", {"月塘阳光托育中心"}),
    ],
)
def test_each_filter_narrows_the_list(world, query, expected):
    assert set(names(Client().get(f"/public/institutions.json?{query}"))) == expected
    api_query = query.replace("affordable=1", "affordable=true").replace("affordable=0", "affordable=false")
    response = Client().get(f"/api/v1/public/institutions?{api_query}")
    assert response.status_code == 200, response.content
    assert set(api_names(response)) == expected
    page = Client().get(f"/public/institutions/?{query}").content.decode()
    for name in {"月塘阳光托育中心", "荷塘月亮托育园", "芦淞星星托育", "月塘王阿姨家庭托育点"}:
        assert (name in page) == (name in expected), (query, name)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", sorted(["月塘阳光托育中心", "荷塘月亮托育园", "芦淞星星托育", "月塘王阿姨家庭托育点"])),
        ("-capacity", ["月塘阳光托育中心", "芦淞星星托育", "荷塘月亮托育园", "月塘王阿姨家庭托育点"]),
        ("capacity", ["月塘王阿姨家庭托育点", "荷塘月亮托育园", "芦淞星星托育", "月塘阳光托育中心"]),
        ("filed_on", ["月塘阳光托育中心", "荷塘月亮托育园", "芦淞星星托育", "月塘王阿姨家庭托育点"]),
        ("-filed_on", ["月塘王阿姨家庭托育点", "芦淞星星托育", "荷塘月亮托育园", "月塘阳光托育中心"]),
    ],
)
def test_sorting(world, sort, expected):
    assert names(Client().get(f"/public/institutions.json?sort={sort}")) == expected
    assert api_names(Client().get(f"/api/v1/public/institutions?sort={sort}")) == expected


def test_the_page_paginates_and_counts(world, cast):
    for i in range(35):
        make_filed(by=cast.alice, name=f"批量托育{i:02d}", capacity=10)
    c = Client()
    first = c.get("/public/institutions/?sort=name").content.decode()
    assert "共 39 家" in first and "1 / 2" in first and "page=2" in first
    second = c.get("/public/institutions/?sort=name&page=2").content.decode()
    assert "2 / 2" in second and "sort=name" in second
    api = c.get("/api/v1/public/institutions?limit=10&offset=30").json()
    assert api["count"] == 39 and len(api["items"]) == 9


# --- what is public ---------------------------------------------------------------------------------


def test_a_home_point_shows_only_its_street_everywhere(world):
    home, c = world["home"], Client()
    secrets = ["幸福小区", "27.831234", "113.151234", "13812345678"]
    page = c.get(f"/public/institutions/{home.pk}/").content.decode()
    assert "株洲市 荷塘区 月塘街道" in page
    listing = c.get("/public/institutions/").content.decode()
    csv_text = b"".join(c.get("/public/institutions.csv").streaming_content).decode("utf-8-sig")
    json_text = c.get("/public/institutions.json").content.decode()
    api_list = c.get("/api/v1/public/institutions").content.decode()
    api_one = c.get(f"/api/v1/public/institutions/{home.pk}")
    for text in (page, listing, csv_text, json_text, api_list, api_one.content.decode()):
        for secret in secrets:
            assert secret not in text
    record = api_one.json()
    assert record["address"] is None and record["latitude"] is None and record["phone"] is None
    assert record["location"] == "株洲市 荷塘区 月塘街道"


def test_a_centre_shows_its_address_and_no_personal_data(world):
    sun, c = world["sun"], Client()
    page = c.get(f"/public/institutions/{sun.pk}/").content.decode()
    assert sun.address in page and "0731-22334455" in page
    record = c.get(f"/api/v1/public/institutions/{sun.pk}").json()
    assert record["address"] == sun.address and record["latitude"] == 27.83
    assert record["fees"] is None  # nothing published yet
    everything = page + json.dumps(record) + c.get("/public/institutions.json").content.decode()
    everything += b"".join(c.get("/public/institutions.csv").streaming_content).decode("utf-8-sig")
    for secret in (SECRET_ID, "张三", sun.legal_rep_id_number, "legal_rep", "director", "filing_status"):
        assert secret not in everything
    assert "version" not in record


def test_the_detail_shows_filing_fees_and_a_qr_code(world, cast):
    sun, c = world["sun"], Client()
    publish_fees(institution=sun, by=cast.ann, guided=Decimal("1800"))
    page = c.get(f"/public/institutions/{sun.pk}/").content.decode()
    number = sun.filings.get().number
    assert f"/verify/{number}/" in page
    assert "全日托保育费" in page and "2200" in page and "1800" in page and "最长预收 3 个月" in page
    assert 'src="data:image/svg+xml' in page
    assert "非营利性" not in page and "营利性" in page and "民办" in page and "普惠性" in page
    fees = c.get(f"/api/v1/public/institutions/{sun.pk}").json()["fees"]
    assert fees["max_prepay_months"] == 3 and fees["guided_price"] == "1800.00"
    assert [(i["name"], i["amount"]) for i in fees["items"]] == [("全日托保育费", "2200.00")]
    png = c.get(f"/public/institutions/{sun.pk}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"


def test_the_csv_is_excel_friendly_and_injection_safe(world, cast):
    make_filed(by=cast.alice, name='=HYPERLINK("http://evil")托育', opening_hours="+1 全天")
    response = Client().get("/public/institutions.csv?sort=name")
    assert response["Content-Type"].startswith("text/csv")
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0].keys()) == selectors.CSV_COLUMNS
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"].startswith("'=") and evil["opening_hours"].startswith("'+")
    sun = next(r for r in rows if r["name"] == "月塘阳光托育中心")
    assert sun["service_types"] == "full_day" and sun["is_affordable"] == "true" and sun["capacity"] == "120"
    assert sun["filing_number"].startswith("430202-2026-")


def test_the_list_links_to_the_downloads_of_the_current_filter(world):
    page = Client().get("/public/institutions/?region=430202&sort=name").content.decode()
    assert "/public/institutions.csv?region=430202&amp;sort=name" in page
    assert "/public/institutions.json?region=430202&amp;sort=name" in page


def test_signed_in_users_see_the_same_public_page(world, cast, login):
    for user in (cast.alice, cast.pat, cast.sam):
        response = login(user).get(f"/public/institutions/{world['star'].pk}/")
        assert response.status_code == 200 and "芦淞星星托育" in response.content.decode()


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("age=abc", "age"),
        ("age=99", "age"),
        ("sort=evil", "sort"),
        ("region=zzz", "region"),
        ("region=999999", "region"),
        ("service_type=boarding", "service_type"),
        ("min_capacity=-1", "min_capacity"),
        ("q=%01x", "q"),
        ("q=" + "长" * 51, "q"),
    ],
)
def test_bad_filters_get_a_clear_message_never_a_500(world, query, field):
    c = Client()
    page = c.get(f"/public/institutions/?{query}")
    assert page.status_code == 400 and "is-invalid" in page.content.decode()
    assert "月塘阳光托育中心" not in page.content.decode()  # a refused filter lists nothing, not everything
    assert c.get(f"/public/institutions.csv?{query}").status_code == 400
    problem = c.get(f"/public/institutions.json?{query}")
    assert problem.status_code == 422 and problem["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in problem.json()["errors"]] == [field]
    api = c.get(f"/api/v1/public/institutions?{query}")
    assert api.status_code == 422 and api["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in api.json()["errors"]}


def test_a_bad_sort_is_reported_beside_the_sort_field(world):
    page = Client().get("/public/institutions/?sort=evil&region=430202").content.decode()
    assert 'id="id_sort-error"' in page and 'aria-describedby="id_sort-error"' in page
    assert 'id="id_region-error"' not in page


@pytest.mark.parametrize("yes", ["1", "true"])
def test_the_page_the_downloads_and_the_api_take_the_same_filter_values(world, yes):
    """One FilterSet (disclosure.lists.PUBLIC): 普惠 as 1/0 or true/false everywhere."""
    c = Client()
    assert names(c.get(f"/public/institutions.json?affordable={yes}")) == ["月塘阳光托育中心"]
    assert api_names(c.get(f"/api/v1/public/institutions?affordable={yes}")) == ["月塘阳光托育中心"]
    page = c.get(f"/public/institutions/?affordable={yes}").content.decode()
    assert "月塘阳光托育中心" in page and "芦淞星星托育" not in page
    for bad in ("/public/institutions/?affordable=maybe", "/public/institutions.csv?affordable=maybe"):
        assert c.get(bad).status_code == 400
    assert c.get("/api/v1/public/institutions?affordable=maybe").status_code == 422


def test_the_api_documents_the_eight_filters(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/public/institutions"]["get"]
    names_ = {p["name"] for p in operation["parameters"]}
    expected = {"q", "region", "service_type", "kind", "affordable", "age", "min_capacity", "sort"}
    assert expected | {"limit", "offset"} == names_
    sort = next(p for p in operation["parameters"] if p["name"] == "sort")
    assert "-filed_on, filed_on, name, -capacity, capacity" in sort["description"]


def test_the_htmx_refresh_answers_the_results_only(world):
    c = Client()
    fragment = c.get("/public/institutions/?region=430202&sort=name", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and html.startswith('<div id="public-list">')
    assert "<form" not in html and "共 3 家" in html
    assert "/public/institutions.csv?region=430202&amp;sort=name" in html
    places = [html.index(n) for n in sorted(["月塘阳光托育中心", "荷塘月亮托育园", "月塘王阿姨家庭托育点"])]
    assert places == sorted(places) and "芦淞星星托育" not in html
    refused = c.get("/public/institutions/?age=abc", HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "月塘阳光托育中心" not in refused.content.decode()


@pytest.mark.parametrize("page", ["-1", "abc", "0", "999999999999999999999"])
def test_a_bad_page_number_shows_a_page(world, page):
    assert Client().get(f"/public/institutions/?page={page}").status_code == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=abc"])
def test_bad_api_pagination_is_a_422_problem(world, query):
    response = Client().get(f"/api/v1/public/institutions?{query}")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"


def test_the_api_needs_no_token_and_caps_the_page(world):
    response = Client().get("/api/v1/public/institutions?limit=200")
    assert response.status_code == 200 and response.json()["count"] == 4


# --- speed ------------------------------------------------------------------------------------------


def test_query_counts_do_not_grow_with_the_list(world, cast, django_assert_num_queries):
    for i in range(60):
        make_filed(by=cast.alice, name=f"批量托育{i:02d}", region="430202001" if i % 2 else "430203")
    c = Client()
    # list: count, page, the page's filing numbers, and the region select (prefixes in use, their regions)
    with django_assert_num_queries(5):
        assert c.get("/public/institutions/").status_code == 200
    with django_assert_num_queries(6):  # + the region filter's region
        assert c.get("/public/institutions/?region=430202&sort=-capacity&page=2").status_code == 200
    with django_assert_num_queries(3):  # count, page, the page's filing numbers
        assert c.get("/api/v1/public/institutions?limit=100").status_code == 200
    with django_assert_num_queries(4):
        assert c.get("/api/v1/public/institutions?limit=100&region=430202").status_code == 200
    with django_assert_num_queries(3):  # the htmx refresh: count, page, filing numbers (no region select)
        assert c.get("/public/institutions/?sort=name", HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_num_queries(2):  # the institutions, their filing numbers (per 1,000)
        assert c.get("/public/institutions.json").status_code == 200
    with django_assert_num_queries(3):  # + the region filter's region
        assert c.get("/public/institutions.json?region=430202&age=12").status_code == 200
    with django_assert_num_queries(2):
        b"".join(c.get("/public/institutions.csv").streaming_content)
    # detail: the institution, its filing number, its fee schedule and the schedule's items
    publish_fees(institution=world["sun"], by=cast.ann)
    with django_assert_num_queries(5):  # + the published notices
        assert c.get(f"/public/institutions/{world['sun'].pk}/").status_code == 200
    with django_assert_num_queries(4):
        assert c.get(f"/api/v1/public/institutions/{world['sun'].pk}").status_code == 200


def test_the_public_list_never_loads_sealed_personal_data(world, cast, django_assert_num_queries):
    """The ID numbers of the legal representative and the director are not shown: not even selected."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_filed(by=cast.alice, name="公示托育", region="430203")
    for url in ("/public/institutions/", "/api/v1/public/institutions", "/public/institutions.csv"):
        with CaptureQueriesContext(connection) as ctx:
            response = Client().get(url)
            if url.endswith(".csv"):
                b"".join(response.streaming_content)
        sql = " ".join(q["sql"] for q in ctx.captured_queries)
        assert "id_number" not in sql and "business_scope" not in sql, url


def test_filter_regions_has_no_duplicates(world, cast, django_assert_num_queries):
    from tuoyu.disclosure.selectors import filter_regions

    for i in range(6):
        make_filed(by=cast.alice, name=f"同街托育{i}", region="430202001")
    with django_assert_num_queries(2):
        regions = filter_regions()
    codes = [r.code for r in regions]
    assert len(codes) == len(set(codes))
    # the one prefix in use (430202001) and its ancestors below the province, whatever else world filed
    assert {"430200", "430202", "430202001"} <= set(codes)
    assert codes == sorted(codes)


def test_filter_regions_reads_one_row_per_prefix(world, cast):
    """DISTINCT over region_prefix only: the model's ordering (name, id) must not widen it to a row per
    institution."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuoyu.disclosure.selectors import filter_regions
    from tuoyu.institutions.models import FilingStatus, Institution

    for i in range(5):
        make_filed(by=cast.alice, name=f"同街托育{i}", region="430202001")
    with CaptureQueriesContext(connection) as ctx:
        filter_regions()
    distinct = ctx.captured_queries[0]["sql"]
    assert "DISTINCT" in distinct and "ORDER BY" not in distinct and '"name"' not in distinct
    prefixes = Institution.objects.filter(filing_status=FilingStatus.FILED).values("region_prefix")
    with connection.cursor() as cursor:
        cursor.execute(distinct)
        rows = cursor.fetchall()
    assert len(rows) == len({p["region_prefix"] for p in prefixes})


def test_everyone_finds_the_public_list_in_the_navigation(cast, login):
    page = Client().get("/accounts/login/").content.decode()
    assert 'data-nav="public-institutions"' in page and 'href="/public/institutions/"' in page
    assert 'data-nav="public-institutions"' in login(cast.pat).get("/").content.decode()


@pytest.mark.parametrize("institution_id", ["99999999999999999999999999", "9223372036854775808", "0"])
def test_hostile_ids_are_not_found_never_a_500(world, institution_id):
    c = Client()
    assert c.get(f"/public/institutions/{institution_id}/").status_code == 404
    assert c.get(f"/public/institutions/{institution_id}/qr.png").status_code == 404
    response = c.get(f"/api/v1/public/institutions/{institution_id}")
    assert 400 <= response.status_code < 500 and response["Content-Type"] == "application/problem+json"


def test_a_published_noncompliance_notice_shows_on_the_public_page_and_an_unpublished_one_does_not(
    world, cast
):
    import datetime as dt

    from django.utils import timezone

    from tuoyu.filings import services as filing_services

    sun, c = world["sun"], Client()
    today = timezone.localdate()
    notice = filing_services.notice_issue(
        by=cast.alice,
        institution_id=sun.pk,
        found_on=today,
        items=["观察室未单独设置"],
        required_action="设置独立观察室",
        rectify_by=today + dt.timedelta(days=30),
    )
    assert "观察室未单独设置" not in c.get(f"/public/institutions/{sun.pk}/").content.decode()
    filing_services.notice_publish(by=cast.alice, notice_id=notice.pk, version=notice.version)
    page = c.get(f"/public/institutions/{sun.pk}/").content.decode()
    assert "核查不符通知" in page and "观察室未单独设置" in page and "设置独立观察室" in page
