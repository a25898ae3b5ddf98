"""A registration may change only an institution the clerk's own authority registered, inside the clerk's
region — judged on the existing record, not only on the payload (issue 9: the 株洲 clerk who pushed a 鹤壁
institution's code with a 株洲 region moved it, its children and staff into 株洲's jurisdiction)."""

import json

import pytest

from tuoyu.audit.models import Event
from tuoyu.institutions.models import Institution, InstitutionRevision, Registration
from tuoyu.institutions.tests.factories import registration_payload
from tuoyu.institutions.tests.test_registration import form_data, push
from tuoyu.institutions.tests.test_registration_import import workbook

pytestmark = pytest.mark.django_db

NOT_YOURS = "您只能登记本机关、本辖区的机构。"


@pytest.fixture
def hebi(cast):
    """鹤壁's institution as the 鹤壁 market regulation bureau registered it."""
    Institution.objects.filter(pk=cast.inst_hebi.pk).update(registration_authority="market_regulation")
    cast.inst_hebi.refresh_from_db()
    return cast.inst_hebi


def takeover(institution, seq=900):
    """A 株洲 payload that names another institution's code."""
    return registration_payload(seq=seq, uscc=institution.uscc, name="株洲新名字托育中心")


def assert_untouched(institution):
    before = (institution.name, institution.region_id, institution.region_prefix, institution.version)
    institution.refresh_from_db()
    assert (institution.name, institution.region_id, institution.region_prefix, institution.version) == before
    assert not Registration.objects.filter(institution=institution).exists()
    assert not InstitutionRevision.objects.filter(institution=institution).exists()


def test_the_clerk_cannot_move_another_citys_institution_into_their_region_through_the_api(cast, login, hebi):
    response = push(login(cast.clerk), takeover(hebi))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == NOT_YOURS
    assert hebi.name not in json.dumps(body, ensure_ascii=False)  # nothing about the other city's record
    assert_untouched(hebi)
    assert not Event.objects.filter(action__startswith="institution.", object_id=str(hebi.pk)).exists()


def test_the_refusal_reads_the_same_as_for_a_payload_outside_the_clerks_region(cast, login, hebi):
    client = login(cast.clerk)
    takeover_body = push(client, takeover(hebi)).json()
    outside_body = push(client, registration_payload(seq=901, region="410611")).json()
    assert {k: v for k, v in takeover_body.items() if k != "instance"} == {
        k: v for k, v in outside_body.items() if k != "instance"
    }


def test_the_clerk_cannot_take_over_the_web_form(cast, login, hebi):
    response = login(cast.clerk).post(
        "/institutions/registrations/new/", form_data(seq=902, uscc=hebi.uscc, name="株洲新名字托育中心")
    )
    assert response.status_code == 200
    assert NOT_YOURS in " ".join(response.context["form"].errors["authority"])
    assert_untouched(hebi)


def test_the_clerk_cannot_take_over_through_the_excel_batch_and_nothing_is_imported(cast, login, hebi):
    rows = [registration_payload(seq=903), takeover(hebi, seq=904)]
    html = (
        login(cast.clerk)
        .post("/institutions/registrations/import/", {"file": workbook(rows)})
        .content.decode()
    )
    assert "未导入任何数据" in html and NOT_YOURS in html
    assert not Institution.objects.filter(name="测试托育中心903号").exists()
    assert_untouched(hebi)


def test_the_clerk_cannot_change_an_institution_another_authority_registered_in_their_own_city(cast, login):
    Institution.objects.filter(pk=cast.inst_b.pk).update(registration_authority="civil_affairs")
    cast.inst_b.refresh_from_db()
    payload = registration_payload(seq=905, uscc=cast.inst_b.uscc, region="430203")
    response = push(login(cast.clerk), payload)
    assert response.status_code == 403 and response.json()["detail"] == NOT_YOURS
    assert_untouched(cast.inst_b)


def test_another_citys_event_id_is_not_replayed_to_the_clerk(cast, login, hebi):
    from tuoyu.accounts.models import Role
    from tuoyu.testing.fixtures import make_user

    hebi_clerk = make_user(
        "hebi-clerk", Role.REGISTRATION_CLERK, region="410600", authority="market_regulation"
    )
    theirs = registration_payload(seq=906, region="410611", uscc=hebi.uscc, name=hebi.name)
    assert push(login(hebi_clerk), theirs).status_code == 200
    # The same event id from the 株洲 clerk: neither the 鹤壁 record nor a hint that it exists.
    ours = registration_payload(seq=907, source_event_id=theirs["source_event_id"])
    response = push(login(cast.clerk), ours)
    assert response.status_code == 403 and response.json()["detail"] == NOT_YOURS
    assert Registration.objects.filter(institution=hebi).count() == 1


def test_the_clerk_still_updates_their_own_authoritys_institution_in_their_region(cast, login):
    client = login(cast.clerk)
    push(client, registration_payload(seq=908))
    changed = registration_payload(seq=908, source_event_id="again-908", address="新华西路1号")
    response = push(client, changed)
    assert response.status_code == 200 and response.json()["outcome"] == "updated"


def test_another_citys_event_id_in_the_excel_batch_reads_as_not_yours(cast, login, hebi):
    from tuoyu.accounts.models import Role
    from tuoyu.testing.fixtures import make_user

    hebi_clerk = make_user(
        "hebi-clerk", Role.REGISTRATION_CLERK, region="410600", authority="market_regulation"
    )
    theirs = registration_payload(seq=909, region="410611", uscc=hebi.uscc, name=hebi.name)
    assert push(login(hebi_clerk), theirs).status_code == 200
    ours = registration_payload(seq=910, source_event_id=theirs["source_event_id"])
    html = (
        login(cast.clerk)
        .post("/institutions/registrations/import/", {"file": workbook([ours])})
        .content.decode()
    )
    assert "未导入任何数据" in html and NOT_YOURS in html and "已用于另一份" not in html
    assert not Institution.objects.filter(name="测试托育中心910号").exists()
