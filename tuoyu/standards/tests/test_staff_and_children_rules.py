"""The rules that read staff and enrolments (STF-05, STF-06, CLS-05 on the children in class), through the
engine's own loader, at their boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tuoyu.children.models import Child, Enrollment
from tuoyu.institutions.models import CareClass, ClassType, Room, RoomUse
from tuoyu.staff.models import BackgroundCheck, CheckKind, CheckResult, Employment, HealthCertificate, Person
from tuoyu.standards.catalogue import FAIL, NOT_APPLICABLE, PASS, WARN
from tuoyu.standards.engine import evaluate
from tuoyu.testing.bans import OTHER_ID as ID_B  # valid ID numbers with their check characters
from tuoyu.testing.bans import ZZ_ID as ID_A

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)


def employ(institution, name: str, id_number: str) -> Person:
    person = Person.objects.create(name=name, id_number=id_number, sex="F", birth_date=dt.date(1990, 1, 1))
    Employment.objects.create(person=person, institution=institution, roles=["caregiver"], start_date=ON)
    return person


def outcome(institution, rule_id: str):
    return evaluate(institution, on=ON).outcome(rule_id)


def test_stf05_a_health_certificate_valid_12_months_then_a_warning_then_a_failure(cast) -> None:
    assert outcome(cast.inst_a, "STF-05").status == NOT_APPLICABLE
    person = employ(cast.inst_a, "王芳", ID_A)
    assert outcome(cast.inst_a, "STF-05").status == FAIL  # none on file
    HealthCertificate.objects.create(person=person, issued_on=dt.date(2025, 6, 2), issuer="体检中心")
    result = outcome(cast.inst_a, "STF-05")
    assert result.status == WARN and "王芳" in result.evidence  # valid through 1 June 2026: within 30 days
    HealthCertificate.objects.create(person=person, issued_on=dt.date(2026, 1, 10), issuer="体检中心")
    assert outcome(cast.inst_a, "STF-05").status == PASS


def test_stf05_the_day_after_twelve_months_the_certificate_has_lapsed(cast) -> None:
    person = employ(cast.inst_a, "王芳", ID_A)
    HealthCertificate.objects.create(person=person, issued_on=dt.date(2025, 5, 31), issuer="体检中心")
    result = outcome(cast.inst_a, "STF-05")
    assert result.status == FAIL and "没有有效健康证" in result.evidence


def test_stf06_every_staff_member_needs_a_clear_no_criminal_record_certificate(cast) -> None:
    first = employ(cast.inst_a, "王芳", ID_A)
    second = employ(cast.inst_a, "李娜", ID_B)
    clear = {"kind": CheckKind.NO_CRIMINAL_RECORD, "checked_on": ON, "authority": "派出所"}
    BackgroundCheck.objects.create(person=first, result=CheckResult.CLEAR, **clear)
    missing = outcome(cast.inst_a, "STF-06")
    assert missing.status == FAIL and "李娜" in missing.evidence and "王芳" not in missing.evidence
    BackgroundCheck.objects.create(
        person=second,
        kind=CheckKind.SEXUAL_OFFENCE,
        checked_on=ON,
        result=CheckResult.CLEAR,
        authority="公安",
    )
    assert outcome(cast.inst_a, "STF-06").status == FAIL  # the other check does not stand in for this one
    BackgroundCheck.objects.create(person=second, result=CheckResult.CLEAR, **clear)
    assert outcome(cast.inst_a, "STF-06").status == PASS
    BackgroundCheck.objects.create(person=first, result=CheckResult.FOUND, **clear)
    found = outcome(cast.inst_a, "STF-06")
    assert found.status == FAIL and "有记录" in found.evidence and "调离" in found.fix


def test_stf_rules_ignore_people_who_have_left(cast) -> None:
    person = employ(cast.inst_a, "王芳", ID_A)
    Employment.objects.filter(person=person).update(end_date=ON)
    assert outcome(cast.inst_a, "STF-05").status == NOT_APPLICABLE
    assert outcome(cast.inst_a, "STF-06").status == NOT_APPLICABLE


@pytest.mark.parametrize(("enrolled", "status"), [(15, PASS), (16, FAIL)])
def test_cls05_counts_the_children_in_class_15_in_a_toddler_class_pass_16_fail(
    cast, enrolled, status
) -> None:
    room = Room.objects.create(
        institution=cast.inst_a, name="活动室", floor=1, floor_area_m2=Decimal("60"), use=RoomUse.ACTIVITY
    )
    care_class = CareClass.objects.create(
        institution=cast.inst_a, name="托小班", class_type=ClassType.TODDLER, room=room, planned_size=15
    )
    for n in range(enrolled):  # as if enrolled before the cap was enforced: the rule must still see it
        child = Child.objects.create(
            institution=cast.inst_a, name=f"幼儿{n}", sex="F", birth_date=dt.date(2025, 1, 1)
        )
        Enrollment.objects.create(child=child, care_class=care_class, start_date=dt.date(2026, 3, 1))
    gone = Child.objects.create(
        institution=cast.inst_a, name="已离园", sex="M", birth_date=dt.date(2025, 1, 1)
    )
    Enrollment.objects.create(
        child=gone, care_class=care_class, start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 5, 1)
    )
    result = outcome(cast.inst_a, "CLS-05")
    assert result.status == status
    if status == FAIL:
        assert "在班16人" in result.evidence and "上限15人" in result.evidence
