"""The institutions API beyond the registration push: pending filings, invitations, the change history."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.services import api_token_create
from tuoyu.institutions.models import Invitation
from tuoyu.institutions.services import invitation_for_token, registration_record
from tuoyu.institutions.tests.factories import registration_payload

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_county_sees_its_pending_institutions_with_days_and_the_overdue_flag(cast, settings):
    settings.FILING_OVERDUE_DAYS = 30
    cast.inst_a.registered_at = timezone.now() - dt.timedelta(days=45)
    cast.inst_a.save()
    body = bearer(cast.alice).get("/api/v1/institutions/pending").json()
    assert [(r["institution"]["id"], r["overdue"]) for r in body["items"]] == [(cast.inst_a.pk, True)]
    assert body["items"][0]["days_since_registration"] == 45
    zhou = bearer(cast.zhou).get("/api/v1/institutions/pending").json()
    assert {r["institution"]["id"] for r in zhou["items"]} == {cast.inst_a.pk, cast.inst_b.pk}


def test_the_pending_list_is_404_for_everyone_but_the_bureau(cast):
    for user in (cast.ivan, cast.clerk, cast.ann, cast.sam, cast.pat):
        assert bearer(user).get("/api/v1/institutions/pending").status_code == 404, user


def test_the_bureau_invites_the_admin_and_gets_the_one_time_link_once(cast):
    response = bearer(cast.alice).post(
        f"/api/v1/institutions/{cast.inst_a.pk}/invitations",
        {"invitee_name": "王芳", "invitee_phone": "13912345678"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["invitee_phone_masked"] == "139****5678"
    token = body["link"].rstrip("/").rsplit("/", 1)[1]
    assert body["link"].startswith("http://testserver/invitations/")
    assert invitation_for_token(token).pk == body["id"]
    assert token not in Invitation.objects.get(pk=body["id"]).token_hash


def test_an_invitation_with_a_bad_phone_is_a_422_and_nothing_is_created(cast):
    response = bearer(cast.alice).post(
        f"/api/v1/institutions/{cast.inst_a.pk}/invitations",
        {"invitee_name": "王芳", "invitee_phone": "12345"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "invitee_phone"
    assert not Invitation.objects.exists()


def test_inviting_outside_the_jurisdiction_is_404(cast):
    for user, inst in ((cast.bob, cast.inst_a), (cast.ann, cast.inst_a), (cast.clerk, cast.inst_a)):
        response = bearer(user).post(
            f"/api/v1/institutions/{inst.pk}/invitations",
            {"invitee_name": "王芳", "invitee_phone": "13912345678"},
            content_type="application/json",
        )
        assert response.status_code == 404, user
    assert not Invitation.objects.exists()


def test_the_change_history_masks_phone_and_id_numbers(cast):
    from tuoyu.institutions.forms import RegistrationForm

    def record(payload):
        form = RegistrationForm(data={**payload, "is_for_profit": "true"})
        assert form.is_valid(), form.errors
        return registration_record(by=cast.clerk, data=form.registration_data(), source="api")

    first = registration_payload(seq=7, phone="13812345678")
    institution = record(first).institution
    changed = {
        **first,
        "source_event_id": "SAMR-2",
        "phone": "13987654321",
        "legal_rep_id_number": registration_payload(seq=8)["legal_rep_id_number"],
    }
    record(changed)
    body = bearer(cast.alice).get(f"/api/v1/institutions/{institution.pk}/revisions").json()
    (revision,) = body["items"]
    assert revision["changes"]["phone"] == {"changed": True}  # a mobile is sealed, like the ID numbers
    assert revision["changes"]["legal_rep_id_number"] == {"changed": True}
    assert revision["changed_by"] == str(cast.clerk)
    assert bearer(cast.bob).get(f"/api/v1/institutions/{institution.pk}/revisions").status_code == 404


def test_a_nul_byte_in_an_invitation_is_a_422(cast):
    response = bearer(cast.alice).post(
        f"/api/v1/institutions/{cast.inst_a.pk}/invitations",
        {"invitee_name": "王\x00芳", "invitee_phone": "13912345678"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Invitation.objects.exists()
