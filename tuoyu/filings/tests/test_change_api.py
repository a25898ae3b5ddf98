"""Change filing and FIL-05 notices through the API (the same services as the pages)."""

import datetime as dt

import pytest
from django.utils import timezone

from tuoyu.filings import services
from tuoyu.filings.models import FilingKind
from tuoyu.filings.tests.test_change import ID_NUMBER
from tuoyu.testing.filings import file_and_accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(cast):
    cast.inst_a.capacity = 40
    cast.inst_a.save()
    filing = file_and_accept(cast.inst_a, cast.ann, cast.alice)
    cast.inst_a.refresh_from_db()
    return filing


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_admin_sets_changes_and_reads_the_masked_diff(cast, login, filed):
    ann = login(cast.ann)
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CHANGE)
    bad = post(
        ann,
        f"/api/v1/filings/{filing.pk}/changes",
        {"version": filing.version, "changes": {"services": {"capacity": "x"}}},
    )
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    stale = post(
        ann,
        f"/api/v1/filings/{filing.pk}/changes",
        {"version": 99, "changes": {"services": {"capacity": 60}}},
    )
    assert stale.status_code == 409
    ok = post(
        ann,
        f"/api/v1/filings/{filing.pk}/changes",
        {
            "version": filing.version,
            "changes": {
                "services": {"capacity": 60},
                "legal_rep": {"legal_rep_name": "王五", "legal_rep_id_number": ID_NUMBER},
            },
        },
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["changed_items"] == ["services", "legal_rep"]
    rows = {r["field"]: r for g in body["groups"] for r in g["rows"]}
    assert rows["capacity"]["proposed"] == "60" and ID_NUMBER not in ok.content.decode()
    alice = login(cast.alice)
    assert alice.get(f"/api/v1/filings/{filing.pk}/changes").status_code == 200
    assert login(cast.ben).get(f"/api/v1/filings/{filing.pk}/changes").status_code == 404


def test_notices_through_the_api(cast, login, filed):
    alice, ann = login(cast.alice), login(cast.ann)
    today = timezone.localdate()
    body = {
        "institution_id": cast.inst_a.pk,
        "found_on": (today - dt.timedelta(days=40)).isoformat(),
        "items": ["托位数不符"],
        "required_action": "整改",
        "rectify_by": (today + dt.timedelta(days=30)).isoformat(),
    }
    assert post(ann, "/api/v1/notices", body).status_code == 404
    created = post(alice, "/api/v1/notices", body)
    assert created.status_code == 201 and created.json()["late"] is True
    notice = created.json()
    published = post(alice, f"/api/v1/notices/{notice['id']}/publish", {"version": notice["version"]})
    assert published.status_code == 200 and published.json()["published_at"]
    responded = post(
        ann,
        f"/api/v1/notices/{notice['id']}/respond",
        {"version": published.json()["version"], "response": "已整改"},
    )
    assert responded.status_code == 200
    listed = ann.get("/api/v1/notices").json()
    assert [n["id"] for n in listed["items"]] == [notice["id"]]


def test_a_change_filing_is_returned_through_the_api_for_a_changed_group_only(cast, login, filed):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CHANGE)
    filing = services.filing_change_set(
        by=cast.ann, filing_id=filing.pk, changes={"services": {"capacity": 50}}
    )
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    alice = login(cast.alice)
    url = f"/api/v1/filings/{filing.pk}/return"
    wrong = post(
        alice, url, {"version": filing.version, "reasons": [{"item": "fire_safety", "reason": "过期"}]}
    )
    assert wrong.status_code == 400
    ok = post(
        alice,
        url,
        {"version": filing.version, "reasons": [{"item": "services", "reason": "托位数与面积不符"}]},
    )
    assert ok.status_code == 200 and ok.json()["state"] == "returned"
