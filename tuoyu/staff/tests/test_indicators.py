"""Staff indicators: the three shares by institution and region, the page, its exports and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.audit.models import Event
from tuoyu.regions.models import Region
from tuoyu.staff import indicators
from tuoyu.staff.indicators import Figures, Ratio
from tuoyu.staff.models import (
    BackgroundCheck,
    Certificate,
    Employment,
    HealthCertificate,
)
from tuoyu.staff.tests.factories import hire

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def cert(person, kind, *, expires_in: int | None = 365):  # noqa: ANN001, ANN201
    return Certificate.objects.create(
        person=person,
        kind=kind,
        number=f"{kind}-{person.pk}",
        issuer="人社局",
        issued_on=today() - dt.timedelta(days=400),
        expires_on=None if expires_in is None else today() + dt.timedelta(days=expires_in),
    )


def healthy(person, *, days_ago: int = 30):  # noqa: ANN001, ANN201
    return HealthCertificate.objects.create(
        person=person, issued_on=today() - dt.timedelta(days=days_ago), issuer="妇幼保健院"
    )


def checked(person, *, sexual: str = "clear", criminal: str = "clear"):  # noqa: ANN001, ANN201
    for kind, result in (("no_criminal_record", criminal), ("sexual_offence", sexual)):
        if result:
            BackgroundCheck.objects.create(
                person=person,
                kind=kind,
                checked_on=today() - dt.timedelta(days=10),
                result=result,
                authority="公安",
            )


@pytest.fixture
def staffed(cast):  # noqa: ANN001, ANN201
    """inst_a: four active, one ended; inst_b: three active (see each line)."""
    a = cast.ann, cast.inst_a
    p1 = hire(*a, seq=1, name="甲", roles=["caregiver"]).person  # everything in order
    cert(p1, "childcare_worker", expires_in=None)
    healthy(p1)
    checked(p1)
    p2 = hire(*a, seq=2, name="乙", roles=["caregiver"]).person  # expired certificate, one check, old health
    cert(p2, "childcare_worker", expires_in=-1)
    healthy(p2, days_ago=400)
    checked(p2, sexual="")
    p3 = hire(*a, seq=3, name="丙", roles=["cook"]).person  # needs no certificate
    healthy(p3)
    p4 = hire(*a, seq=4, name="丁", roles=["caregiver", "guard"]).person  # no guard licence
    cert(p4, "nursery_teacher")
    p5 = hire(*a, seq=5, name="戊", roles=["caregiver"])  # ended: not counted
    cert(p5.person, "teacher")
    Employment.objects.filter(pk=p5.employment.pk).update(end_date=today())
    b = cast.ben, cast.inst_b
    p6 = hire(*b, seq=6, name="己", roles=["guard"]).person
    cert(p6, "guard_licence")
    p7 = hire(*b, seq=7, name="庚", roles=["cook"]).person  # a check found a record
    checked(p7)
    BackgroundCheck.objects.create(
        person=p7, kind="sexual_offence", checked_on=today(), result="found", authority="公安"
    )
    p8 = hire(*b, seq=8, name="辛", roles=["director"]).person  # director: the training certificate (其他)
    cert(p8, "other")
    checked(p8)
    return cast


def figures(staff, certified, health, background):  # noqa: ANN001, ANN201
    return Figures(staff, Ratio(*certified), Ratio(*health), Ratio(*background))


def test_each_institution_has_its_own_shares(staffed) -> None:
    cast = staffed
    got = dict(
        indicators.institution_figures(
            viewer=cast.zhou, institutions=[cast.inst_a, cast.inst_b, cast.inst_hebi], on=today()
        )
    )
    assert got[cast.inst_a] == figures(4, (1, 3), (2, 4), (1, 4))
    assert got[cast.inst_b] == figures(3, (2, 2), (0, 3), (1, 3))
    assert got[cast.inst_hebi] == indicators.EMPTY  # carol's: outside zhou's reach, and empty anyway


def test_the_city_rolls_up_to_its_counties(staffed) -> None:
    cast = staffed
    data = indicators.region_indicators(viewer=cast.zhou, region=Region.objects.get(code="430200"))
    assert data.total == figures(7, (3, 5), (2, 7), (2, 7))
    rows = {r.region.code: r.figures for r in data.children if r.region}
    assert rows["430202"] == figures(4, (1, 3), (2, 4), (1, 4))
    assert rows["430203"] == figures(3, (2, 2), (0, 3), (1, 3))
    assert rows["430211"] == indicators.EMPTY
    assert all(r.region for r in data.children)  # no institution sits in the city itself


def test_a_county_rolls_up_to_its_streets(staffed) -> None:
    cast = staffed
    data = indicators.region_indicators(viewer=cast.alice, region=Region.objects.get(code="430202"))
    rows = {r.region.code: r.figures for r in data.children if r.region}
    assert rows["430202001"] == data.total == figures(4, (1, 3), (2, 4), (1, 4))
    # an institution placed in the county itself (not in a street) shows in a row of its own
    cast.inst_a.region = Region.objects.get(code="430202")
    cast.inst_a.save()
    data = indicators.region_indicators(viewer=cast.alice, region=Region.objects.get(code="430202"))
    assert [r.figures for r in data.children if r.region is None] == [data.total]


def test_a_region_without_staff_shows_a_dash_not_a_division_by_zero(cast) -> None:
    data = indicators.region_indicators(viewer=cast.carol, region=Region.objects.get(code="410600"))
    assert data.total.staff == 0
    assert str(data.total.certified) == str(data.total.health) == "—"
    assert data.total.certified.percent is None
    assert str(Ratio(1, 3)) == "33.3%" and Ratio(1, 3).percent == 33.3


def test_the_health_cutoff_agrees_with_the_certificate_itself() -> None:
    day = dt.date(2024, 1, 1)
    while day < dt.date(2026, 1, 1):
        cutoff = HealthCertificate.issued_since(day)
        assert HealthCertificate(issued_on=cutoff).is_valid(day)
        assert not HealthCertificate(issued_on=cutoff - dt.timedelta(days=1)).is_valid(day)
        day += dt.timedelta(days=7)
    # Examined 28 Feb 2024: valid through 28 Feb 2025, the anniversary itself (STF-05: ≤ 12 months).
    assert HealthCertificate.issued_since(dt.date(2025, 2, 28)) == dt.date(2024, 2, 28)


def test_the_number_of_queries_does_not_grow_with_the_staff(cast) -> None:
    region = Region.objects.get(code="430200")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            indicators.region_indicators(viewer=cast.zhou, region=region)
            indicators.institution_figures(viewer=cast.zhou, institutions=[cast.inst_a, cast.inst_b])
        return len(ctx.captured_queries)

    hire(cast.ann, cast.inst_a, seq=1)
    count()  # the viewer's memberships and the region's parents are loaded once
    few = count()
    assert few == 4
    for seq in range(2, 12):
        p = hire(cast.ann, cast.inst_a, seq=seq).person
        healthy(p)
        cert(p, "teacher")
    assert count() == few


# --- who reads them -----------------------------------------------------------------------------------


def test_regulators_read_their_region_and_not_another(staffed, login) -> None:
    cast = staffed
    zhou = login(cast.zhou)
    text = zhou.get("/staff/indicators/").content.decode()
    assert "株洲市" in text and cast.inst_a.name in text and cast.inst_b.name in text and "60.0%" in text
    assert zhou.get("/staff/indicators/?region=430202").status_code == 200
    assert zhou.get("/staff/indicators/?region=410600").status_code == 404
    alice = login(cast.alice)
    text = alice.get("/staff/indicators/").content.decode()
    assert cast.inst_a.name in text and cast.inst_b.name not in text
    assert alice.get("/staff/indicators/?region=430203").status_code == 404
    assert alice.get("/staff/indicators/?region=430200").status_code == 404  # above her: not hers
    assert alice.get("/staff/indicators/?region=43020x").status_code == 404
    assert login(cast.ivan).get("/staff/indicators/").status_code == 200


def test_the_page_never_names_a_person(staffed, login) -> None:
    text = login(staffed.zhou).get("/staff/indicators/").content.decode()
    for name in ("甲", "乙", "丙", "丁"):
        assert f">{name}<" not in text


@pytest.mark.parametrize("who", ["ann", "stacy", "clerk", "audrey", "sam", "pat"])
def test_nobody_else_reads_the_indicators(staffed, login, who) -> None:
    assert login(getattr(staffed, who)).get("/staff/indicators/").status_code == 404


def test_the_institution_table_is_paged_keeping_the_region(staffed, login, monkeypatch) -> None:
    from tuoyu.staff import views

    monkeypatch.setattr(views, "INDICATOR_PAGE_SIZE", 1)
    zhou = login(staffed.zhou)
    text = zhou.get("/staff/indicators/?region=430200").content.decode()
    assert "?region=430200&page=2" in text
    text = zhou.get("/staff/indicators/?region=430200&page=2").content.decode()
    assert staffed.inst_b.name in text and staffed.inst_a.name not in text.split("indicator-institutions")[1]


def test_the_excel_export_is_audited_and_has_the_figures(staffed, login) -> None:
    response = login(staffed.zhou).get("/staff/indicators/export.xlsx?region=430200")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    by_name = {r[0]: r for r in rows[1:]}
    a = by_name[staffed.inst_a.name]
    assert a[4] == 4 and a[5] == "33.3%" and (a[6], a[7]) == (1, 3)
    assert Event.objects.filter(action="staff.indicators_export", actor=staffed.zhou).exists()


def test_the_csv_export_is_audited_and_stays_in_the_jurisdiction(staffed, login) -> None:
    alice = login(staffed.alice)
    response = alice.get("/staff/indicators/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "机构名称" and [r[0] for r in rows[1:]] == [staffed.inst_a.name]
    assert Event.objects.filter(action="staff.indicators_export", actor=staffed.alice).count() == 1
    assert alice.get("/staff/indicators/export.csv?region=430203").status_code == 404
    assert Event.objects.filter(action="staff.indicators_export", actor=staffed.alice).count() == 1


# --- API ----------------------------------------------------------------------------------------------


def test_the_api_gives_numerators_and_denominators(staffed, login) -> None:
    response = login(staffed.zhou).get("/api/v1/staff/indicators?region=430200")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "430200" and body["total"]["staff"] == 7
    assert body["total"]["certified"] == {"numerator": 3, "denominator": 5, "percent": 60.0}
    counties = {c["code"]: c["figures"] for c in body["children"]}
    assert counties["430211"]["health"] == {"numerator": 0, "denominator": 0, "percent": None}


@pytest.mark.parametrize(
    ("region", "status"), [("410600", 404), ("999999", 404), ("43x", 422), ("1" * 13, 422)]
)
def test_the_api_refuses_a_bad_region_with_a_problem(staffed, login, region, status) -> None:
    response = login(staffed.zhou).get(f"/api/v1/staff/indicators?region={region}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if status == 422:
        assert response.json()["errors"][0]["field"].endswith("region")


def test_the_api_is_404_for_an_institution_admin(staffed, login) -> None:
    response = login(staffed.ann).get("/api/v1/staff/indicators")
    assert response.status_code == 404


def test_a_regulator_of_two_counties_starts_at_the_first_and_may_open_the_other(staffed, login) -> None:
    from tuoyu.accounts.services import membership_grant
    from tuoyu.testing.fixtures import make_user

    both = make_user("both", "regulator", region="430203")
    membership_grant(user=both, role="regulator", region=Region.objects.get(code="430202"))
    client = login(both)
    text = client.get("/staff/indicators/").content.decode()
    assert "从业人员指标 · 荷塘区" in text and "?region=430203" in text
    assert client.get("/staff/indicators/?region=430203").status_code == 200
    assert client.get("/staff/indicators/?region=430200").status_code == 404


# --- API by institution -------------------------------------------------------------------------------


def test_the_api_by_institution_gives_each_institutions_shares_paged(staffed, login) -> None:
    cast = staffed
    client = login(cast.zhou)
    with CaptureQueriesContext(connection) as first_page:
        response = client.get("/api/v1/staff/indicators/institutions?region=430200&limit=1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and len(body["items"]) == 1
    first = body["items"][0]
    assert first["id"] == cast.inst_a.pk and first["region_code"] == "430202001"
    assert first["figures"]["staff"] == 4
    assert first["figures"]["certified"] == {"numerator": 1, "denominator": 3, "percent": 33.3}
    second = client.get("/api/v1/staff/indicators/institutions?region=430200&limit=1&offset=1").json()
    assert [i["id"] for i in second["items"]] == [cast.inst_b.pk]
    assert second["items"][0]["figures"]["health"] == {"numerator": 0, "denominator": 3, "percent": 0.0}
    with CaptureQueriesContext(connection) as both_pages:
        client.get("/api/v1/staff/indicators/institutions?region=430200&limit=50")
    assert len(both_pages) == len(first_page)  # the figures of a page: one query, whatever its length


def test_the_api_by_institution_is_the_same_figures_as_the_module(staffed, login) -> None:
    cast = staffed
    items = login(cast.alice).get("/api/v1/staff/indicators/institutions").json()["items"]
    assert [i["id"] for i in items] == [cast.inst_a.pk]  # alice's own county by default: not inst_b
    got = dict(indicators.institution_figures(viewer=cast.alice, institutions=[cast.inst_a]))
    assert items[0]["figures"]["background"]["numerator"] == got[cast.inst_a].background.numerator


@pytest.mark.parametrize(
    ("region", "status"), [("430203", 404), ("410600", 404), ("999999", 404), ("43x", 422), ("1" * 13, 422)]
)
def test_the_api_by_institution_refuses_a_region_outside_or_malformed(staffed, login, region, status) -> None:
    response = login(staffed.alice).get(f"/api/v1/staff/indicators/institutions?region={region}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if status == 422:
        assert response.json()["errors"][0]["field"].endswith("region")


def test_the_api_by_institution_is_404_for_an_institution_admin_and_401_anonymous(
    staffed, login, client
) -> None:
    assert login(staffed.ann).get("/api/v1/staff/indicators/institutions").status_code == 404
    assert client.get("/api/v1/staff/indicators/institutions").status_code == 401
