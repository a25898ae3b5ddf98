"""The compliance pages and API: what each viewer sees, filters, pagination and bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test.utils import override_settings

from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.institutions.models import Institution, Room, RoomUse
from tuoyu.standards.services import evaluate_all
from tuoyu.standards.tests.test_engine import compliant, rooms_for
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(cast: Cast) -> Cast:
    compliant(cast.inst_a, recording_retention_days=30)  # SAF-01 fails
    rooms_for(cast.inst_a)
    compliant(cast.inst_b)
    rooms_for(cast.inst_b)
    compliant(cast.inst_hebi)
    evaluate_all()
    return cast


def test_the_institution_sees_its_own_outcomes_grouped_with_evidence_and_fix(
    evaluated: Cast, login: Any
) -> None:
    response = login(evaluated.ann).get("/standards/")
    assert response.status_code == 200
    text = response.content.decode()
    assert evaluated.inst_a.name in text and evaluated.inst_b.name not in text
    assert "录像保存30天，少于90天" in text and "扩容录像存储" in text
    assert text.index('data-status="fail"') < text.index('data-status="pass"')


def test_the_regulator_risk_page_ranks_and_links_to_the_explanation(evaluated: Cast, login: Any) -> None:
    client = login(evaluated.zhou)
    text = client.get("/standards/risk/").content.decode()
    assert text.index(evaluated.inst_a.name) < text.index(evaluated.inst_b.name)
    assert f"/standards/institutions/{evaluated.inst_a.pk}/" in text
    assert evaluated.inst_hebi.name not in text
    only = client.get("/standards/risk/?rule=SAF-01").content.decode()
    assert evaluated.inst_a.name in only and evaluated.inst_b.name not in only
    county = client.get("/standards/risk/?region=430203").content.decode()
    assert evaluated.inst_b.name in county and evaluated.inst_a.name not in county
    for bad in ("?page=999999", "?page=x"):
        assert client.get(f"/standards/risk/{bad}").status_code == 200
    # A filter the FilterSet refuses is a 400 with the message beside the field, listing nothing (core.lists).
    for bad, field in (("?rule=XX", "rule"), ("?region=abc", "region"), ("?region=" + "9" * 40, "region")):
        response = client.get(f"/standards/risk/{bad}")
        text = response.content.decode()
        assert response.status_code == 400 and f'id="{field}-error"' in text, bad
        assert evaluated.inst_a.name not in text and evaluated.inst_b.name not in text, bad
    assert evaluated.inst_a.name not in client.get("/standards/risk/?region=410611").content.decode()
    assert client.get("/standards/risk/?rule=%00").status_code == 400  # RejectNulMiddleware
    detail = client.get(f"/standards/institutions/{evaluated.inst_a.pk}/").content.decode()
    assert "SAF-01" in detail and "录像保存30天" in detail


def test_the_risk_page_paginates(cast: Cast, login: Any) -> None:
    for n in range(35):
        inst = Institution.objects.create(
            name=f"分页机构{n:02d}", uscc=f"91430202MA4L{n:04d}X", region=cast.inst_a.region
        )
        compliant(inst)
    evaluate_all()
    client = login(cast.alice)
    first = client.get("/standards/risk/").content.decode()
    assert "1 / 2" in first
    second = client.get("/standards/risk/?page=2").content.decode()
    assert second.count("分页机构") == 5


def test_outside_the_jurisdiction_is_404(evaluated: Cast, login: Any) -> None:
    assert login(evaluated.alice).get(f"/standards/institutions/{evaluated.inst_b.pk}/").status_code == 404
    assert login(evaluated.clerk).get(f"/standards/institutions/{evaluated.inst_a.pk}/").status_code == 404
    assert login(evaluated.ann).get(f"/standards/institutions/{evaluated.inst_b.pk}/").status_code == 404
    assert login(evaluated.ann).get("/standards/risk/").status_code == 404
    assert login(evaluated.alice).get("/standards/").status_code == 404


@override_settings(TUOYU_STANDARDS_OVERRIDES={"4302": {"SIT-02": {"max_floor": 2}}})
def test_the_rule_catalogue_shows_the_parameters_in_force_for_the_viewers_city(
    cast: Cast, login: Any
) -> None:
    zhou = login(cast.zhou).get("/standards/rules/").content.decode()
    assert (
        "最高楼层：2" in zhou
        and "本地" in zhou
        and "STF-01" in zhou
        and "2022年《托育机构卫生评价》通知" in zhou
    )
    # Chinese throughout: the titles and the confidence marks read as Chinese, not as codes or English.
    saf01 = zhou.split('data-rule="SAF-01"', 1)[1].split("</tr>", 1)[0]
    assert "监控录像保存≥90天" in saf01 and "CCTV" not in zhou
    assert '<small data-confidence="verified">已核实（官方来源）</small>' in saf01
    carol = login(cast.carol).get("/standards/rules/").content.decode()
    assert "最高楼层：3" in carol
    api = login(cast.ann).get("/api/v1/standards/rules").json()
    sit02 = next(r for r in api["rules"] if r["id"] == "SIT-02")
    assert sit02["params"][0] == {
        "name": "max_floor",
        "label": "最高楼层",
        "national": 3,
        "in_force": 2,
        "stricter": "lower",
        "local": False,
    }


def test_api_evaluation_and_risk(evaluated: Cast, login: Any) -> None:
    client = login(evaluated.alice)
    body = client.get(f"/api/v1/standards/institutions/{evaluated.inst_a.pk}").json()
    saf01 = next(o for o in body["outcomes"] if o["rule_id"] == "SAF-01")
    assert saf01["status"] == "fail" and saf01["severity"] == "fail" and body["risk_score"] == 5
    risk = login(evaluated.zhou).get("/api/v1/standards/risk?rule=SAF-01").json()
    assert risk["count"] == 1 and risk["items"][0]["failing_rules"] == ["SAF-01"]
    assert risk["items"][0]["region_code"] == "430202001"
    for bad in ("?rule=nope", "?rule=ZZ-99", "?region=x", "?limit=0", "?offset=-1"):
        response = login(evaluated.zhou).get(f"/api/v1/standards/risk{bad}")
        assert response.status_code in (400, 422) and response["Content-Type"] == PROBLEM_CONTENT_TYPE, bad
    missing = client.get(f"/api/v1/standards/institutions/{evaluated.inst_b.pk}")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_rooms_entered_change_the_page(cast: Cast, login: Any) -> None:
    compliant(cast.inst_a)
    text = login(cast.ann).get("/standards/").content.decode()
    assert "尚未录入房间" in text
    Room.objects.create(
        institution=cast.inst_a,
        name="地下活动室",
        floor=-1,
        below_ground=True,
        floor_area_m2=Decimal("40"),
        window_area_m2=Decimal("2"),
        use=RoomUse.ACTIVITY,
    )
    text = login(cast.ann).get("/standards/").content.decode()
    assert "地下活动室在地下或半地下" in text


def test_the_rule_catalogue_shows_parameter_labels_in_english_and_the_api_keeps_them_chinese(
    cast: Cast, login: Any, tmp_path: Any, settings: Any
) -> None:
    import polib
    from django.conf import settings as django_settings

    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    po.append(polib.POEntry(msgid="最高楼层", msgstr="Highest floor"))
    po.append(
        polib.POEntry(msgid="乳儿班每名保育人员最多（人）", msgstr="Infant class: children per caregiver")
    )
    (tmp_path / "en" / "LC_MESSAGES").mkdir(parents=True)
    po.save_as_mofile(str(tmp_path / "en" / "LC_MESSAGES" / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]
    client = login(cast.zhou)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/standards/rules/").content.decode()
    assert "Highest floor：3" in page and "Infant class: children per caregiver：3" in page
    assert "最高楼层" not in page
    assert "CCTV retention ≥ 90 days" in page and "监控录像保存≥90天" not in page
    rat01 = next(r for r in client.get("/api/v1/standards/rules").json()["rules"] if r["id"] == "RAT-01")
    assert rat01["params"][0]["label"] == "乳儿班每名保育人员最多（人）"  # a stable shape for other systems


def test_the_risk_page_queries_do_not_grow_with_the_list(
    cast: Cast, login: Any, django_assert_num_queries: Any
) -> None:
    """Session, user, memberships, count, the page (institution and region joined, its sealed columns not
    loaded), the filter's regions, the unread notifications badge — for 5 results as for 35."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(cast.alice)
    client.get("/standards/risk/")  # the session's first request renews it (a write): not counted
    for n in range(35):
        inst = Institution.objects.create(
            name=f"计数机构{n:02d}", uscc=f"91430202MA4L{n:04d}X", region=cast.inst_a.region
        )
        compliant(inst)
        if n == 4:
            evaluate_all()
            with django_assert_num_queries(8):
                assert client.get("/standards/risk/").status_code == 200
    evaluate_all()
    with django_assert_num_queries(8):
        text = client.get("/standards/risk/").content.decode()
    assert text.count("计数机构") == 30
    with CaptureQueriesContext(connection) as ctx:
        client.get("/standards/risk/?region=430202")
    page = next(
        q["sql"]
        for q in ctx.captured_queries
        if "standards_complianceresult" in q["sql"] and "LIMIT" in q["sql"]
    )
    assert "id_number" not in page and "business_scope" not in page
