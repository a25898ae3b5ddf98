"""The staff register's rules: who is hired, what is refused, and what each write leaves behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from tuoyu.accounts.models import Role, User
from tuoyu.audit.models import Event
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.institutions.models import CareClass
from tuoyu.staff import selectors, services
from tuoyu.staff.models import Employment, HealthCertificate, Person, add_months
from tuoyu.staff.tests.factories import hire, hire_data, id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def refused(field: str, code: str | None = None):  # noqa: ANN201
    class _Ctx:
        def __enter__(self) -> None:
            return None

        def __exit__(self, kind, exc, tb) -> bool:  # noqa: ANN001
            assert kind is DomainError or (kind is not None and issubclass(kind, DomainError)), (
                f"expected a refusal on {field}, got {kind}"
            )
            assert exc.field == field, f"refused on {exc.field}, expected {field}: {exc.message}"
            if code:
                assert exc.code == code
            return True

    return _Ctx()


def test_a_hire_derives_sex_and_birth_date_from_the_id_number_and_encrypts_it(cast) -> None:
    result = hire(cast.ann, cast.inst_a, id_number=id_number(dt.date(1992, 5, 17), seq=4, male=False))
    person = Person.objects.get(pk=result.person.pk)
    assert (person.sex, person.birth_date) == ("F", dt.date(1992, 5, 17))
    assert person.employments.get().roles == ["caregiver"]
    assert not result.active_elsewhere
    assert Event.objects.filter(action="staff.hire", object_id=str(result.employment.pk)).exists()
    event = Event.objects.get(action="staff.hire")
    assert person.id_number not in str(event.after)  # the trail keeps it masked


def test_a_sex_that_disagrees_with_the_id_number_is_refused(cast) -> None:
    with refused("sex", "sex_mismatch"):
        hire(cast.ann, cast.inst_a, sex="F")  # the default ID number is a man's
    assert not Person.objects.exists()


def test_a_birth_date_that_disagrees_with_the_id_number_is_refused(cast) -> None:
    with refused("birth_date", "birth_date_mismatch"):
        hire(cast.ann, cast.inst_a, birth_date=dt.date(1990, 1, 2))


def test_an_invalid_id_number_or_phone_is_refused_next_to_its_field(cast) -> None:
    good = id_number()
    with refused("id_number", "id_number_invalid"):
        hire(cast.ann, cast.inst_a, id_number=good[:17] + ("0" if good[17] != "0" else "1"))
    with refused("phone", "phone_invalid"):
        hire(cast.ann, cast.inst_a, phone="1234567")
    with refused("roles", "roles_required"):
        hire(cast.ann, cast.inst_a, roles=[])
    with refused("roles", "roles_invalid"):
        hire(cast.ann, cast.inst_a, roles=["astronaut"])


def test_nobody_under_sixteen_on_the_start_date_is_hired(cast) -> None:
    start = TODAY()
    born = start.replace(year=start.year - 16) + dt.timedelta(days=1)  # sixteen tomorrow
    with refused("id_number", "under_age"):
        hire(cast.ann, cast.inst_a, born=born, start_date=start)
    sixteen_today = born - dt.timedelta(days=1)
    assert hire(cast.ann, cast.inst_a, born=sixteen_today, seq=2, start_date=start).person.pk


def test_only_the_institutions_admin_hires(cast) -> None:
    for user in (cast.ben, cast.stacy, cast.alice, cast.zhou, cast.sam):
        with pytest.raises(Http404):
            hire(user, cast.inst_a)
    assert not Person.objects.exists()


def test_a_person_active_at_another_institution_is_flagged_not_refused(cast) -> None:
    hire(cast.ben, cast.inst_b)
    result = hire(cast.ann, cast.inst_a)
    assert result.active_elsewhere == [cast.inst_b]
    assert Person.objects.count() == 1  # one person per ID number
    assert Employment.objects.filter(end_date__isnull=True).count() == 2


def test_the_same_id_number_with_another_name_is_refused(cast) -> None:
    hire(cast.ben, cast.inst_b)
    with refused("name", "name_mismatch"):
        hire(cast.ann, cast.inst_a, name="王五")


def test_a_person_already_employed_here_is_not_hired_twice(cast) -> None:
    hire(cast.ann, cast.inst_a)
    with refused("id_number", "already_employed"):
        hire(cast.ann, cast.inst_a)


def ban_nationally(cast, number: str) -> None:  # noqa: ANN001
    from tuoyu.bans.services import BanData, ban_create

    ban_create(
        by=cast.zhou,
        data=BanData(
            name="赵某",
            id_number=number,
            reason="虐待儿童",
            decision_authority="株洲市卫生健康委员会",
            decision_number="株卫禁〔2026〕1号",
            decision_date=TODAY() - dt.timedelta(days=10),
            scope="national",
        ),
    )


def test_a_banned_person_is_refused_and_the_alert_stays(cast) -> None:
    from tuoyu.bans.models import BanAlert

    number = id_number(seq=9)
    ban_nationally(cast, number)
    with refused("id_number", "banned"):
        hire(cast.ann, cast.inst_a, id_number=number)
    assert not Person.objects.exists()
    assert BanAlert.objects.filter(institution=cast.inst_a).exists()


@pytest.mark.parametrize("width", ["full", "spaced"])
def test_a_banned_person_typed_in_full_width_digits_is_still_refused(cast, width) -> None:
    # The ban screen matches on the blind index: a number typed with an IME's full-width digits must index
    # to the same value, or the banned person is hired (issue 10 §5).
    number = id_number(seq=9)
    ban_nationally(cast, number)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in number) if width == "full" else " ".join(number)
    with refused("id_number", "banned"):
        hire(cast.ann, cast.inst_a, id_number=typed)
    assert not Person.objects.exists()


def test_ending_an_employment_closes_it_at_once_and_ends_its_classes(cast) -> None:
    result = hire(cast.ann, cast.inst_a)
    care_class = CareClass.objects.create(
        institution=cast.inst_a, name="小一班", class_type="toddler", planned_size=20
    )
    services.class_assign(by=cast.ann, employment_id=result.employment.pk, care_class_id=care_class.pk)
    ended = services.employment_end(by=cast.ann, employment_id=result.employment.pk, version=1)
    assert ended.end_date == TODAY() and ended.version == 2
    assert not ended.assignments.filter(end_date__isnull=True).exists()
    assert not selectors.staff_of(viewer=cast.ann, institution=cast.inst_a).exists()
    with pytest.raises(Http404):  # an ended employment cannot be changed any more
        services.employment_end(by=cast.ann, employment_id=result.employment.pk)


def test_an_end_before_the_start_or_in_the_future_or_stale_is_refused(cast) -> None:
    result = hire(cast.ann, cast.inst_a)
    start = result.employment.start_date
    with refused("end_date", "end_before_start"):
        services.employment_end(
            by=cast.ann, employment_id=result.employment.pk, end_date=start - dt.timedelta(days=1)
        )
    with refused("end_date", "future_date"):
        services.employment_end(
            by=cast.ann, employment_id=result.employment.pk, end_date=TODAY() + dt.timedelta(days=1)
        )
    with pytest.raises(Conflict):
        services.employment_end(by=cast.ann, employment_id=result.employment.pk, version=7)
    assert Employment.objects.get().end_date is None


def test_another_institution_cannot_end_or_add_records(cast) -> None:
    result = hire(cast.ann, cast.inst_a)
    with pytest.raises(Http404):
        services.employment_end(by=cast.ben, employment_id=result.employment.pk)
    with pytest.raises(Http404):
        services.health_certificate_add(
            by=cast.alice, person_id=result.person.pk, issued_on=TODAY(), issuer="x"
        )


def test_a_health_certificate_is_valid_for_twelve_months(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    issued = dt.date(2025, 3, 15)
    h = services.health_certificate_add(
        by=cast.ann, person_id=person.pk, issued_on=issued, issuer="荷塘区妇幼保健院"
    )
    # STF-05: today − examination date ≤ 12 months, so the anniversary itself is the last valid day.
    assert h.expires_on == dt.date(2026, 3, 15)
    assert h.is_valid(dt.date(2026, 3, 15))
    assert not h.is_valid(dt.date(2026, 3, 16))
    leap = HealthCertificate(person=person, issued_on=dt.date(2024, 2, 29), issuer="x")
    assert leap.expires_on == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_certificates_refuse_impossible_dates(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    common = {
        "by": cast.ann,
        "person_id": person.pk,
        "kind": "childcare_worker",
        "number": "BY-1",
        "issuer": "人社局",
    }
    with refused("issued_on", "future_date"):
        services.certificate_add(**common, issued_on=TODAY() + dt.timedelta(days=1))
    with refused("expires_on", "expiry_before_issue"):
        services.certificate_add(**common, issued_on=TODAY(), expires_on=TODAY() - dt.timedelta(days=1))
    with refused("issued_on", "future_date"):
        services.health_certificate_add(
            by=cast.ann, person_id=person.pk, issued_on=TODAY() + dt.timedelta(days=1), issuer="x"
        )
    with refused("kind"):
        services.certificate_add(**{**common, "kind": "wizard"}, issued_on=TODAY())
    c = services.certificate_add(**common, issued_on=TODAY(), level="四级")
    services.certificate_remove(by=cast.ann, certificate_id=c.pk)
    assert not person.certificates.exists()
    assert Event.objects.filter(action="staff.certificate_remove").exists()


def test_background_checks_and_training_are_recorded_and_checked(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    services.background_check_add(
        by=cast.ann,
        person_id=person.pk,
        kind="sexual_offence",
        checked_on=TODAY(),
        result="clear",
        authority="荷塘分局",
    )
    with refused("result"):
        services.background_check_add(
            by=cast.ann,
            person_id=person.pk,
            kind="no_criminal_record",
            checked_on=TODAY(),
            result="maybe",
            authority="x",
        )
    services.training_add(
        by=cast.ann, person_id=person.pk, year=TODAY().year, hours="12.5", topic="婴幼儿急救"
    )
    with refused("hours"):
        services.training_add(by=cast.ann, person_id=person.pk, year=TODAY().year, hours="-1", topic="x")
    with refused("year"):
        services.training_add(by=cast.ann, person_id=person.pk, year=TODAY().year + 1, hours="1", topic="x")
    with refused("kind"):
        services.training_add(
            by=cast.ann, person_id=person.pk, year=TODAY().year, hours="1", topic="x", kind="z"
        )
    post = services.training_add(
        by=cast.ann, person_id=person.pk, year=TODAY().year, hours="60", topic="负责人岗位培训", kind="post"
    )
    assert post.kind == "post" and post.get_kind_display() == "岗位培训"
    row = selectors.roster(viewer=cast.ann, institution=cast.inst_a)[0]
    assert row.missing_checks == ["无犯罪记录证明"]
    assert row.health_expired  # no health certificate at all


def test_the_roster_flags_expired_and_expiring_health_certificates(cast) -> None:
    today = TODAY()
    expiring = hire(cast.ann, cast.inst_a).person
    expired = hire(cast.ann, cast.inst_a, seq=2, name="周保健").person
    fine = hire(cast.ann, cast.inst_a, seq=3, name="吴炊事").person
    services.health_certificate_add(
        by=cast.ann,
        person_id=expiring.pk,
        issued_on=add_months(today, -12) + dt.timedelta(days=10),
        issuer="x",
    )
    services.health_certificate_add(
        by=cast.ann,
        person_id=expired.pk,
        issued_on=add_months(today, -12) - dt.timedelta(days=1),
        issuer="x",
    )
    services.health_certificate_add(by=cast.ann, person_id=fine.pk, issued_on=today, issuer="x")
    rows = {r.person.pk: r for r in selectors.roster(viewer=cast.ann, institution=cast.inst_a, on=today)}
    assert rows[expiring.pk].health_expiring and not rows[expiring.pk].health_expired
    assert rows[expired.pk].health_expired
    assert not rows[fine.pk].health_expired and not rows[fine.pk].health_expiring
    soon = selectors.expiring_certificates(viewer=cast.ann, institution=cast.inst_a, on=today)
    assert [e.person.pk for e in soon] == [expiring.pk]


def test_a_caregiver_sees_only_their_own_classes(cast) -> None:
    result = hire(cast.ann, cast.inst_a)
    Person.objects.filter(pk=result.person.pk).update(user=cast.stacy)
    mine = CareClass.objects.create(
        institution=cast.inst_a, name="小一班", class_type="toddler", planned_size=20
    )
    CareClass.objects.create(institution=cast.inst_a, name="小二班", class_type="toddler", planned_size=20)
    other = CareClass.objects.create(
        institution=cast.inst_b, name="乳儿班", class_type="infant", planned_size=10
    )
    assert not selectors.classes_of(cast.stacy).exists()
    services.class_assign(by=cast.ann, employment_id=result.employment.pk, care_class_id=mine.pk)
    assert list(selectors.classes_of(cast.stacy)) == [mine]
    assert not selectors.classes_of(cast.ann).exists()
    with refused("care_class", "class_not_found"):  # a class of another institution
        services.class_assign(by=cast.ann, employment_id=result.employment.pk, care_class_id=other.pk)
    with refused("care_class", "already_assigned"):
        services.class_assign(by=cast.ann, employment_id=result.employment.pk, care_class_id=mine.pk)
    assignment = result.employment.assignments.get()
    services.class_unassign(by=cast.ann, assignment_id=assignment.pk)
    assert not selectors.classes_of(cast.stacy).exists()
    with pytest.raises(Conflict):
        services.class_unassign(by=cast.ann, assignment_id=assignment.pk)


def test_visibility_follows_the_institution_and_jurisdiction(cast) -> None:
    a = hire(cast.ann, cast.inst_a).person
    b = hire(cast.ben, cast.inst_b, seq=2, name="钱保安", roles=["guard"]).person
    Person.objects.filter(pk=a.pk).update(user=cast.stacy)

    def seen(user, action="view"):  # noqa: ANN001, ANN202
        from tuoyu.core.scoping import scoped

        return set(scoped(user, action, Person).values_list("pk", flat=True))

    assert seen(cast.ann) == {a.pk} and seen(cast.ben) == {b.pk}
    assert seen(cast.alice) == {a.pk} and seen(cast.ivan) == {a.pk} and seen(cast.bob) == {b.pk}
    assert seen(cast.zhou) == {a.pk, b.pk}
    assert seen(cast.stacy) == {a.pk}  # her own record
    for user in (cast.carol, cast.audrey, cast.sam, cast.pat, cast.clerk):
        assert seen(user) == set()
    assert seen(cast.ann, "change") == {a.pk}
    assert seen(cast.alice, "change") == set() and seen(cast.stacy, "change") == set()
    assert seen(cast.ivan, "reveal") == set() and seen(cast.alice, "reveal") == {a.pk}


def test_hire_data_defaults_are_valid(cast) -> None:
    assert services.hire_clean(hire_data())["sex"] == "M"


def test_the_demo_gives_institutions_with_an_admin_a_few_staff_once(cast) -> None:
    from tuoyu.demo.staff import demo_staff_create

    hired = demo_staff_create(seed=7)
    assert hired >= 6  # inst_a and inst_b have admins; inst_hebi has none
    assert Employment.objects.filter(institution=cast.inst_a).count() >= 3
    assert not Employment.objects.filter(institution=cast.inst_hebi).exists()
    assert demo_staff_create(seed=7) == 0
    assert selectors.roster(viewer=cast.ann, institution=cast.inst_a)


def test_the_demo_caregiver_sees_only_their_class_and_the_banned_hire_is_refused_once(cast) -> None:
    from decimal import Decimal

    from tuoyu.bans.models import Ban, BanAlert
    from tuoyu.children.models import Child
    from tuoyu.core.scoping import scoped
    from tuoyu.demo.staff import BANNED_NAME, demo_staff_account_and_ban
    from tuoyu.institutions import services as premises
    from tuoyu.institutions.models import ClassType
    from tuoyu.testing.fixtures import make_user

    assert demo_staff_account_and_ban(password="Demo-Tuoyu-2026") == []  # no inst-demo: nothing to do
    make_user("inst-demo", Role.INSTITUTION_ADMIN, institution=cast.inst_a)
    make_user("zz-city", Role.CITY_ADMIN, region="430200")
    admin = User.objects.get(username="inst-demo")
    room = premises.room_create(
        by=admin,
        institution=cast.inst_a,
        name="活动室一",
        floor=1,
        floor_area_m2=Decimal("60"),
        use="activity",
    )
    premises.class_create(
        by=admin,
        institution=cast.inst_a,
        name="托小班一",
        class_type=ClassType.TODDLER,
        room=room,
        planned_size=15,
    )
    done = demo_staff_account_and_ban(password="Demo-Tuoyu-2026")
    assert done[0].startswith("inst-staff") and "不得录用" in done[1]
    caregiver = User.objects.get(username="inst-staff")
    assert [c.name for c in selectors.classes_of(caregiver)] == ["托小班一"]
    assert not scoped(caregiver, "view", Child).exists()  # nobody enrolled in that class yet
    assert BanAlert.objects.filter(ban__name=BANNED_NAME, institution=cast.inst_a).count() == 1
    assert not Person.objects.filter(name=BANNED_NAME).exists()  # the hire was refused
    assert demo_staff_account_and_ban(password="Demo-Tuoyu-2026") == []  # a rerun adds nothing
    assert Ban.objects.filter(name=BANNED_NAME).count() == 1


def test_a_hire_is_full_time_unless_said_otherwise_and_the_trail_records_it(cast) -> None:
    result = hire(cast.ann, cast.inst_a)
    assert Employment.objects.get(pk=result.employment.pk).full_time is True
    assert Event.objects.get(action="staff.hire").after["full_time"] is True


def test_a_part_time_hire_is_recorded_as_part_time(cast) -> None:
    result = hire(cast.ann, cast.inst_a, roles=["health_worker"], full_time=False)
    assert Employment.objects.get(pk=result.employment.pk).full_time is False
    assert Event.objects.get(action="staff.hire").after["full_time"] is False


def test_a_full_time_flag_that_is_not_a_yes_or_no_is_refused(cast) -> None:
    with refused("full_time", "invalid"):
        hire(cast.ann, cast.inst_a, full_time="maybe")
    assert not Employment.objects.exists()


def test_the_demo_has_a_few_part_time_health_workers_and_nobody_else_part_time(cast) -> None:
    from tuoyu.demo.staff import demo_staff_create

    demo_staff_create(seed=8)  # a seed whose draw gives inst_a a part-time health worker
    part_time = Employment.objects.filter(full_time=False)
    assert [e.roles for e in part_time] == [["health_worker"]]
    assert part_time.get().institution == cast.inst_a
    assert Employment.objects.filter(full_time=True).count() >= 5
