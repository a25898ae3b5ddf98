"""Fee schedules (明码标价): published by the institution, within the prepayment limit, kept as history."""

import datetime as dt

import pytest
from django.utils import timezone

from tuoyu.audit.models import Event
from tuoyu.fees.models import FeeSchedule
from tuoyu.institutions.models import FilingStatus, Institution

pytestmark = pytest.mark.django_db


def days_from_today(days):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def post(client, **overrides):
    data = {
        "effective_from": days_from_today(-30),
        "max_prepay_months": "3",
        "guided_price": "",
        "note": "",
        "items-TOTAL_FORMS": "6",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
        "items-0-kind": "monthly",
        "items-0-service_type": "full_day",
        "items-0-name": "全日托保育费",
        "items-0-amount": "2200",
        "items-0-unit": "month",
        "items-0-includes": "保育、早期发展活动",
        "items-1-kind": "meal",
        "items-1-service_type": "",
        "items-1-name": "伙食费",
        "items-1-amount": "20",
        "items-1-unit": "day",
        "items-1-includes": "两餐一点",
    }
    for i in range(2, 6):
        data.update({f"items-{i}-kind": "other", f"items-{i}-unit": "month"})
    data.update(overrides)
    return client.post("/fees/", data)


def test_the_institution_publishes_its_fees_and_the_county_sees_them(cast, login):
    response = post(login(cast.ann))
    assert response.status_code == 302
    schedule = FeeSchedule.objects.get(institution=cast.inst_a)
    assert [(i.name, str(i.amount)) for i in schedule.items.all()] == [
        ("全日托保育费", "2200.00"),
        ("伙食费", "20.00"),
    ]
    assert Event.objects.filter(action="fees.publish", object_id=str(schedule.pk), actor=cast.ann).exists()
    page = login(cast.alice).get(f"/institutions/{cast.inst_a.pk}/").content.decode()
    assert "全日托保育费" in page and "2200.00" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"max_prepay_months": "4"}, "不得超过3个月"),
        ({"items-0-kind": "meal"}, "须公布保育费"),
        ({"items-0-amount": "-5"}, ""),
        ({"effective_from": "2026-02-30"}, ""),
    ],
)
def test_bad_fee_schedules_are_refused_and_nothing_is_published(cast, login, overrides, message):
    response = post(login(cast.ann), **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FeeSchedule.objects.exists()


def test_an_implausible_effective_date_is_refused_beside_the_field(cast, login):
    for when in ("9999-12-31", days_from_today(367), days_from_today(-367)):
        response = post(login(cast.ann), effective_from=when)
        assert response.status_code == 200
        assert "执行日期应在" in response.content.decode()
    assert not FeeSchedule.objects.exists()
    assert post(login(cast.ann), effective_from=days_from_today(300)).status_code == 302


def filed(institution, **facts):
    Institution.objects.filter(pk=institution.pk).update(filing_status=FilingStatus.FILED, **facts)


def test_a_filed_institution_without_meals_may_not_charge_for_meals(cast, login):
    filed(cast.inst_a, offers_full_day=True, serves_meals=False)
    response = post(login(cast.ann))
    assert "第2项「伙食费」：本机构备案为不提供膳食，不得收取伙食费。" in response.content.decode()
    assert not FeeSchedule.objects.exists()
    filed(cast.inst_a, serves_meals=True)
    assert post(login(cast.ann)).status_code == 302


def test_a_filed_institution_charges_only_for_the_care_it_offers(cast, login):
    filed(cast.inst_a, offers_full_day=True, offers_hourly=False, serves_meals=True)
    hourly = {
        "items-2-kind": "other",
        "items-2-service_type": "hourly",
        "items-2-name": "计时托",
        "items-2-amount": "40",
        "items-2-unit": "hour",
    }
    response = post(login(cast.ann), **hourly)
    assert "第3项「计时托」：本机构备案的服务类型不含计时托，不得按计时托收费。" in response.content.decode()
    assert not FeeSchedule.objects.exists()
    filed(cast.inst_a, offers_hourly=True)
    assert post(login(cast.ann), **hourly).status_code == 302


def test_an_affordable_institution_must_state_the_guided_price(cast, login):
    cast.inst_a.is_affordable = True
    cast.inst_a.save()
    assert "政府指导价" in post(login(cast.ann)).content.decode()
    assert post(login(cast.ann), guided_price="1800").status_code == 302


def test_a_stricter_regional_prepayment_limit_applies(cast, login, settings):
    settings.PREPAY_LIMITS = {"430202": 1}
    assert "不得超过1个月" in post(login(cast.ann), max_prepay_months="2").content.decode()
    settings.PREPAY_LIMITS = {"410600": 1}  # another city's rule does not bind 荷塘区
    assert post(login(cast.ann), max_prepay_months="3").status_code == 302


def test_a_regional_limit_binds_its_own_region_and_descendants_never_a_neighbouring_code(settings):
    # 130110 is a county: its rule once leaked to 130111 because trailing zeros were stripped (13011…).
    from tuoyu.fees.services import prepay_limit
    from tuoyu.institutions.models import Institution

    settings.PREPAY_LIMIT_MONTHS = 3
    settings.PREPAY_LIMITS = {"130110": 1, "430200": 2}
    assert prepay_limit(Institution(region_prefix="130110")) == 1
    assert prepay_limit(Institution(region_prefix="130110001")) == 1
    assert prepay_limit(Institution(region_prefix="130111")) == 3
    assert prepay_limit(Institution(region_prefix="430211")) == 2
    assert prepay_limit(Institution(region_prefix="430311")) == 3


def test_a_new_schedule_keeps_the_old_one_as_history(cast, login):
    post(login(cast.ann), effective_from=days_from_today(-200))
    post(login(cast.ann), effective_from=days_from_today(-100), **{"items-0-amount": "2400"})
    assert FeeSchedule.objects.filter(institution=cast.inst_a).count() == 2
    page = login(cast.ann).get("/fees/").content.decode()
    assert "2400.00" in page and "2200.00" in page


@pytest.mark.parametrize("who", ["alice", "stacy", "clerk", "pat", "sam", "anonymous"])
def test_only_institution_admins_publish_fees(cast, login, client, who):
    c = client if who == "anonymous" else login(getattr(cast, who))
    response = post(c)
    assert response.status_code in (302, 404)
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 404
    assert not FeeSchedule.objects.exists()
