from __future__ import annotations

import pytest

from tuoyu.audit.models import Event
from tuoyu.bans import services
from tuoyu.bans.models import Ban, BanScope
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.testing.bans import HEBI_ID, OTHER_ID, ZZ_ID, ban_data

pytestmark = pytest.mark.django_db

FORM = {
    "name": "王禁入",
    "id_number": ZZ_ID,
    "reason": "虐待婴幼儿",
    "decision_authority": "株洲市卫生健康委员会",
    "decision_number": "株卫禁〔2026〕1号",
    "decision_date": "2026-03-02",
    "scope": "city",
}


def test_create_from_the_form_then_list_masked(cast, login) -> None:  # noqa: ANN001
    c = login(cast.zhou)
    response = c.post("/bans/new/", FORM)
    ban = Ban.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/bans/{ban.pk}/"
    text = c.get("/bans/").content.decode()
    assert "4****************1" in text and ZZ_ID not in text


def test_a_bad_id_number_is_shown_next_to_the_field(cast, login) -> None:  # noqa: ANN001
    response = login(cast.zhou).post("/bans/new/", {**FORM, "id_number": ZZ_ID[:17] + "9"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="id_id_number-error"' in text and "校验码" in text
    assert not Ban.objects.exists()


def test_search_by_name_or_exact_id_number(cast, login) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data())
    services.ban_create(by=cast.zhou, data=ban_data(name="李某", id_number=OTHER_ID, decision_number="2"))
    c = login(cast.zhou)
    by_id = c.get("/bans/", {"q": ZZ_ID.lower()}).content.decode()
    assert "王禁入" in by_id and "李某" not in by_id
    by_name = c.get("/bans/", {"q": "李"}).content.decode()
    assert "李某" in by_name and "王禁入" not in by_name
    partial = c.get("/bans/", {"q": ZZ_ID[:16]}).content.decode()  # no prefix search on the ID
    assert "王禁入" not in partial


def test_edit_keeps_the_id_when_the_masked_value_is_sent_back(cast, login) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    c = login(cast.zhou)
    page = c.get(f"/bans/{ban.pk}/").content.decode()
    assert "4****************1" in page and ZZ_ID not in page
    response = c.post(
        f"/bans/{ban.pk}/",
        {**FORM, "id_number": "4****************1", "reason": "改后的事由", "action": "update", "version": 1},
    )
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.id_number == ZZ_ID and ban.reason == "改后的事由" and ban.version == 2
    stale = c.post(f"/bans/{ban.pk}/", {**FORM, "reason": "过期", "action": "update", "version": 1})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    lift = c.post(f"/bans/{ban.pk}/", {"action": "lift", "reason": "复议撤销", "version": 2})
    assert lift.status_code == 302
    ban.refresh_from_db()
    assert not ban.is_active and ban.lift_reason == "复议撤销"


def test_another_city_admin_cannot_post_to_a_ban(cast, login) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data(scope=BanScope.NATIONAL))
    c = login(cast.carol)
    assert c.get(f"/bans/{ban.pk}/").status_code == 200  # national: carol reads it
    response = c.post(f"/bans/{ban.pk}/", {"action": "lift", "reason": "x", "version": 1})
    assert response.status_code == 404
    assert c.post(f"/bans/{ban.pk}/reveal/").status_code == 404
    assert Ban.objects.get(pk=ban.pk).is_active


def test_institution_users_see_no_ban_and_no_alert(cast, login) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(services.DomainError):
        services.hire_screen(by=cast.ann, institution=cast.inst_a, id_number=ZZ_ID, name="王禁入")
    for user in (cast.ann, cast.stacy):
        c = login(user)
        for url in ("/bans/", "/bans/alerts/", "/api/v1/bans", "/api/v1/ban-alerts"):
            assert c.get(url).status_code == 404, (user, url)


# --- API ---------------------------------------------------------------------------------------------


def test_api_create_and_bad_input_as_problem_json(cast, login) -> None:  # noqa: ANN001
    c = login(cast.zhou)
    created = c.post("/api/v1/bans", FORM, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["id_number_masked"] == "4****************1" and "id_number" not in body
    bad = c.post("/api/v1/bans", {**FORM, "id_number": HEBI_ID[:17] + "0"}, content_type="application/json")
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert bad.json()["errors"][0]["field"] == "id_number"
    nul = c.post("/api/v1/bans", {**FORM, "name": "a\x00b"}, content_type="application/json")
    assert nul.status_code == 422
    assert Ban.objects.count() == 1


def test_api_update_is_versioned(cast, login) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    c = login(cast.zhou)
    ok = c.put(
        f"/api/v1/bans/{ban.pk}", {**FORM, "reason": "新", "version": 1}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = c.put(f"/api/v1/bans/{ban.pk}", {**FORM, "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale["Content-Type"] == PROBLEM_CONTENT_TYPE
    lift = c.post(
        f"/api/v1/bans/{ban.pk}/lift", {"version": 2, "reason": "撤销"}, content_type="application/json"
    )
    assert lift.status_code == 200 and lift.json()["lifted_at"]


def test_api_reveal_is_audited(cast, login) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    response = login(cast.zhou).post(f"/api/v1/bans/{ban.pk}/reveal")
    assert response.json() == {"id_number": ZZ_ID}
    event = Event.objects.get(action="bans.id_number_reveal")
    assert event.actor == cast.zhou and ZZ_ID not in str(event.detail) + str(event.after)


def test_api_alerts_carry_the_details_for_regulators(cast, login) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(services.DomainError):
        services.hire_screen(by=cast.ann, institution=cast.inst_a, id_number=ZZ_ID, name="王禁入")
    items = login(cast.alice).get("/api/v1/ban-alerts").json()["items"]
    assert len(items) == 1
    item = items[0]
    assert item["institution_name"] == cast.inst_a.name and item["person_name"] == "王禁入"
    assert item["id_number_masked"] == "4****************1" and item["decision_number"] == "株卫禁〔2026〕1号"
    assert login(cast.bob).get("/api/v1/ban-alerts").json()["items"] == []
    ack = login(cast.alice).post(f"/api/v1/ban-alerts/{item['id']}/acknowledge")
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]
    again = login(cast.alice).post(f"/api/v1/ban-alerts/{item['id']}/acknowledge")
    assert again.status_code == 409


def test_api_import_reports_rows(cast, login) -> None:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "姓名,身份证号,禁入事由,决定机关,决定文号,决定日期,禁入范围\n王,12345,a,b,c,2026-01-01,本市\n"
    response = login(cast.zhou).post(
        "/api/v1/bans/import", {"file": SimpleUploadedFile("a.csv", body.encode())}
    )
    assert response.status_code == 422
    assert response.json()["committed"] is False
    assert response.json()["errors"][0]["row"] == 2 and response.json()["errors"][0]["column"] == "身份证号"
