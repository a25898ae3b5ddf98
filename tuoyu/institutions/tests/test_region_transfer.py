"""A registration that moves an institution to another county does not move it: the rest is recorded, and
a region-transfer request waits for the city over both counties to approve or reject it (issue 9)."""

import json

import pytest

from tuoyu.audit.models import Event
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.institutions.models import (
    Institution,
    InstitutionRevision,
    RegionTransfer,
    Registration,
    TransferStatus,
)
from tuoyu.institutions.tests.factories import registration_payload
from tuoyu.institutions.tests.test_registration import form_data, push
from tuoyu.institutions.tests.test_registration_import import workbook
from tuoyu.notifications.models import Notification

pytestmark = pytest.mark.django_db


def registered(cast, login, seq=70):
    """An institution the 株洲 clerk registered in 荷塘区 (430202001), and the payload that did it."""
    payload = registration_payload(seq=seq)
    assert push(login(cast.clerk), payload).status_code == 201
    return Institution.objects.get(uscc=payload["uscc"]), payload


def moved(payload, region="430203", **more):
    return {**payload, "source_event_id": f"{payload['source_event_id']}-{region}", "region": region, **more}


def decide(client, transfer, action, comment=""):
    return client.post(
        f"/api/v1/region-transfers/{transfer.pk}/{action}",
        json.dumps({"comment": comment}),
        content_type="application/json",
    )


def test_a_push_to_another_county_records_the_rest_and_leaves_the_region_pending_review(cast, login):
    institution, payload = registered(cast, login)
    response = push(login(cast.clerk), moved(payload, address="芦淞路1号"))
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "updated" and "region" not in body["changes"]
    assert body["region_transfer"]["status"] == "pending"
    assert (body["region_transfer"]["from_region"], body["region_transfer"]["to_region"]) == (
        "430202001",
        "430203",
    )
    assert "审核" in body["notice"] and "芦淞区" in body["notice"]
    institution.refresh_from_db()
    assert (institution.address, institution.region_id, institution.region_prefix) == (
        "芦淞路1号",
        "430202001",
        "430202001",
    )
    transfer = RegionTransfer.objects.get()
    assert transfer.registration.payload["region"] == "430203"  # the registration as received
    assert Event.objects.filter(action="region_transfer.request", object_id=str(transfer.pk)).exists()
    assert Notification.objects.filter(recipient=cast.zhou, kind="region_transfer.requested").exists()
    assert not Notification.objects.filter(recipient=cast.carol, kind="region_transfer.requested").exists()
    replay = push(login(cast.clerk), moved(payload, address="芦淞路1号")).json()
    assert replay["replayed"] is True and replay["region_transfer"]["id"] == transfer.pk


def test_a_move_between_streets_of_one_county_needs_no_review(cast, login):
    institution, payload = registered(cast, login, seq=71)
    response = push(login(cast.clerk), moved(payload, region="430202002"))
    assert response.json()["outcome"] == "updated" and response.json()["region_transfer"] is None
    institution.refresh_from_db()
    assert institution.region_id == "430202002"
    assert not RegionTransfer.objects.exists()


def test_the_city_approves_and_the_institution_and_its_filings_move(cast, login):
    institution, payload = registered(cast, login, seq=72)
    Filing.objects.create(
        institution=institution,
        kind=FilingKind.INITIAL,
        state=FilingState.SUBMITTED,
        created_by=cast.clerk,
        region_prefix=institution.region_prefix,
    )
    push(login(cast.clerk), moved(payload))
    transfer = RegionTransfer.objects.get()
    response = decide(login(cast.zhou), transfer, "approve", "经核实，机构已搬迁")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    institution.refresh_from_db()
    assert (institution.region_id, institution.region_prefix, institution.version) == ("430203", "430203", 2)
    assert Filing.objects.get(institution=institution).region_prefix == "430203"
    revision = InstitutionRevision.objects.get(institution=institution, source="region_transfer")
    assert revision.changes == {"region": ["430202001", "430203"]} and revision.changed_by == cast.zhou
    event = Event.objects.get(action="institution.region_transfer", object_id=str(institution.pk))
    assert (event.before, event.after) == ({"region": "430202001"}, {"region": "430203"})
    assert Event.objects.filter(action="region_transfer.approve", actor=cast.zhou).exists()
    assert Notification.objects.filter(recipient=cast.clerk, kind="region_transfer.approved").exists()
    # Jurisdiction follows: the new county's bureau has it, the old one no longer.
    assert login(cast.bob).get(f"/institutions/{institution.pk}/").status_code == 200
    assert login(cast.alice).get(f"/institutions/{institution.pk}/").status_code == 404
    again = decide(login(cast.zhou), transfer, "approve")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"


def test_only_the_city_over_both_regions_decides(cast, login):
    institution, payload = registered(cast, login, seq=73)
    push(login(cast.clerk), moved(payload))
    transfer = RegionTransfer.objects.get()
    for who in ("alice", "bob", "carol", "clerk", "ivan", "ann", "sam", "audrey"):
        response = decide(login(getattr(cast, who)), transfer, "approve", "同意")
        assert response.status_code == 404, who
    transfer.refresh_from_db()
    institution.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING and institution.region_id == "430202001"


def test_a_rejection_needs_a_reason_and_leaves_the_institution_where_it_was(cast, login):
    institution, payload = registered(cast, login, seq=74)
    push(login(cast.clerk), moved(payload))
    transfer = RegionTransfer.objects.get()
    client = login(cast.zhou)
    refused = decide(client, transfer, "reject", "  ")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "comment"
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING
    response = decide(client, transfer, "reject", "地址不在芦淞区")
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    institution.refresh_from_db()
    assert institution.region_id == "430202001"
    assert Notification.objects.filter(recipient=cast.clerk, kind="region_transfer.rejected").exists()


def test_a_later_registration_keeps_or_supersedes_the_pending_request(cast, login):
    institution, payload = registered(cast, login, seq=75)
    client = login(cast.clerk)
    push(client, moved(payload))
    push(client, moved(payload, source_event_id="same-target", address="又一条路2号"))
    assert RegionTransfer.objects.filter(status=TransferStatus.PENDING).count() == 1  # the same request
    push(client, {**payload, "source_event_id": "back-home"})  # the authority says: where it was
    assert not RegionTransfer.objects.filter(status=TransferStatus.PENDING).exists()
    assert RegionTransfer.objects.get().status == TransferStatus.SUPERSEDED


def test_approving_after_the_institution_moved_otherwise_is_a_conflict(cast, login):
    institution, payload = registered(cast, login, seq=76)
    push(login(cast.clerk), moved(payload))
    Institution.objects.filter(pk=institution.pk).update(region_id="430202002", region_prefix="430202002")
    transfer = RegionTransfer.objects.get()
    assert decide(login(cast.zhou), transfer, "approve").status_code == 409
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING


def test_the_web_form_tells_the_clerk_the_region_change_awaits_review(cast, login):
    institution, payload = registered(cast, login, seq=77)
    response = login(cast.clerk).post(
        "/institutions/registrations/new/",
        form_data(seq=77, region="430203", uscc=payload["uscc"]),
        follow=True,
    )
    assert "须经卫生健康部门审核后生效" in response.content.decode()
    institution.refresh_from_db()
    assert institution.region_id == "430202001"
    assert RegionTransfer.objects.filter(institution=institution, status="pending").exists()


def test_the_excel_batch_records_the_rows_and_lists_the_moves_awaiting_review(cast, login):
    institution, payload = registered(cast, login, seq=78)
    rows = [registration_payload(seq=79), moved(payload)]
    html = (
        login(cast.clerk)
        .post("/institutions/registrations/import/", {"file": workbook(rows)})
        .content.decode()
    )
    assert "已导入2行" in html and 'id="import-transfers"' in html and institution.name in html
    institution.refresh_from_db()
    assert institution.region_id == "430202001"
    assert Registration.objects.filter(institution=institution).count() == 2


def test_the_city_reviews_on_the_page_and_a_rejection_without_reason_is_shown_next_to_the_field(cast, login):
    institution, payload = registered(cast, login, seq=80)
    push(login(cast.clerk), moved(payload))
    transfer = RegionTransfer.objects.get()
    client = login(cast.zhou)
    page = client.get("/institutions/region-transfers/")
    assert page.status_code == 200 and institution.name in page.content.decode()
    refused = client.post(
        f"/institutions/region-transfers/{transfer.pk}/reject/", {f"t{transfer.pk}-comment": ""}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "驳回须写明理由" in html and f'id="id_t{transfer.pk}-comment-error"' in html
    approved = client.post(
        f"/institutions/region-transfers/{transfer.pk}/approve/", {f"t{transfer.pk}-comment": "同意"}
    )
    assert approved.status_code == 302
    institution.refresh_from_db()
    assert institution.region_id == "430203"
    assert (
        f'data-testid="status-{transfer.pk}">已批准'
        in client.get("/institutions/region-transfers/").content.decode()
    )
    assert login(cast.alice).get("/institutions/region-transfers/").status_code == 404
    assert login(cast.carol).get("/institutions/region-transfers/").status_code == 200
    assert institution.name not in login(cast.carol).get("/institutions/region-transfers/").content.decode()


def test_the_list_api_shows_requests_in_reach_only(cast, login):
    institution, payload = registered(cast, login, seq=81)
    push(login(cast.clerk), moved(payload))
    for who, expected in (("zhou", 1), ("alice", 1), ("bob", 1), ("clerk", 1), ("carol", 0), ("ann", 0)):
        items = login(getattr(cast, who)).get("/api/v1/region-transfers?status=pending").json()["items"]
        assert len(items) == expected, who
