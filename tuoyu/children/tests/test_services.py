"""The rules of rooms, classes, children and enrollments at their boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tuoyu.audit.models import Event
from tuoyu.children import services
from tuoyu.children.models import Child, ConsentScope, Enrollment, Guardian
from tuoyu.children.tests.helpers import id_for, make_class, months_before, register
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.institutions import services as inst_services
from tuoyu.institutions.models import CareClass, ClassType, InstitutionKind, Room
from tuoyu.testing.fixtures import Cast

TODAY = dt.date.today()


# --- rooms and classes ------------------------------------------------------------------------------


def test_a_room_with_a_negative_area_is_refused_and_nothing_is_saved(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        inst_services.room_create(
            by=cast.ann,
            institution=cast.inst_a,
            name="活动室",
            floor=1,
            floor_area_m2=Decimal("-5"),
            use="activity",
        )
    assert exc.value.field == "floor_area_m2"
    with pytest.raises(DomainError) as exc:
        inst_services.room_create(
            by=cast.ann,
            institution=cast.inst_a,
            name="活动室",
            floor=1,
            floor_area_m2=Decimal("50"),
            window_area_m2=Decimal("-1"),
            use="activity",
        )
    assert exc.value.field == "window_area_m2"
    assert not Room.objects.exists()


def test_a_room_is_created_updated_with_its_version_and_audited(cast: Cast) -> None:
    room = inst_services.room_create(
        by=cast.ann,
        institution=cast.inst_a,
        name="活动室",
        floor=1,
        floor_area_m2=Decimal("50"),
        use="activity",
    )
    room = inst_services.room_update(
        by=cast.ann, room=room, version=1, name="大活动室", floor_area_m2=Decimal("60")
    )
    assert (room.name, room.version) == ("大活动室", 2)
    with pytest.raises(Conflict):
        inst_services.room_update(by=cast.ann, room=room, version=1, name="旧版本")
    assert (
        Event.objects.filter(action__in=["room.create", "room.update"], object_id=str(room.pk)).count() == 2
    )


def test_a_room_a_class_uses_cannot_be_deleted(cast: Cast) -> None:
    care_class = make_class(cast.inst_a)
    with pytest.raises(DomainError) as exc:
        inst_services.room_delete(by=cast.ann, room=care_class.room)
    assert "托小一班" in exc.value.message
    assert Room.objects.filter(pk=care_class.room_id).exists()
    spare = Room.objects.create(institution=cast.inst_a, name="储藏室", floor=1, floor_area_m2=5, use="other")
    inst_services.room_delete(by=cast.ann, room=spare)
    assert not Room.objects.filter(pk=spare.pk).exists()


def add_class(by, institution, name, **values):  # noqa: ANN001, ANN201
    """A 托小班 of 15 through the service, unless ``values`` say otherwise."""
    return inst_services.class_create(
        by=by, institution=institution, name=name, **{"class_type": "toddler", "planned_size": 15, **values}
    )


def test_a_child_is_registered_once_per_id_number_in_an_institution(cast: Cast) -> None:
    birth = months_before(dt.date.today(), 18)
    consent = {"consent_scope": ["basic"], "consent_text_version": "2026-01", "id_number": id_for(birth)}
    register(cast.ann, cast.inst_a, birth=birth, **consent)
    with pytest.raises(DomainError) as exc:
        register(cast.ann, cast.inst_a, name="王晓明", birth=birth, **consent)
    assert exc.value.field == "id_number" and "不要重复登记" in exc.value.message
    assert Child.objects.filter(institution=cast.inst_a).count() == 1
    register(cast.ben, cast.inst_b, birth=birth, **consent)  # another institution keeps its own record


def test_a_class_room_must_belong_to_the_same_institution(cast: Cast) -> None:
    other_room = Room.objects.create(
        institution=cast.inst_b, name="B活动室", floor=1, floor_area_m2=50, use="activity"
    )
    with pytest.raises(DomainError) as exc:
        add_class(cast.ann, cast.inst_a, "托小一班", room=other_room)
    assert exc.value.field == "room"
    assert not CareClass.objects.exists()


def test_a_second_class_or_room_of_the_same_name_is_refused_in_plain_chinese(cast: Cast) -> None:
    add_class(cast.ann, cast.inst_a, "托小一班")
    with pytest.raises(DomainError) as exc:
        add_class(cast.ann, cast.inst_a, "托小一班")
    assert (
        exc.value.message == "本机构已有同名的班级。"
    )  # not "包含 Institution 和 班级名称 的 班级 已经存在"
    room = {"floor": 1, "floor_area_m2": 50, "use": "activity"}
    inst_services.room_create(by=cast.ann, institution=cast.inst_a, name="活动室一", **room)
    with pytest.raises(DomainError) as exc:
        inst_services.room_create(by=cast.ann, institution=cast.inst_a, name="活动室一", **room)
    assert exc.value.message == "本机构已有同名的房间。"
    # Another institution may use the same names.
    add_class(cast.ben, cast.inst_b, "托小一班")


def test_a_class_lives_in_an_activity_room_never_the_observation_room(cast: Cast) -> None:
    observation = Room.objects.create(
        institution=cast.inst_a, name="保健观察室", floor=1, floor_area_m2=8, use="observation"
    )
    with pytest.raises(DomainError) as exc:
        add_class(cast.ann, cast.inst_a, "托小一班", room=observation)
    assert exc.value.field == "room"
    assert exc.value.message == "班级应安排在活动室或活动兼寝室，所选的“保健观察室”是保健观察室。"
    assert not CareClass.objects.exists()


def test_a_second_class_in_the_same_activity_room_is_saved_with_a_warning(cast: Cast) -> None:
    room = Room.objects.create(
        institution=cast.inst_a, name="活动室一", floor=1, floor_area_m2=50, use="activity"
    )
    first = add_class(cast.ann, cast.inst_a, "托小一班", room=room)
    assert inst_services.class_warnings(first) == []
    second = add_class(cast.ann, cast.inst_a, "托小二班", room=room)
    assert inst_services.class_warnings(second) == [
        "“活动室一”同时是“托小一班”的活动室；每个班宜有独立的活动室，请核对。"
    ]
    assert inst_services.class_warnings(first)[0].startswith("“活动室一”同时是“托小二班”")


def test_a_class_or_room_name_with_an_emoji_is_refused_beside_the_name(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        add_class(cast.ann, cast.inst_a, "托小🐣班")
    assert exc.value.field == "name" and "表情符号" in exc.value.message
    with pytest.raises(DomainError) as exc:
        inst_services.room_create(
            by=cast.ann, institution=cast.inst_a, name="活动室🎈", floor=1, floor_area_m2=50, use="activity"
        )
    assert exc.value.field == "name"
    assert not CareClass.objects.exists() and not Room.objects.filter(name__startswith="活动室").exists()


def test_a_center_has_no_home_group_and_a_home_point_has_exactly_one(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        inst_services.class_create(
            by=cast.ann,
            institution=cast.inst_a,
            name="看护组",
            class_type=ClassType.HOME_GROUP,
            planned_size=5,
        )
    assert exc.value.field == "class_type"
    home = cast.inst_b
    home.kind = InstitutionKind.HOME_POINT
    home.save()
    with pytest.raises(DomainError):
        inst_services.class_create(
            by=cast.ben, institution=home, name="托小班", class_type="toddler", planned_size=5
        )
    inst_services.class_create(
        by=cast.ben, institution=home, name="看护组", class_type="home_group", planned_size=5
    )
    with pytest.raises(DomainError) as exc:
        inst_services.class_create(
            by=cast.ben, institution=home, name="第二组", class_type="home_group", planned_size=5
        )
    assert "RAT-02" in exc.value.message
    assert CareClass.objects.filter(institution=home).count() == 1


def test_a_class_is_updated_with_its_version_and_closed_only_when_empty(cast: Cast) -> None:
    care_class = make_class(cast.inst_a)
    care_class = inst_services.class_update(by=cast.ann, care_class=care_class, version=1, planned_size=12)
    assert (care_class.planned_size, care_class.version) == (12, 2)
    with pytest.raises(Conflict):
        inst_services.class_update(by=cast.ann, care_class=care_class, version=1, planned_size=10)
    child = register(cast.ann, cast.inst_a, care_class=care_class, start_date=TODAY)
    with pytest.raises(DomainError):
        inst_services.class_close(by=cast.ann, care_class=care_class)
    services.enrollment_end(by=cast.ann, child=child, end_date=TODAY)
    closed = inst_services.class_close(by=cast.ann, care_class=care_class)
    assert closed.closed_on == TODAY


# --- children and consent ---------------------------------------------------------------------------


def test_without_consent_only_the_minimum_is_stored(cast: Cast) -> None:
    birth = months_before(TODAY, 18)
    with pytest.raises(DomainError) as exc:
        register(cast.ann, cast.inst_a, birth=birth, id_number=id_for(birth))
    assert exc.value.field == "id_number"
    assert "第三十一条" in exc.value.message
    assert not Child.objects.exists()
    child = register(cast.ann, cast.inst_a, birth=birth)
    assert Guardian.objects.filter(child=child).count() == 1
    with pytest.raises(DomainError) as exc:
        services.guardian_add(
            by=cast.ann, child=child, name="李美丽", relationship="mother", phone="13712345678"
        )
    assert "第三十一条" in exc.value.message
    assert Guardian.objects.filter(child=child).count() == 1


def test_with_consent_the_id_number_is_stored_encrypted_and_more_guardians_may_be_added(cast: Cast) -> None:
    birth = months_before(TODAY, 18)
    child = register(
        cast.ann,
        cast.inst_a,
        birth=birth,
        id_number=id_for(birth),
        consent_scope=["basic"],
        consent_text_version="v1",
    )
    child.refresh_from_db()
    assert child.id_number == id_for(birth)
    assert child.id_index
    assert "*" in child.id_number_masked
    services.guardian_add(
        by=cast.ann,
        child=child,
        name="李美丽",
        relationship="mother",
        phone="13712345678",
        id_number=id_for(dt.date(1990, 5, 6), "F"),
    )
    assert child.guardians.count() == 2
    assert child.has_consent(ConsentScope.BASIC)


def test_an_id_whose_birth_date_or_sex_disagrees_is_refused(cast: Cast) -> None:
    birth = months_before(TODAY, 18)
    other = birth - dt.timedelta(days=3)
    with pytest.raises(DomainError) as exc:
        register(
            cast.ann,
            cast.inst_a,
            birth=birth,
            id_number=id_for(other),
            consent_scope=["basic"],
            consent_text_version="v1",
        )
    assert exc.value.code == "id_birth_date_mismatch"
    assert exc.value.field == "id_number"
    with pytest.raises(DomainError) as exc:
        register(
            cast.ann,
            cast.inst_a,
            birth=birth,
            id_number=id_for(birth, "F"),
            consent_scope=["basic"],
            consent_text_version="v1",
        )
    assert exc.value.code == "id_sex_mismatch"
    assert not Child.objects.exists()


def test_a_bad_phone_or_a_birth_in_the_future_is_refused(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        register(cast.ann, cast.inst_a, guardian_phone="1234")
    assert exc.value.field == "guardian_phone"
    with pytest.raises(DomainError) as exc:
        register(cast.ann, cast.inst_a, birth=TODAY + dt.timedelta(days=1))
    assert exc.value.field == "birth_date"
    assert not Child.objects.exists()


def test_a_child_aged_40_months_is_refused(cast: Cast) -> None:
    with pytest.raises(DomainError) as exc:
        register(cast.ann, cast.inst_a, birth=months_before(TODAY, 40))
    assert exc.value.field == "birth_date"
    assert "40" in exc.value.message
    assert not Child.objects.exists()


def test_withdrawing_consent_erases_what_is_beyond_the_minimum(cast: Cast) -> None:
    birth = months_before(TODAY, 18)
    child = register(
        cast.ann,
        cast.inst_a,
        birth=birth,
        id_number=id_for(birth),
        consent_scope=["basic"],
        consent_text_version="v1",
    )
    services.guardian_add(by=cast.ann, child=child, name="李美丽", relationship="mother", phone="13712345678")
    consent = child.consents.get()
    services.consent_withdraw(by=cast.ann, consent=consent)
    child.refresh_from_db()
    assert child.id_number == ""
    assert child.guardians.count() == 1
    with pytest.raises(Conflict):
        services.consent_withdraw(by=cast.ann, consent=consent)
    assert Event.objects.filter(action="child.consent_withdraw", object_id=str(child.pk)).exists()


# --- enrollments ------------------------------------------------------------------------------------


def test_a_child_of_5_months_is_refused_and_of_6_months_enrolled(cast: Cast) -> None:
    care_class = make_class(cast.inst_a, class_type=ClassType.INFANT, planned_size=10, name="乳儿班")
    young = register(cast.ann, cast.inst_a, name="小一", birth=months_before(TODAY, 6) + dt.timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        services.enrollment_start(by=cast.ann, child=young, care_class=care_class, start_date=TODAY)
    assert exc.value.code == "age_band"
    assert "5个月" in exc.value.message and "6个月至不满36个月" in exc.value.message
    ok = register(cast.ann, cast.inst_a, name="小二", birth=months_before(TODAY, 6))
    services.enrollment_start(by=cast.ann, child=ok, care_class=care_class, start_date=TODAY)
    assert Enrollment.objects.filter(care_class=care_class).count() == 1


def _refused_for_age(by, child, care_class) -> str:  # noqa: ANN001
    with pytest.raises(DomainError) as exc:
        services.enrollment_start(by=by, child=child, care_class=care_class, start_date=TODAY)
    assert exc.value.code == "age_band" and exc.value.field == "start_date"
    return exc.value.message


def test_the_enrolment_age_band_is_cls06s_local_parameters(cast: Cast, settings) -> None:
    # A city that takes children from 12 months refuses a 10-month-old exactly where CLS-06 would warn.
    settings.TUOYU_STANDARDS_OVERRIDES = {"4302": {"CLS-06": {"min_months": 12, "max_months": 30}}}
    care_class = make_class(cast.inst_a, class_type=ClassType.INFANT, planned_size=10, name="乳儿班")
    ten = register(cast.ann, cast.inst_a, name="小一", birth=months_before(TODAY, 10))
    assert "CLS-06" in _refused_for_age(cast.ann, ten, care_class)
    with pytest.raises(DomainError) as exc:  # nor is a child past the city's upper bound registered
        register(cast.ann, cast.inst_a, name="小二", birth=months_before(TODAY, 30))
    assert exc.value.code == "too_old" and "不满30个月" in exc.value.message
    twelve = register(cast.ann, cast.inst_a, name="小三", birth=months_before(TODAY, 12))
    services.enrollment_start(by=cast.ann, child=twelve, care_class=care_class, start_date=TODAY)


def test_a_home_childcare_point_has_no_six_month_floor(cast: Cast) -> None:
    cast.inst_a.kind = InstitutionKind.HOME_POINT
    cast.inst_a.save()
    group = make_class(cast.inst_a, class_type=ClassType.HOME_GROUP, planned_size=5, name="看护组")
    baby = register(cast.ann, cast.inst_a, name="小一", birth=months_before(TODAY, 3))
    services.enrollment_start(by=cast.ann, child=baby, care_class=group, start_date=TODAY)
    assert Enrollment.objects.filter(care_class=group).count() == 1


def test_the_institutions_declared_ages_narrow_the_band(cast: Cast) -> None:
    cast.inst_a.min_age_months, cast.inst_a.max_age_months = 12, 24
    cast.inst_a.save()
    care_class = make_class(cast.inst_a, class_type=ClassType.TODDLER, planned_size=15, name="托小班")
    young = register(cast.ann, cast.inst_a, name="小一", birth=months_before(TODAY, 10))
    assert "最小收托月龄为12个月" in _refused_for_age(cast.ann, young, care_class)
    old = register(cast.ann, cast.inst_a, name="小二", birth=months_before(TODAY, 25))
    assert "最大收托月龄为24个月" in _refused_for_age(cast.ann, old, care_class)
    fits = register(cast.ann, cast.inst_a, name="小三", birth=months_before(TODAY, 24))
    services.enrollment_start(by=cast.ann, child=fits, care_class=care_class, start_date=TODAY)


def test_a_mixed_class_takes_children_of_18_months_or_more_as_cls04_says(cast: Cast) -> None:
    mixed = make_class(cast.inst_a, class_type=ClassType.MIXED, planned_size=18, name="混龄班")
    young = register(cast.ann, cast.inst_a, name="小一", birth=months_before(TODAY, 17))
    assert "CLS-04" in _refused_for_age(cast.ann, young, mixed)
    ok = register(cast.ann, cast.inst_a, name="小二", birth=months_before(TODAY, 18))
    services.enrollment_start(by=cast.ann, child=ok, care_class=mixed, start_date=TODAY)


def test_a_child_of_35_months_is_enrolled_and_of_36_months_refused(cast: Cast) -> None:
    care_class = make_class(cast.inst_a, class_type=ClassType.OLDER_TODDLER, planned_size=20, name="托大班")
    ok = register(cast.ann, cast.inst_a, name="大一", birth=months_before(TODAY, 36) + dt.timedelta(days=1))
    services.enrollment_start(by=cast.ann, child=ok, care_class=care_class, start_date=TODAY)
    old = register(cast.ann, cast.inst_a, name="大二", birth=months_before(TODAY, 35))
    with pytest.raises(DomainError) as exc:
        services.enrollment_start(
            by=cast.ann, child=old, care_class=care_class, start_date=months_before(TODAY, -1)
        )
    assert exc.value.code == "age_band"
    assert "36个月" in exc.value.message


def test_a_toddler_class_takes_15_children_and_refuses_the_16th_naming_the_rule(cast: Cast) -> None:
    care_class = make_class(cast.inst_a, planned_size=20)  # planned above the cap: the cap (15) decides
    for i in range(15):
        register(cast.ann, cast.inst_a, name=f"幼儿{i:02d}", care_class=care_class, start_date=TODAY)
    with pytest.raises(DomainError) as exc:
        register(cast.ann, cast.inst_a, name="第十六名", care_class=care_class, start_date=TODAY)
    assert exc.value.message == "班额已满：托小班不超过15人（CLS-05）。"
    assert exc.value.field == "care_class"
    assert not Child.objects.filter(name="第十六名").exists()  # registration and enrollment: one transaction
    assert Enrollment.objects.filter(care_class=care_class).count() == 15


def test_a_class_is_full_at_its_planned_size_when_below_the_cap(cast: Cast) -> None:
    care_class = make_class(cast.inst_a, planned_size=2)
    register(cast.ann, cast.inst_a, name="甲", care_class=care_class, start_date=TODAY)
    register(cast.ann, cast.inst_a, name="乙", care_class=care_class, start_date=TODAY)
    with pytest.raises(DomainError) as exc:
        register(cast.ann, cast.inst_a, name="丙", care_class=care_class, start_date=TODAY)
    assert "计划班额2人" in exc.value.message and "CLS-05" in exc.value.message


def test_a_child_enrolled_elsewhere_is_refused_and_a_move_ends_and_starts_together(cast: Cast) -> None:
    one = make_class(cast.inst_a, name="托小一班")
    two = make_class(cast.inst_a, name="托小二班")
    child = register(cast.ann, cast.inst_a, care_class=one, start_date=TODAY - dt.timedelta(days=30))
    with pytest.raises(DomainError) as exc:
        services.enrollment_start(by=cast.ann, child=child, care_class=two, start_date=TODAY)
    assert exc.value.code == "already_enrolled"
    services.enrollment_move(by=cast.ann, child=child, care_class=two, on=TODAY)
    old, new = child.enrollments.order_by("start_date")
    assert (old.care_class, old.end_date, new.care_class, new.end_date) == (one, TODAY, two, None)


def test_a_move_into_a_full_class_changes_nothing(cast: Cast) -> None:
    one = make_class(cast.inst_a, name="托小一班")
    full = make_class(cast.inst_a, name="托小二班", planned_size=1)
    register(cast.ann, cast.inst_a, name="甲", care_class=full, start_date=TODAY)
    child = register(
        cast.ann, cast.inst_a, name="乙", care_class=one, start_date=TODAY - dt.timedelta(days=3)
    )
    with pytest.raises(DomainError):
        services.enrollment_move(by=cast.ann, child=child, care_class=full, on=TODAY)
    assert child.enrollments.get().end_date is None


def test_leaving_ends_the_enrollment_and_frees_the_place(cast: Cast) -> None:
    care_class = make_class(cast.inst_a, planned_size=1)
    child = register(
        cast.ann, cast.inst_a, name="甲", care_class=care_class, start_date=TODAY - dt.timedelta(days=10)
    )
    with pytest.raises(DomainError):
        services.enrollment_end(by=cast.ann, child=child, end_date=TODAY - dt.timedelta(days=11))
    services.enrollment_end(by=cast.ann, child=child, end_date=TODAY)
    with pytest.raises(DomainError):
        services.enrollment_end(by=cast.ann, child=child, end_date=TODAY)
    register(cast.ann, cast.inst_a, name="乙", care_class=care_class, start_date=TODAY)


def test_a_class_of_another_institution_is_refused(cast: Cast) -> None:
    other = make_class(cast.inst_b)
    child = register(cast.ann, cast.inst_a)
    with pytest.raises(DomainError) as exc:
        services.enrollment_start(by=cast.ann, child=child, care_class=other, start_date=TODAY)
    assert exc.value.code == "class_other_institution"


def test_a_child_is_corrected_with_its_version_and_an_id_only_with_consent(cast: Cast) -> None:
    birth = months_before(TODAY, 18)
    child = register(cast.ann, cast.inst_a, birth=birth)
    with pytest.raises(DomainError) as exc:
        services.child_update(
            by=cast.ann,
            child=child,
            version=1,
            name="王小明",
            sex="M",
            birth_date=birth,
            id_number=id_for(birth),
        )
    assert "第三十一条" in exc.value.message
    child = services.child_update(
        by=cast.ann, child=child, version=1, name="王晓明", sex="M", birth_date=birth
    )
    assert (child.name, child.version) == ("王晓明", 2)
    with pytest.raises(Conflict):
        services.child_update(by=cast.ann, child=child, version=1, name="旧", sex="M", birth_date=birth)


def test_the_demo_fills_classes_within_their_caps_and_caregivers_once(cast: Cast) -> None:
    from tuoyu.children.policy import class_size_cap
    from tuoyu.demo.children import demo_children_create
    from tuoyu.demo.staff import demo_staff_create
    from tuoyu.staff.models import ClassAssignment

    demo_staff_create(seed=7)
    registered = demo_children_create(seed=7)
    assert registered > 0
    for care_class in CareClass.objects.all():
        enrolled = Enrollment.objects.filter(care_class=care_class, end_date__isnull=True).count()
        cap, _rule = class_size_cap(care_class.class_type, care_class.institution.region_prefix)
        assert enrolled <= min(care_class.planned_size, cap)
        if care_class.class_type != "home_group":  # a home point's carers look after its one group
            caregivers = ClassAssignment.objects.filter(care_class=care_class).count()
            assert caregivers > 0 or enrolled == 0
    assert demo_children_create(seed=7) == 0
