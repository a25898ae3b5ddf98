from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.http import Http404

from tuoyu.audit.models import Event
from tuoyu.bans import services
from tuoyu.bans.models import AlertKind, Ban, BanAlert, BanScope
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.core.scoping import scoped
from tuoyu.institutions.models import Institution
from tuoyu.notifications.models import Notification
from tuoyu.regions.models import Region
from tuoyu.testing.bans import HEBI_ID, OTHER_ID, ZZ_ID, ban_data

pytestmark = pytest.mark.django_db


def _institution(name: str, uscc17: str, region: str) -> Institution:
    from tuoyu.testing.fixtures import with_check

    return Institution.objects.create(
        name=name, uscc=with_check(uscc17), region=Region.objects.get(code=region)
    )


def _screen(cast, institution, id_number=ZZ_ID, name="王禁入"):  # noqa: ANN001, ANN202
    return services.hire_screen(by=cast.ann, institution=institution, id_number=id_number, name=name)


# --- matching by scope ------------------------------------------------------------------------------


def test_a_city_ban_applies_in_its_city_only(cast) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data(scope=BanScope.CITY))
    with pytest.raises(DomainError):
        _screen(cast, cast.inst_a)  # 荷塘区, 株洲
    with pytest.raises(DomainError):
        _screen(cast, cast.inst_b)  # 芦淞区, 株洲
    _screen(cast, cast.inst_hebi)  # 鹤壁: not reached
    changsha = _institution("长沙某托育", "91430102MA4L0XXC1", "430102")
    _screen(cast, changsha)  # same province, other city


def test_a_provincial_ban_applies_across_the_province_only(cast) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data(scope=BanScope.PROVINCIAL))
    changsha = _institution("长沙某托育", "91430102MA4L0XXC1", "430102")
    with pytest.raises(DomainError):
        _screen(cast, changsha)
    _screen(cast, cast.inst_hebi)  # 河南


def test_a_national_ban_applies_everywhere(cast) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data(scope=BanScope.NATIONAL))
    for institution in (cast.inst_a, cast.inst_hebi):
        with pytest.raises(DomainError):
            _screen(cast, institution)


def test_matching_ignores_spaces_and_case_of_the_id_number(cast) -> None:  # noqa: ANN001
    x_id = "43020219850312011X"
    from tuoyu.core.validators import id_check_character

    assert id_check_character(x_id[:17]) == "X"
    services.ban_create(by=cast.zhou, data=ban_data(id_number=x_id))
    with pytest.raises(DomainError):
        _screen(cast, cast.inst_a, id_number=" 430202 19850312011x ")


def test_another_person_is_not_matched(cast) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data())
    _screen(cast, cast.inst_a, id_number=OTHER_ID)
    assert not BanAlert.objects.exists()


def test_a_lifted_ban_never_matches(cast) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data(scope=BanScope.NATIONAL))
    services.ban_lift(by=cast.zhou, ban_id=ban.pk, version=ban.version, reason="复议撤销")
    _screen(cast, cast.inst_a)
    assert not BanAlert.objects.exists()
    assert Ban.objects.filter(pk=ban.pk).exists()  # never deleted


# --- the hire screen --------------------------------------------------------------------------------


def test_the_institution_gets_only_the_fixed_message(cast) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(DomainError) as exc:
        _screen(cast, cast.inst_a)
    assert exc.value.code == "banned"
    assert exc.value.field == "id_number"
    assert exc.value.message == "不得录用，请联系卫生健康部门"
    for detail in (ban.reason, ban.decision_number, ban.decision_authority, "株洲"):
        assert detail not in str(exc.value)
    assert not Notification.objects.filter(recipient=cast.ann).exists()


def test_the_alert_persists_although_the_hire_is_refused(cast) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(DomainError):
        _screen(cast, cast.inst_a, name="王某")
    alert = BanAlert.objects.get()
    assert alert.kind == AlertKind.HIRE_ATTEMPT
    assert alert.institution == cast.inst_a and alert.person_name == "王某" and alert.attempted_by == cast.ann
    assert Event.objects.filter(action="bans.alert.hire_attempt", object_id=str(alert.pk)).exists()


def test_the_county_regulators_are_notified_with_a_link_to_the_details(cast, login) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(DomainError):
        _screen(cast, cast.inst_a)
    alert = BanAlert.objects.get()
    told = set(
        Notification.objects.filter(kind="bans.hire_attempt").values_list("recipient__username", flat=True)
    )
    assert told == {"alice", "zhou"}  # 荷塘区 regulator and the 株洲 city admin; not bob, carol, ann
    note = Notification.objects.get(recipient=cast.alice)
    assert cast.inst_a.name in note.title and "株卫禁〔2026〕1号" in note.body
    assert ZZ_ID not in note.body + note.title  # no ID number in the inbox
    page = login(cast.alice).get(note.link)
    assert page.status_code == 200
    text = page.content.decode()
    for detail in (
        "王禁入",
        "4****************1",
        "株卫禁〔2026〕1号",
        "株洲市卫生健康委员会",
        cast.inst_a.name,
    ):
        assert detail in text
    assert ZZ_ID not in text
    assert alert.pk == int(note.link.rstrip("/").rsplit("/", 1)[1])


def test_no_match_means_no_alert_and_no_notification(cast) -> None:  # noqa: ANN001
    _screen(cast, cast.inst_a)
    assert not BanAlert.objects.exists() and not Notification.objects.exists()


def test_the_screen_refuses_to_run_inside_a_callers_transaction(cast) -> None:  # noqa: ANN001
    with transaction.atomic(), pytest.raises(RuntimeError):
        _screen(cast, cast.inst_a)


# --- the sweep of people employed now -----------------------------------------------------------------


def _employ(institution: Institution, id_number: str, name: str = "王禁入", end: dt.date | None = None):  # noqa: ANN202
    from tuoyu.core.validators import id_birth_date, id_sex
    from tuoyu.staff.models import Employment, Person

    index = Person._meta.get_field("id_index").index_for(id_number)
    person = Person.objects.filter(id_index=index).first() or Person.objects.create(
        name=name,
        id_number=id_number,
        sex=id_sex(id_number),
        birth_date=id_birth_date(id_number),
        phone="13800138000",
    )
    return Employment.objects.create(
        person=person,
        institution=institution,
        roles=["caregiver"],
        start_date=dt.date(2025, 9, 1),
        end_date=end,
    )


def test_a_new_ban_alerts_where_the_person_works_now(cast) -> None:  # noqa: ANN001
    _employ(cast.inst_a, ZZ_ID)
    _employ(cast.inst_b, ZZ_ID, end=dt.date(2026, 1, 31))  # left: no alert
    _employ(cast.inst_hebi, ZZ_ID)  # outside a city ban's reach
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    alerts = list(BanAlert.objects.all())
    assert [(a.institution, a.kind) for a in alerts] == [(cast.inst_a, AlertKind.EMPLOYED_MATCH)]
    assert Notification.objects.filter(recipient=cast.alice, kind="bans.employed_match").exists()
    assert not Notification.objects.filter(recipient=cast.bob).exists()
    assert [a.pk for a in services.active_matches(cast.inst_a)] == [alerts[0].pk]
    assert services.active_matches(cast.inst_b) == []
    services.ban_lift(by=cast.zhou, ban_id=ban.pk, version=ban.version, reason="复议撤销")
    assert services.active_matches(cast.inst_a) == []


def test_active_matches_end_when_the_employment_ends(cast) -> None:  # noqa: ANN001
    employment = _employ(cast.inst_a, ZZ_ID)
    services.ban_create(by=cast.zhou, data=ban_data())
    assert len(services.active_matches(cast.inst_a)) == 1
    employment.end_date = dt.date(2026, 6, 1)
    employment.save()
    assert services.active_matches(cast.inst_a) == []


# --- keeping the list ------------------------------------------------------------------------------


def test_only_a_city_admin_keeps_a_list(cast) -> None:  # noqa: ANN001
    for user in (cast.alice, cast.bob, cast.ivan, cast.ann, cast.pat, cast.sam, cast.audrey, cast.clerk):
        with pytest.raises(Http404):
            services.ban_create(by=user, data=ban_data())
    assert not Ban.objects.exists()
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    assert ban.region.code == "430200" and ban.created_by == cast.zhou


def test_a_city_admin_changes_only_their_own_citys_bans(cast) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data(scope=BanScope.NATIONAL))
    with pytest.raises(Http404):
        services.ban_update(by=cast.carol, ban_id=ban.pk, version=ban.version, data=ban_data(name="改"))
    with pytest.raises(Http404):
        services.ban_lift(by=cast.carol, ban_id=ban.pk, version=ban.version, reason="x")
    assert scoped(cast.carol, "view", Ban).filter(pk=ban.pk).exists()  # national: carol reads it
    assert not scoped(cast.carol, "change", Ban).filter(pk=ban.pk).exists()


def test_sight_of_bans_by_scope(cast) -> None:  # noqa: ANN001
    city = services.ban_create(by=cast.carol, data=ban_data(id_number=HEBI_ID, decision_number="A"))
    province = services.ban_create(
        by=cast.carol, data=ban_data(id_number=HEBI_ID, decision_number="B", scope=BanScope.PROVINCIAL)
    )
    nation = services.ban_create(
        by=cast.carol, data=ban_data(id_number=HEBI_ID, decision_number="C", scope=BanScope.NATIONAL)
    )
    assert set(scoped(cast.zhou, "view", Ban)) == {nation}
    assert set(scoped(cast.carol, "view", Ban)) == {city, province, nation}
    for user in (cast.alice, cast.ann, cast.stacy, cast.pat, cast.sam, cast.audrey):
        assert not scoped(user, "view", Ban).exists()


def test_update_is_versioned_and_audited_without_the_plain_id(cast) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    updated = services.ban_update(by=cast.zhou, ban_id=ban.pk, version=1, data=ban_data(reason="新的事由"))
    assert updated.version == 2 and updated.reason == "新的事由"
    with pytest.raises(Conflict):
        services.ban_update(by=cast.zhou, ban_id=ban.pk, version=1, data=ban_data(reason="过期"))
    assert Ban.objects.get(pk=ban.pk).reason == "新的事由"
    services.ban_lift(by=cast.zhou, ban_id=ban.pk, version=2, reason="撤销")
    with pytest.raises(DomainError):
        services.ban_update(by=cast.zhou, ban_id=ban.pk, version=3, data=ban_data())
    events = Event.objects.filter(action__startswith="bans.")
    assert {e.action for e in events} >= {"bans.create", "bans.update", "bans.lift"}
    for event in events:
        blob = str(event.before) + str(event.after) + str(event.detail)
        assert ZZ_ID not in blob
    create = events.get(action="bans.create")
    assert create.after["id_number"] == "4****************1"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"id_number": ZZ_ID[:17] + "9"}, "id_number"),
        ({"id_number": "123"}, "id_number"),
        ({"name": "  "}, "name"),
        ({"reason": ""}, "reason"),
        ({"decision_number": ""}, "decision_number"),
        ({"decision_date": dt.date(2099, 1, 1)}, "decision_date"),
        ({"scope": "galaxy"}, "scope"),
        ({"decision_number": "株卫\r\nBcc: x"}, "decision_number"),
        ({"reason": "事由\x00"}, "reason"),
        ({"name": "张三🙂"}, "name"),
        ({"name": "张" * 51}, "name"),
        ({"name": "张\u200d三"}, "name"),
    ],
)
def test_bad_input_is_refused_with_a_field_error(cast, over, field) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as exc:
        services.ban_create(by=cast.zhou, data=ban_data(**over))
    assert exc.value.field == field
    assert not Ban.objects.exists()


def test_the_same_decision_for_the_same_person_is_recorded_once(cast) -> None:  # noqa: ANN001
    first = services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(Conflict) as exc:
        services.ban_create(by=cast.zhou, data=ban_data(decision_number=first.decision_number.lower() + " "))
    assert exc.value.field == "decision_number" and "不必重复登记" in exc.value.message
    assert Ban.objects.count() == 1
    # Another decision on the same person is a ban of its own; a lifted one does not stand in the way.
    services.ban_create(by=cast.zhou, data=ban_data(decision_number="株卫禁〔2026〕99号"))
    services.ban_lift(by=cast.zhou, ban_id=first.pk, version=first.version, reason="复议撤销")
    services.ban_create(by=cast.zhou, data=ban_data())
    assert Ban.objects.count() == 3


def test_lift_needs_a_reason_and_a_fresh_version(cast) -> None:  # noqa: ANN001
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(DomainError) as exc:
        services.ban_lift(by=cast.zhou, ban_id=ban.pk, version=1, reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(Conflict):
        services.ban_lift(by=cast.zhou, ban_id=ban.pk, version=7, reason="x")
    assert Ban.objects.get(pk=ban.pk).lifted_at is None


def test_alert_acknowledge_in_jurisdiction_only(cast) -> None:  # noqa: ANN001
    services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(DomainError):
        _screen(cast, cast.inst_a)
    alert = BanAlert.objects.get()
    for user in (cast.bob, cast.carol, cast.ann, cast.ivan):
        with pytest.raises(Http404):
            services.alert_acknowledge(by=user, alert_id=alert.pk)
    services.alert_acknowledge(by=cast.alice, alert_id=alert.pk)
    alert.refresh_from_db()
    assert alert.acknowledged_by == cast.alice
    with pytest.raises(Conflict):
        services.alert_acknowledge(by=cast.zhou, alert_id=alert.pk)


def test_an_institution_with_a_long_name_still_gets_the_refusal(cast) -> None:  # noqa: ANN001
    long_name = _institution("托" * 200, "91430202MA4L0XXD1", "430202")
    services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(DomainError):
        _screen(cast, long_name)
    assert Notification.objects.filter(kind="bans.hire_attempt").count() == 2
