"""Fee schedules through the API: the institution's admin publishes; whoever sees the institution reads."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.services import api_token_create
from tuoyu.fees.models import FeeItem, FeeSchedule
from tuoyu.institutions.models import FilingStatus, Institution

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def schedule(institution, **overrides):
    body = {
        "institution_id": institution.pk,
        "effective_from": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "max_prepay_months": 3,
        "items": [
            {
                "kind": "monthly",
                "service_type": "full_day",
                "name": "全日托保育费",
                "amount": "2200.00",
                "unit": "month",
                "includes": "保育、早期发展活动",
            },
            {"kind": "meal", "name": "伙食费", "amount": "20", "unit": "day"},
        ],
    }
    body.update(overrides)
    return body


def publish(client, body):
    return client.post("/api/v1/fees/schedules", body, content_type="application/json")


def test_the_admin_publishes_and_the_county_reads_the_schedule_in_force(cast):
    response = publish(bearer(cast.ann), schedule(cast.inst_a))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(i["name"], i["amount"]) for i in body["items"]] == [
        ("全日托保育费", "2200.00"),
        ("伙食费", "20.00"),
    ]
    assert body["items"][1]["service_type"] == ""
    listed = bearer(cast.alice).get(f"/api/v1/fees/schedules?institution_id={cast.inst_a.pk}").json()
    assert listed["current_id"] == body["id"] and listed["prepay_limit_months"] == 3
    assert [s["id"] for s in listed["schedules"]] == [body["id"]]


def test_a_prepayment_period_over_the_local_limit_is_a_422_with_the_field_and_nothing_saved(cast):
    response = publish(bearer(cast.ann), schedule(cast.inst_a, max_prepay_months=4))
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "max_prepay_months" and error["code"] == "prepay_limit"
    assert "不得超过3个月" in error["message"]
    assert not FeeSchedule.objects.exists() and not FeeItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"items": [{"kind": "meal", "name": "伙食费", "amount": "20", "unit": "day"}]}, "items"),
        ({"items": []}, "items"),
        ({"max_prepay_months": 13}, "max_prepay_months"),
        ({"effective_from": "2026-02-30"}, "effective_from"),
        ({"effective_from": "9999-12-31"}, "effective_from"),
        (
            {"items": [{"kind": "monthly", "name": "保育费", "amount": "-5", "unit": "month"}]},
            "items.0.amount",
        ),
    ],
)
def test_bad_schedules_are_422_problems_naming_the_field(cast, overrides, field):
    response = publish(bearer(cast.ann), schedule(cast.inst_a, **overrides))
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not FeeSchedule.objects.exists()


def test_a_filed_institution_is_held_to_its_filed_services_and_meals(cast):
    Institution.objects.filter(pk=cast.inst_a.pk).update(
        filing_status=FilingStatus.FILED, offers_full_day=False, offers_half_day=True, serves_meals=True
    )
    response = publish(bearer(cast.ann), schedule(cast.inst_a))
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error == {
        "field": "items",
        "code": "service_not_filed",
        "message": "第1项「全日托保育费」：本机构备案的服务类型不含全日托，不得按全日托收费。",
    }
    assert not FeeSchedule.objects.exists()


def test_an_affordable_institution_must_state_the_guided_price(cast):
    cast.inst_a.is_affordable = True
    cast.inst_a.save()
    response = publish(bearer(cast.ann), schedule(cast.inst_a))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "guided_price"
    assert publish(bearer(cast.ann), schedule(cast.inst_a, guided_price="1800")).status_code == 201


def test_nobody_else_publishes_for_the_institution(cast):
    for user in (cast.ben, cast.stacy, cast.alice, cast.zhou, cast.sam):
        response = publish(bearer(user), schedule(cast.inst_a))
        assert response.status_code == 404, user
    assert not FeeSchedule.objects.exists()


def test_schedules_of_an_institution_out_of_reach_are_404(cast):
    publish(bearer(cast.ann), schedule(cast.inst_a))
    for user in (cast.bob, cast.ben, cast.carol, cast.pat):
        response = bearer(user).get(f"/api/v1/fees/schedules?institution_id={cast.inst_a.pk}")
        assert response.status_code == 404, user


def test_a_nul_byte_in_a_fee_name_or_note_is_a_422_on_every_database(cast):
    item = {"kind": "monthly", "name": "保育费\x00", "amount": "2000", "unit": "month"}
    assert publish(bearer(cast.ann), schedule(cast.inst_a, items=[item])).status_code == 422
    assert publish(bearer(cast.ann), schedule(cast.inst_a, note="\x00")).status_code == 422
    huge = publish(bearer(cast.ann), schedule(cast.inst_a, institution_id=99999999999999999999))
    assert huge.status_code in (404, 422)
    assert not FeeSchedule.objects.exists()
