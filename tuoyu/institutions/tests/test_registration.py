"""Registration intake: the clerk's form and the registration systems' API, with the filing rules."""

import json

import pytest

from tuoyu.accounts.models import Role
from tuoyu.audit.models import Event
from tuoyu.institutions.models import Institution, InstitutionRevision, Registration
from tuoyu.institutions.tests.factories import registration_payload
from tuoyu.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = registration_payload(**overrides)
    data.pop("source_event_id")
    if isinstance(data["is_for_profit"], bool):
        data["is_for_profit"] = "true" if data["is_for_profit"] else "false"
    return data


def push(client, payload, **headers):
    return client.post(
        "/api/v1/registrations", json.dumps(payload), content_type="application/json", **headers
    )


def test_a_clerk_records_a_registration_on_the_web_and_the_county_sees_it_pending(cast, login):
    response = login(cast.clerk).post("/institutions/registrations/new/", form_data(seq=7))
    assert response.status_code == 302
    inst = Institution.objects.get(name="测试托育中心7号")
    assert (inst.region_id, inst.registration_authority, inst.filing_status) == (
        "430202001",
        "market_regulation",
        "registered",
    )
    assert inst.legal_rep_id_number.startswith("430202")
    assert Registration.objects.get(institution=inst).source == "web"
    pending = login(cast.alice).get("/institutions/pending/").content.decode()
    assert "测试托育中心7号" in pending and f'data-testid="days-{inst.pk}">0<' in pending
    assert "测试托育中心7号" not in login(cast.bob).get("/institutions/pending/").content.decode()
    assert Event.objects.filter(
        action="institution.register", object_id=str(inst.pk), actor=cast.clerk
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"legal_person_kind": "social_service_org", "is_for_profit": "false"}, "authority", "FIL-02"),
        ({"business_scope": "餐饮服务；早期教育咨询"}, "business_scope", "FIL-03"),
        ({"business_scope": "家庭托育服务"}, "business_scope", "FIL-03"),
        ({"kind": "home_point", "business_scope": "托育服务"}, "business_scope", "家庭托育服务"),
        ({"legal_person_kind": "enterprise", "is_for_profit": "false"}, "is_for_profit", "营利性"),
        ({"uscc": "91430202MA00000006"}, "uscc", "校验码"),
        ({"legal_rep_id_number": "430202198506010005"}, "legal_rep_id_number", "校验码"),
        ({"region": "430200"}, "region", "县（区）或街道"),
        ({"region": "999999999"}, "region", "没有这个区划代码"),
        ({"registration_date": "2099-01-01"}, "registration_date", "晚于今天"),
        ({"phone": "12345"}, "phone", ""),
        ({"name": "测试托育中心8号😊"}, "name", "表情符号"),
    ],
)
def test_bad_registrations_are_refused_next_to_the_field_and_nothing_is_saved(
    cast, login, overrides, field, message
):
    response = login(cast.clerk).post("/institutions/registrations/new/", form_data(seq=8, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Institution.objects.filter(name="测试托育中心8号").exists()
    assert not Registration.objects.exists()


def test_a_new_registration_starts_from_the_clerks_own_authority(cast, login):
    # cast.clerk registers for 市场监管: an enterprise, for profit — a combination that passes FIL-02.
    form = login(cast.clerk).get("/institutions/registrations/new/").context["form"]
    assert form["authority"].value() == "market_regulation"
    assert form["legal_person_kind"].value() == "enterprise"
    assert form["is_for_profit"].value() == "true"
    page = login(cast.clerk).get("/institutions/registrations/new/").content.decode()
    assert '<option value="market_regulation" selected>' in page
    civil = make_user("civil", Role.REGISTRATION_CLERK, region="430200", authority="civil_affairs")
    form = login(civil).get("/institutions/registrations/new/").context["form"]
    assert (form["authority"].value(), form["legal_person_kind"].value(), form["is_for_profit"].value()) == (
        "civil_affairs",
        "social_service_org",
        "false",
    )


def test_the_api_push_is_idempotent_by_source_event_id(cast, login):
    client = login(cast.clerk)
    payload = registration_payload(seq=11)
    first = push(client, payload)
    assert first.status_code == 201 and first.json()["outcome"] == "created"
    again = push(client, payload)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["registration_id"] == first.json()["registration_id"]
    assert Institution.objects.filter(uscc=payload["uscc"]).count() == 1
    assert Registration.objects.count() == 1


def test_the_same_event_id_with_different_data_is_a_conflict(cast, login):
    client = login(cast.clerk)
    push(client, registration_payload(seq=12))
    response = push(client, registration_payload(seq=12, name="另一个名字托育中心"))
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    assert Institution.objects.get(uscc=registration_payload(seq=12)["uscc"]).name == "测试托育中心12号"


def test_an_idempotency_key_makes_a_retry_harmless(cast, login):
    client = login(cast.clerk)
    payload = registration_payload(seq=13, source_event_id="")
    assert push(client, payload, HTTP_IDEMPOTENCY_KEY="k-13").status_code == 201
    retry = push(client, payload, HTTP_IDEMPOTENCY_KEY="k-13")
    assert retry.status_code == 200 and retry.json()["replayed"] is True
    assert Registration.objects.count() == 1


def test_a_changed_registration_updates_the_institution_and_is_logged(cast, login):
    client = login(cast.clerk)
    push(client, registration_payload(seq=14))
    changed = registration_payload(
        seq=14,
        source_event_id="SAMR-430202001-000014-b",
        address="新华西路1号",
        legal_rep_id_number="430202198506010020",
    )
    response = push(client, changed)
    assert response.status_code == 200 and response.json()["outcome"] == "updated"
    inst = Institution.objects.get(uscc=changed["uscc"])
    assert inst.address == "新华西路1号" and inst.version == 2
    revision = InstitutionRevision.objects.get(institution=inst)
    assert revision.changes["address"] == ["建设中路88号", "新华西路1号"]
    assert revision.changes["legal_rep_id_number"] == {"changed": True}  # never the values
    assert "430202198506010020" not in json.dumps(revision.changes)
    # The county's page names the fields by their labels, never by their code names.
    page = login(cast.alice).get(f"/institutions/{inst.pk}/").content.decode()
    history = page.split("变更历史", 1)[1]
    assert "地址（建设中路88号 → 新华西路1号）" in history and "法定代表人身份证号（已变更）" in history
    assert "<code>address</code>" not in page and "legal_rep_id_number" not in history
    unchanged = push(client, {**changed, "source_event_id": "SAMR-430202001-000014-c"})
    assert unchanged.json()["outcome"] == "unchanged"


def test_a_clerk_cannot_register_for_another_authority_or_outside_their_region(cast, login):
    client = login(cast.clerk)  # 株洲市 market regulation
    civil = registration_payload(
        seq=15, legal_person_kind="social_service_org", is_for_profit=False, authority="civil_affairs"
    )
    assert push(client, civil).status_code == 403
    assert push(client, registration_payload(seq=16, region="410611")).status_code == 403
    assert not Institution.objects.filter(name__startswith="测试托育中心1").exists()


def test_api_validation_errors_are_problem_json_with_field_errors(cast, login):
    response = push(
        login(cast.clerk), registration_payload(seq=17, uscc="91430202MA00000006", business_scope="餐饮")
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert "uscc" in fields
    assert (
        not Institution.objects.exists() or not Institution.objects.filter(name="测试托育中心17号").exists()
    )


def test_id_numbers_are_masked_on_the_page_and_revealed_with_audit(cast, login):
    push(login(cast.clerk), registration_payload(seq=18))
    inst = Institution.objects.get(name="测试托育中心18号")
    page = login(cast.alice).get(f"/institutions/{inst.pk}/").content.decode()
    full = inst.legal_rep_id_number
    assert full not in page and full[0] + "*" * 16 + full[-1] in page
    revealed = login(cast.alice).post(f"/institutions/{inst.pk}/reveal/legal_rep_id_number/").content.decode()
    assert full in revealed
    assert (
        Event.objects.filter(action="institution.legal_rep_id_number_reveal", actor=cast.alice).count() == 1
    )
    assert full not in json.dumps(list(Registration.objects.values_list("payload", flat=True)))


def test_the_demo_registers_institutions_in_all_five_cities_through_the_service_once(db):
    from django.core.management import call_command

    from tuoyu.demo.accounts import demo_accounts_create
    from tuoyu.demo.institutions import CITY_CLERKS, demo_institutions_create

    demo_accounts_create()
    created = demo_institutions_create()
    assert created > 100
    for city in CITY_CLERKS:
        prefix = city[:4] if city.endswith("00") else city
        assert Institution.objects.filter(region_prefix__startswith=prefix).exists(), city
    zz = Institution.objects.filter(region_prefix__startswith="4302")
    assert {"market_regulation", "civil_affairs", "staffing_office"} <= set(
        zz.values_list("registration_authority", flat=True)
    )
    assert Registration.objects.count() == created
    assert demo_institutions_create() == 0  # a second run creates nothing
    call_command("audit_verify", stdout=__import__("io").StringIO())


# --- inviting the institution's administrator ---------------------------------------------------------


def _invite(client, inst, **data):
    data = {"invitee_name": "王芳", "invitee_phone": "13912345678", **data}
    return client.post(f"/institutions/{inst.pk}/invite/", data)


def _token(response):
    import re

    return re.search(r"/invitations/([\w-]+)/", response.content.decode()).group(1)


def test_the_county_invites_the_admin_who_opens_an_account_bound_to_the_institution_once(cast, login, client):
    from tuoyu.accounts.models import User
    from tuoyu.institutions.models import Invitation

    response = _invite(login(cast.alice), cast.inst_a)
    assert response.status_code == 200
    token = _token(response)
    assert token not in str(list(Invitation.objects.values()))  # only its hash is stored
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200 and cast.inst_a.name in page.content.decode()
    form = {
        "username": "inst-a-admin",
        "real_name": "王芳",
        "phone": "13912345678",
        "password1": "Inst-Admin-2026!",
        "password2": "Inst-Admin-2026!",
    }
    assert client.post(f"/invitations/{token}/", form).status_code == 302
    user = User.objects.get(username="inst-a-admin")
    assert [(m.role, m.institution_id) for m in user.active_memberships()] == [
        ("institution_admin", cast.inst_a.pk)
    ]
    assert Event.objects.filter(action="invitation.accept", actor=user).exists()
    again = client.post(f"/invitations/{token}/", {**form, "username": "second"})
    assert again.status_code == 404 and not User.objects.filter(username="second").exists()


def test_an_invitation_link_that_is_unknown_or_expired_answers_the_same(cast, login, client):
    import datetime as dt

    from django.utils import timezone

    from tuoyu.institutions.models import Invitation

    token = _token(_invite(login(cast.alice), cast.inst_a))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get(f"/invitations/{token}/")
    unknown = client.get("/invitations/not-a-real-token/")
    assert expired.status_code == unknown.status_code == 404
    assert (
        "邀请链接无效或已过期" in expired.content.decode()
        and "邀请链接无效或已过期" in unknown.content.decode()
    )
    assert cast.inst_a.name not in expired.content.decode()


def test_only_the_county_bureau_of_the_institution_can_invite(cast, login):
    from tuoyu.institutions.models import Invitation

    for who in ("bob", "ivan", "clerk", "ann", "sam", "audrey"):
        assert _invite(login(getattr(cast, who)), cast.inst_a).status_code == 404, who
    assert not Invitation.objects.exists()


def test_bad_invitation_input_is_refused(cast, login):
    from tuoyu.institutions.models import Invitation

    response = _invite(login(cast.alice), cast.inst_a, invitee_phone="123")
    assert response.status_code == 200 and "手机号" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_weak_password_on_the_invitation_form_is_refused_and_the_link_still_works(cast, login, client):
    from tuoyu.accounts.models import User

    token = _token(_invite(login(cast.alice), cast.inst_a))
    form = {
        "username": "weakling",
        "real_name": "王芳",
        "phone": "13912345678",
        "password1": "short",
        "password2": "short",
    }
    response = client.post(f"/invitations/{token}/", form)
    assert response.status_code == 200 and "12" in response.content.decode()
    assert not User.objects.filter(username="weakling").exists()
    assert client.get(f"/invitations/{token}/").status_code == 200


def test_tick_reminds_unfiled_institutions_weekly_and_flags_overdue_ones_once(cast, login):
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from tuoyu.notifications.models import Notification

    now = timezone.now()
    Institution.objects.filter(pk=cast.inst_a.pk).update(registered_at=now - dt.timedelta(days=31))
    Institution.objects.filter(pk=cast.inst_b.pk).update(registered_at=now - dt.timedelta(days=3))
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "reminded 2" in out.getvalue() and "flagged 1 overdue" in out.getvalue()
    assert Notification.objects.filter(recipient=cast.ann, kind="filing.reminder").count() == 1
    assert Notification.objects.filter(recipient=cast.alice, kind="filing.overdue").count() == 1
    assert Notification.objects.filter(recipient=cast.zhou, kind="filing.overdue").count() == 1
    assert not Notification.objects.filter(recipient=cast.bob, kind="filing.overdue").exists()
    call_command("tick", stdout=io.StringIO())  # the next day: nothing again within the week
    assert Notification.objects.filter(recipient=cast.ann, kind="filing.reminder").count() == 1
    assert Notification.objects.filter(kind="filing.overdue").count() == 2
    pending = login(cast.alice).get("/institutions/pending/").content.decode()
    assert "逾期" in pending
    assert (
        Event.objects.filter(action="institution.filing_overdue", object_id=str(cast.inst_a.pk)).count() == 1
    )


def test_the_demo_files_inst_demos_institution_through_the_whole_path(db):
    from tuoyu.accounts.models import User
    from tuoyu.demo.accounts import DEMO_PASSWORD, demo_accounts_create
    from tuoyu.demo.institutions import demo_filed_institution, demo_institutions_create

    demo_accounts_create()
    demo_institutions_create()
    number = demo_filed_institution(password=DEMO_PASSWORD)
    assert number and number.startswith("430202-")
    admin = User.objects.get(username="inst-demo")
    (membership,) = admin.active_memberships()
    assert membership.institution.filing_status == "filed"
    assert demo_filed_institution(password=DEMO_PASSWORD) is None


def test_service_types_list_what_the_institution_offers_in_order():
    inst = Institution(offers_full_day=True, offers_hourly=True)
    assert inst.service_types == ["全日托", "计时托"]


def test_a_revision_shows_choices_and_yes_no_as_labels(cast):
    revision = InstitutionRevision(
        institution=cast.inst_a,
        version=2,
        changes={
            "kind": ["center", "home_point"],
            "offers_full_day": ["False", "True"],
            "director_name": ["", "李静"],
            "legal_rep_id_number": {"changed": True},
            "region": [1, "430202001"],
        },
    )
    assert revision.change_list() == [
        ("类型", "托育机构", "家庭托育点"),
        ("全日托", "否", "是"),
        ("负责人", "—", "李静"),
        ("法定代表人身份证号", None, None),
        ("所在区划", None, None),
    ]
