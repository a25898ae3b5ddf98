"""Each rule at its boundaries, on unsaved objects (the rules read only the context)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tuoyu.core.dates import add_years
from tuoyu.institutions.models import (
    CareClass,
    ClassType,
    Education,
    Institution,
    InstitutionKind,
    LegalPersonKind,
    PremisesTenure,
    RegistrationAuthority,
    Room,
    RoomUse,
)
from tuoyu.regions.models import Region, RegionLevel
from tuoyu.standards.parameters import params_for
from tuoyu.standards.rules import FAIL, NOT_APPLICABLE, PASS, RULES_BY_ID, WARN, Context, Outcome

TODAY = dt.date(2026, 6, 1)


def inst(**kw: Any) -> Institution:
    region = Region(code="430202", name="荷塘区", level=RegionLevel.COUNTY, prefix="430202")
    values = {
        "name": "测试托育中心",
        "uscc": "91430202MA4L0XXB1X",
        "region": region,
        "region_prefix": "430202",
    }
    values.update(kw)
    return Institution(**values)


_ids = iter(range(1, 10_000))


def room(name: str = "活动室1", **kw: Any) -> Room:
    values = {
        "pk": next(_ids),
        "name": name,
        "floor": 1,
        "floor_area_m2": Decimal("50"),
        "window_area_m2": Decimal("12"),
        "use": RoomUse.ACTIVITY,
        "camera_count": 1,
        "beds": 0,
    }
    values.update(kw)
    return Room(**values)


def care_class(
    room_: Room | None, class_type: str = ClassType.TODDLER, size: int = 12, **kw: Any
) -> CareClass:
    return CareClass(
        name=kw.pop("name", "班级"),
        class_type=class_type,
        room_id=room_.pk if room_ else None,
        planned_size=size,
        **kw,
    )


def check(rule_id: str, institution: Institution | None = None, rooms=(), classes=(), filing=None) -> Outcome:
    rule = RULES_BY_ID[rule_id]
    ctx = Context(
        institution=institution or inst(),
        rooms=list(rooms),
        classes=list(classes),
        accepted_initial=filing,
        on=TODAY,
    )
    outcome = rule.check(ctx, params_for(rule, ctx.institution.region_prefix))
    assert outcome.rule_id == rule_id and outcome.evidence
    if outcome.status in (FAIL, WARN):
        assert outcome.fix, f"{rule_id}: a non-passing outcome says what to do"
    return outcome


# --- STF-01 ----------------------------------------------------------------------------------------


def director(**kw: Any) -> Institution:
    values = {
        "director_education": Education.JUNIOR_COLLEGE,
        "director_management_years": 3,
        "director_training_certificate": "PX-2025-001",
    }
    values.update(kw)
    return inst(**values)


def test_stf01_junior_college_and_three_years_pass() -> None:
    assert check("STF-01", director()).status == PASS


def test_stf01_senior_high_fails_as_a_block() -> None:
    outcome = check("STF-01", director(director_education=Education.SENIOR_HIGH))
    assert outcome.status == FAIL and outcome.severity == "block"
    assert "高中" in outcome.evidence


def test_stf01_two_years_fail_three_pass() -> None:
    assert check("STF-01", director(director_management_years=2)).status == FAIL
    assert "2年" in check("STF-01", director(director_management_years=2)).evidence
    assert check("STF-01", director(director_management_years=3)).status == PASS


def test_stf01_missing_training_certificate_fails() -> None:
    assert check("STF-01", director(director_training_certificate="")).status == FAIL


def test_stf01_without_director_facts_is_no_data() -> None:
    outcome = check("STF-01", inst())
    assert outcome.status == NOT_APPLICABLE and outcome.severity == "" and "学历" in outcome.fix


# --- SIT-01 ----------------------------------------------------------------------------------------


def leased(start: dt.date, end: dt.date) -> Institution:
    return inst(premises_tenure=PremisesTenure.LEASED, lease_start=start, lease_end=end)


def test_sit01_lease_of_two_years_364_days_fails_three_years_passes() -> None:
    start = dt.date(2025, 1, 1)
    short = check("SIT-01", leased(start, add_years(start, 3) - dt.timedelta(days=1)))
    assert short.status == FAIL and short.severity == "block" and "不足3年" in short.evidence
    assert check("SIT-01", leased(start, add_years(start, 3))).status == PASS


def test_sit01_own_premises_pass_and_missing_facts_are_no_data() -> None:
    assert check("SIT-01", inst(premises_tenure=PremisesTenure.OWN)).status == PASS
    assert check("SIT-01", inst()).status == NOT_APPLICABLE
    assert check("SIT-01", inst(premises_tenure=PremisesTenure.LEASED)).status == NOT_APPLICABLE


def test_sit01_warns_60_days_before_the_lease_ends() -> None:
    start = dt.date(2023, 1, 1)
    warn = check("SIT-01", leased(start, TODAY + dt.timedelta(days=60)))
    assert warn.status == WARN and warn.severity == "warn" and "60天" in warn.evidence
    assert check("SIT-01", leased(start, TODAY + dt.timedelta(days=61))).status == PASS
    assert check("SIT-01", leased(start, TODAY - dt.timedelta(days=1))).status == FAIL


# --- SIT-02 ----------------------------------------------------------------------------------------


def test_sit02_floor_3_passes_floor_4_fails() -> None:
    assert check("SIT-02", rooms=[room(floor=3)]).status == PASS
    outcome = check("SIT-02", rooms=[room(floor=3), room("寝室", floor=4, use=RoomUse.SLEEP)])
    assert outcome.status == FAIL and "寝室" in outcome.evidence and "4层" in outcome.evidence


def test_sit02_below_ground_fails_and_other_rooms_do_not_count() -> None:
    assert check("SIT-02", rooms=[room(floor=-1, below_ground=True)]).status == FAIL
    assert check("SIT-02", rooms=[room(floor=1, below_ground=True)]).status == FAIL
    kitchen_high = [room(floor=2), room("厨房", floor=5, use=RoomUse.KITCHEN)]
    assert check("SIT-02", rooms=kitchen_high).status == PASS
    assert check("SIT-02", rooms=[]).status == NOT_APPLICABLE


# --- SIT-03 ----------------------------------------------------------------------------------------


def test_sit03_infant_class_needs_15_and_toddler_classes_35() -> None:
    small = room(floor_area_m2=Decimal("14.9"))
    assert check("SIT-03", rooms=[small], classes=[care_class(small, ClassType.INFANT, 8)]).status == WARN
    ok = room(floor_area_m2=Decimal("15.0"))
    assert check("SIT-03", rooms=[ok], classes=[care_class(ok, ClassType.INFANT, 8)]).status == PASS
    r34 = room(floor_area_m2=Decimal("34.9"))
    warn = check("SIT-03", rooms=[r34], classes=[care_class(r34, ClassType.OLDER_TODDLER, 18)])
    assert warn.status == WARN and "34.9" in warn.evidence and warn.severity == "warn"
    r35 = room(floor_area_m2=Decimal("35"))
    assert check("SIT-03", rooms=[r35], classes=[care_class(r35, ClassType.TODDLER, 12)]).status == PASS


def test_sit03_without_classes_or_rooms_is_no_data() -> None:
    assert check("SIT-03").status == NOT_APPLICABLE
    assert check("SIT-03", classes=[care_class(None)]).status == NOT_APPLICABLE
    closed = care_class(room(floor_area_m2=Decimal("10")), closed_on=TODAY)
    assert check("SIT-03", classes=[closed]).status == NOT_APPLICABLE


# --- SIT-04 ----------------------------------------------------------------------------------------


def test_sit04_window_ratio_019_warns_020_passes() -> None:
    low = room(floor_area_m2=Decimal("100"), window_area_m2=Decimal("19"))
    outcome = check("SIT-04", rooms=[low])
    assert outcome.status == WARN and "0.19" in outcome.evidence
    assert (
        check("SIT-04", rooms=[room(floor_area_m2=Decimal("100"), window_area_m2=Decimal("20"))]).status
        == PASS
    )
    assert check("SIT-04").status == NOT_APPLICABLE


# --- SIT-05 ----------------------------------------------------------------------------------------


def observation(area: str, beds: int) -> Room:
    return room("保健观察室", use=RoomUse.OBSERVATION, floor_area_m2=Decimal(area), beds=beds)


def test_sit05_observation_room_59_fails_60_passes() -> None:
    small = check("SIT-05", rooms=[room(), observation("5.9", 1)])
    assert small.status == FAIL and small.severity == "block" and "5.9" in small.evidence
    assert check("SIT-05", rooms=[room(), observation("6.0", 1)]).status == PASS


def test_sit05_needs_a_bed_and_a_room() -> None:
    assert check("SIT-05", rooms=[observation("8", 0)]).status == FAIL
    assert check("SIT-05", rooms=[room()]).status == FAIL
    assert check("SIT-05").status == NOT_APPLICABLE


def test_sit05_does_not_bind_a_home_childcare_point() -> None:
    home = inst(kind=InstitutionKind.HOME_POINT)
    assert check("SIT-05", home, rooms=[room()]).status == NOT_APPLICABLE
    assert check("SIT-05", inst(), rooms=[room()]).status == FAIL


# --- SIT-06 ----------------------------------------------------------------------------------------


def test_sit06_outdoor_area() -> None:
    assert check("SIT-06", inst(outdoor_area_m2=Decimal("0"))).status == FAIL
    assert check("SIT-06", inst(outdoor_area_m2=Decimal("0.1"))).status == PASS
    assert check("SIT-06", inst()).status == NOT_APPLICABLE


def test_sit06_safe_public_space_nearby_counts_as_the_outdoor_area() -> None:
    # The setting standard lets an institution use safe public space nearby; recording it passes SIT-06.
    public = check("SIT-06", inst(outdoor_area_m2=Decimal("0"), uses_public_outdoor_space=True))
    assert public.status == PASS and "公共场地" in public.evidence
    assert check("SIT-06", inst(uses_public_outdoor_space=True)).status == PASS


# --- SAF-01, SAF-02 --------------------------------------------------------------------------------


def test_saf01_retention_89_fails_90_passes_and_says_it_is_attested() -> None:
    fail = check("SAF-01", inst(recording_retention_days=89))
    assert fail.status == FAIL and "承诺" in fail.evidence
    ok = check("SAF-01", inst(recording_retention_days=90))
    assert ok.status == PASS and "承诺" in ok.evidence
    assert check("SAF-01", inst()).status == NOT_APPLICABLE


def test_saf02_every_childrens_room_has_a_camera() -> None:
    assert check("SAF-02", rooms=[room(), room("寝室", use=RoomUse.SLEEP)]).status == PASS
    outcome = check("SAF-02", rooms=[room(), room("寝室", use=RoomUse.SLEEP, camera_count=0)])
    assert outcome.status == FAIL and "寝室" in outcome.evidence
    assert check("SAF-02", rooms=[room(), room("厨房", use=RoomUse.KITCHEN, camera_count=0)]).status == PASS


def test_saf02_without_rooms_uses_only_a_negative_attestation() -> None:
    assert check("SAF-02", inst(surveillance_attested=True, cameras_cover_children_areas=True)).status == (
        NOT_APPLICABLE
    )
    assert check("SAF-02", inst(surveillance_attested=True)).status == FAIL


# --- CLS-05 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("class_type", "cap"),
    [(ClassType.INFANT, 10), (ClassType.TODDLER, 15), (ClassType.OLDER_TODDLER, 20), (ClassType.MIXED, 18)],
)
def test_cls05_planned_size_at_the_cap_passes_one_more_fails(class_type: str, cap: int) -> None:
    r = room()
    assert check("CLS-05", rooms=[r], classes=[care_class(r, class_type, cap)]).status == PASS
    over = check("CLS-05", rooms=[r], classes=[care_class(r, class_type, cap + 1)])
    assert over.status == FAIL and f"{cap + 1}人" in over.evidence and over.severity == "fail"


def test_cls05_without_classes_is_no_data() -> None:
    assert check("CLS-05").status == NOT_APPLICABLE


# --- RAT-02 ----------------------------------------------------------------------------------------


def test_rat02_home_point_capacity_5_passes_6_fails_centres_not_applicable() -> None:
    assert check("RAT-02", inst(kind=InstitutionKind.HOME_POINT, capacity=5)).status == PASS
    assert check("RAT-02", inst(kind=InstitutionKind.HOME_POINT, capacity=6)).status == FAIL
    assert check("RAT-02", inst(kind=InstitutionKind.HOME_POINT)).status == NOT_APPLICABLE
    assert check("RAT-02", inst(capacity=80)).status == NOT_APPLICABLE


# --- FIL-02, FIL-03 --------------------------------------------------------------------------------


def test_fil02_authority_matches_the_legal_person_kind() -> None:
    ok = inst(
        legal_person_kind=LegalPersonKind.ENTERPRISE,
        registration_authority=RegistrationAuthority.MARKET_REGULATION,
    )
    assert check("FIL-02", ok).status == PASS
    wrong = inst(
        legal_person_kind=LegalPersonKind.SOCIAL_SERVICE_ORG,
        registration_authority=RegistrationAuthority.MARKET_REGULATION,
    )
    outcome = check("FIL-02", wrong)
    assert outcome.status == FAIL and "民政部门" in outcome.evidence
    assert check("FIL-02", inst()).status == NOT_APPLICABLE


def test_fil03_business_scope_uses_the_registration_check() -> None:
    assert check("FIL-03", inst(business_scope="托育服务；家政服务")).status == PASS
    assert check("FIL-03", inst(business_scope="3岁以下婴幼儿照护服务")).status == PASS
    assert check("FIL-03", inst(business_scope="家政服务")).status == FAIL
    # A centre's scope of only 家庭托育服务 contains the words 托育服务, but names a home point's service.
    assert check("FIL-03", inst(business_scope="家庭托育服务")).status == FAIL
    assert check("FIL-03", inst(business_scope="家庭托育服务；托育服务")).status == PASS
    home = inst(kind=InstitutionKind.HOME_POINT, business_scope="托育服务")
    assert check("FIL-03", home).status == FAIL
    assert (
        check("FIL-03", inst(kind=InstitutionKind.HOME_POINT, business_scope="家庭托育服务")).status == PASS
    )
    assert check("FIL-03", inst()).status == NOT_APPLICABLE


# --- evidence in English ---------------------------------------------------------------------------


def test_evidence_joins_its_findings_with_translatable_separators(tmp_path: Any, settings: Any) -> None:
    import polib
    from django.utils import translation

    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "en"}
    for msgid, msgstr in [("；", "; "), ("。", "."), ("、", ", ")]:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    (tmp_path / "en" / "LC_MESSAGES").mkdir(parents=True)
    po.save_as_mofile(str(tmp_path / "en" / "LC_MESSAGES" / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]
    rooms = [room("甲", floor=4), room("乙", floor=5), room("丙", below_ground=True)]
    with translation.override("en"):
        outcome = check("SIT-02", rooms=rooms)
    assert "甲, 乙" in outcome.evidence and "; 丙" in outcome.evidence and outcome.evidence.endswith(".")
    assert not {"；", "。", "、"} & set(outcome.evidence)
    assert check("SIT-02", rooms=rooms).evidence.endswith("。")  # Chinese again outside the override
