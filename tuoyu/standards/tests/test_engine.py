"""The engine on the database: per-city overrides, FIL-01 on a real filing, stored results and their
re-evaluation, the risk ranking, the query count, and the nightly run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from tuoyu.audit.models import Event
from tuoyu.filings import services as filing_services
from tuoyu.filings.models import FilingMaterial, MaterialKind
from tuoyu.institutions.models import (
    CareClass,
    ClassType,
    Education,
    FilingStatus,
    Institution,
    PremisesTenure,
    Room,
    RoomUse,
)
from tuoyu.standards import selectors
from tuoyu.standards.engine import evaluate
from tuoyu.standards.models import ComplianceResult
from tuoyu.standards.parameters import params_for, validate_overrides
from tuoyu.standards.rules import FAIL, NOT_APPLICABLE, PASS, RULES_BY_ID
from tuoyu.standards.services import evaluate_all, reevaluate
from tuoyu.testing.filings import fill_form
from tuoyu.testing.fixtures import Cast

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def compliant(institution: Institution, **changes: Any) -> Institution:
    """Give an institution facts that pass every institution-level rule, then apply ``changes``."""
    values = {
        "director_education": Education.BACHELOR,
        "director_management_years": 5,
        "director_training_certificate": "PX-1",
        "premises_tenure": PremisesTenure.OWN,
        "outdoor_area_m2": Decimal("120"),
        "recording_retention_days": 90,
        "registration_authority": "market_regulation",
        "legal_person_kind": "enterprise",
        "business_scope": "托育服务",
        "filing_status": FilingStatus.FILED,
    }
    values.update(changes)
    for k, v in values.items():
        setattr(institution, k, v)
    institution.save()
    return institution


def rooms_for(institution: Institution, *, floor: int = 1) -> None:
    activity = Room.objects.create(
        institution=institution,
        name="活动室",
        floor=floor,
        floor_area_m2=Decimal("50"),
        window_area_m2=Decimal("12"),
        use=RoomUse.ACTIVITY,
        camera_count=2,
    )
    Room.objects.create(
        institution=institution,
        name="保健观察室",
        floor=1,
        floor_area_m2=Decimal("8"),
        window_area_m2=Decimal("2"),
        use=RoomUse.OBSERVATION,
        camera_count=1,
        beds=1,
    )
    CareClass.objects.create(
        institution=institution, name="托小一班", class_type=ClassType.TODDLER, room=activity, planned_size=15
    )


# --- overrides ------------------------------------------------------------------------------------


def test_a_stricter_override_is_accepted_and_a_local_param_is_free() -> None:
    table = {
        "4302": {
            "SIT-02": {"max_floor": 2},
            "STF-01": {"min_management_years": 5},
            "CLS-05": {"toddler": 12},
        },
        "430202": {"SIT-03": {"per_child_m2": 3}, "SIT-06": {"per_child_m2": 0}},
    }
    assert validate_overrides(table) is table


@pytest.mark.parametrize(
    ("rule", "param", "value"),
    [
        ("CLS-05", "toddler", 16),
        ("SIT-02", "max_floor", 4),
        ("SAF-01", "min_days", 60),
        ("SIT-04", "min_ratio", 0.1),
    ],
)
def test_a_laxer_override_is_refused_naming_the_rule_and_param(rule: str, param: str, value: Any) -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        validate_overrides({"4302": {rule: {param: value}}})
    assert rule in str(error.value) and param in str(error.value) and "laxer" in str(error.value)


@pytest.mark.parametrize(
    "table",
    [
        {"4302": {"XXX-01": {"a": 1}}},
        {"4302": {"SIT-02": {"nope": 1}}},
        {"湖南": {"SIT-02": {"max_floor": 2}}},
        {"4302": {"SIT-02": {"max_floor": "2"}}},
        {"4302": {"SIT-02": {"max_floor": True}}},
        {"4302": ["SIT-02"]},
        ["4302"],
    ],
)
def test_malformed_overrides_are_refused(table: Any) -> None:
    with pytest.raises(ImproperlyConfigured):
        validate_overrides(table)


def test_the_app_refuses_to_start_with_a_laxer_override() -> None:
    laxer = override_settings(TUOYU_STANDARDS_OVERRIDES={"4302": {"CLS-05": {"infant": 11}}})
    with laxer, pytest.raises(ImproperlyConfigured, match="CLS-05.*infant"):
        apps.get_app_config("standards").ready()
    apps.get_app_config("standards").ready()  # the real settings are fine


@override_settings(
    TUOYU_STANDARDS_OVERRIDES={"43": {"SIT-02": {"max_floor": 2}}, "430202": {"SIT-02": {"max_floor": 1}}}
)
def test_the_most_specific_prefix_wins() -> None:
    rule = RULES_BY_ID["SIT-02"]
    assert params_for(rule, "430202001")["max_floor"] == 1
    assert params_for(rule, "430203")["max_floor"] == 2
    assert params_for(rule, "4106")["max_floor"] == 3


@pytest.mark.django_db
def test_an_override_changes_the_outcome_for_that_city_only(cast: Cast) -> None:
    for inst in (cast.inst_a, cast.inst_b):
        compliant(inst)
        rooms_for(inst, floor=2)
    assert evaluate(cast.inst_a).outcome("SIT-02").status == PASS
    with override_settings(TUOYU_STANDARDS_OVERRIDES={"430202": {"SIT-02": {"max_floor": 1}}}):
        assert evaluate(cast.inst_a).outcome("SIT-02").status == FAIL
        assert evaluate(cast.inst_b).outcome("SIT-02").status == PASS


# --- FIL-01 on a real filing ----------------------------------------------------------------------


@pytest.mark.django_db
def test_fil01_passes_with_every_material_and_fails_without_one(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    assert evaluate(cast.inst_a).outcome("FIL-01").status == NOT_APPLICABLE
    filing = filing_services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    for kind in filing_services.required_materials(filing):
        upload = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
        filing_services.filing_attach(by=cast.ann, filing_id=filing.pk, kind=kind, upload=upload)
    filing = filing_services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        filing_services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    # accepting re-evaluates: the institution is now filed and has a stored result
    stored = ComplianceResult.objects.get(institution=cast.inst_a)
    assert {o["rule_id"]: o["status"] for o in stored.outcomes}["FIL-01"] == PASS
    FilingMaterial.objects.filter(filing=filing, kind=MaterialKind.FIRE_SAFETY).delete()
    outcome = evaluate(cast.inst_a).outcome("FIL-01")
    assert outcome.status == FAIL and outcome.severity == "block" and "消防" in outcome.evidence


# --- stored results -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_room_change_reevaluates_the_institution(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    compliant(cast.inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        rooms_for(cast.inst_a)
    result = ComplianceResult.objects.get(institution=cast.inst_a)
    assert "SIT-02" not in result.failing_rules
    room = Room.objects.get(institution=cast.inst_a, name="活动室")
    with django_capture_on_commit_callbacks(execute=True):
        room.floor = 4
        room.save()
    result.refresh_from_db()
    assert " SIT-02 " in result.failing_rules and result.risk_score == 5
    assert Event.objects.filter(action="compliance.reevaluated", object_id=str(cast.inst_a.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        CareClass.objects.filter(institution=cast.inst_a).update(planned_size=16)  # no signal for update()
        CareClass.objects.get(institution=cast.inst_a).save()
    result.refresh_from_db()
    assert " CLS-05 " in result.failing_rules and result.risk_score == 10


@pytest.mark.django_db
def test_an_unfiled_institution_has_no_stored_result(cast: Cast) -> None:
    compliant(cast.inst_a, filing_status=FilingStatus.REGISTERED)
    assert reevaluate(cast.inst_a.pk) is None
    assert not ComplianceResult.objects.exists()


@pytest.mark.django_db
def test_the_risk_list_ranks_by_score_within_the_jurisdiction(cast: Cast) -> None:
    compliant(cast.inst_a, recording_retention_days=30, director_management_years=1)  # block 10 + fail 5
    rooms_for(cast.inst_a)
    compliant(cast.inst_b)
    rooms_for(cast.inst_b)
    worse = Institution.objects.create(
        name="荷塘区第二托育园", uscc="91430202MA4L0XXC0D", region=cast.inst_a.region
    )
    compliant(worse, outdoor_area_m2=Decimal("0"))  # fail 5
    rooms_for(worse)
    compliant(cast.inst_hebi)
    summary = evaluate_all()
    assert summary.evaluated == 4
    scores = dict(ComplianceResult.objects.values_list("institution_id", "risk_score"))
    assert scores[cast.inst_a.pk] == 15 and scores[worse.pk] == 5 and scores[cast.inst_b.pk] == 0
    assert [r.institution_id for r in selectors.risk_list(viewer=cast.zhou)] == [
        cast.inst_a.pk,
        worse.pk,
        cast.inst_b.pk,
    ]
    assert [r.institution_id for r in selectors.risk_list(viewer=cast.alice)] == [cast.inst_a.pk, worse.pk]
    assert [r.institution_id for r in selectors.risk_list(viewer=cast.zhou, rule="SIT-06")] == [worse.pk]
    assert [r.institution_id for r in selectors.risk_list(viewer=cast.zhou, region="430203")] == [
        cast.inst_b.pk
    ]
    assert list(selectors.risk_list(viewer=cast.alice, region="430203")) == []  # outside her jurisdiction
    assert [r.institution_id for r in selectors.risk_list(viewer=cast.carol)] == [cast.inst_hebi.pk]


def staffed(institution: Institution, size: int, *, start: int = 0) -> None:
    """``size`` classes, each with ``size`` children and a caregiver assigned, every caregiver with a health
    certificate, a background check, a certificate and a training record: something for every prefetch."""
    from tuoyu.children.models import Child, Enrollment
    from tuoyu.staff.models import (
        BackgroundCheck,
        Certificate,
        ClassAssignment,
        Employment,
        HealthCertificate,
        Person,
        TrainingRecord,
    )
    from tuoyu.staff.tests.factories import id_number

    day = dt.date(2026, 1, 5)
    for k in range(start, start + size):
        care_class = CareClass.objects.create(
            institution=institution, name=f"班{k}", class_type=ClassType.TODDLER, planned_size=15
        )
        for n in range(size):
            child = Child.objects.create(
                institution=institution, name=f"幼儿{k}-{n}", sex="F", birth_date=dt.date(2025, 1, 1)
            )
            Enrollment.objects.create(child=child, care_class=care_class, start_date=day)
        person = Person.objects.create(
            name=f"保育{k}", id_number=id_number(seq=k + 1), sex="M", birth_date=dt.date(1990, 1, 1)
        )
        employment = Employment.objects.create(
            person=person, institution=institution, roles=["caregiver"], start_date=day
        )
        ClassAssignment.objects.create(employment=employment, care_class=care_class, start_date=day)
        HealthCertificate.objects.create(person=person, issued_on=day, issuer="体检中心")
        BackgroundCheck.objects.create(
            person=person, kind="no_criminal_record", checked_on=day, result="clear", authority="派出所"
        )
        Certificate.objects.create(
            person=person, kind="childcare_worker", number=f"BY{k}", issuer="人社局", issued_on=day
        )
        TrainingRecord.objects.create(person=person, year=2025, hours=Decimal("20"), topic="岗位培训")


@pytest.mark.django_db
def test_evaluation_takes_a_fixed_number_of_queries(cast: Cast) -> None:
    from tuoyu.bans.services import ban_create
    from tuoyu.staff.tests.factories import id_number
    from tuoyu.testing.bans import ban_data

    compliant(cast.inst_a)
    rooms_for(cast.inst_a)
    staffed(cast.inst_a, 1)
    ban_create(by=cast.zhou, data=ban_data(id_number=id_number(seq=1)))  # the first caregiver: an alert
    with CaptureQueriesContext(connection) as few:
        small = evaluate(cast.inst_a)
    assert small.outcome("BAN-01").status == FAIL
    for i in range(15):
        Room.objects.create(
            institution=cast.inst_a, name=f"寝室{i}", floor=2, floor_area_m2=Decimal("20"), use=RoomUse.SLEEP
        )
    staffed(cast.inst_a, 5, start=1)
    ban_create(by=cast.zhou, data=ban_data(id_number=id_number(seq=3), decision_number="株卫禁〔2026〕2号"))
    with CaptureQueriesContext(connection) as many:
        large = evaluate(cast.inst_a)
    assert large.outcome("BAN-01").status == FAIL and "2名" in large.outcome("BAN-01").evidence
    # the institution and its region, rooms, classes, enrolments, assignments, employments, the person's four
    # kinds of records, ban alerts, filings — whatever the number of rooms, classes, children and staff
    assert len(few) == len(many) <= 12


@pytest.mark.django_db
def test_evaluate_all_queries_per_batch_not_per_institution(cast: Cast) -> None:
    for n in range(12):
        inst = Institution.objects.create(
            name=f"机构{n}", uscc=f"91430202MA4L{n:04d}X", region=cast.inst_a.region
        )
        compliant(inst)
        rooms_for(inst)
    with CaptureQueriesContext(connection) as run:
        evaluate_all(batch_size=5)
    # 3 batches × (the savepoint, 8 loads, 1 upsert, its release) + the id list, the clean-up and the audit
    # event: a few dozen at most — and the same for 15 institutions, still in 3 batches
    assert len(run) < 45
    assert ComplianceResult.objects.count() == 12
    for n in range(12, 15):
        inst = Institution.objects.create(
            name=f"机构{n}", uscc=f"91430202MA4L{n:04d}X", region=cast.inst_a.region
        )
        compliant(inst)
        rooms_for(inst)
    with CaptureQueriesContext(connection) as more:
        evaluate_all(batch_size=5)
    assert len(more) == len(run)
    assert ComplianceResult.objects.count() == 15


@pytest.mark.django_db
def test_evaluate_all_drops_results_of_institutions_no_longer_filed(cast: Cast) -> None:
    compliant(cast.inst_a)
    compliant(cast.inst_b)
    evaluate_all()
    Institution.objects.filter(pk=cast.inst_b.pk).update(filing_status=FilingStatus.CANCELLED)
    seen: list[tuple[int, int]] = []
    summary = evaluate_all(progress=lambda done, total: seen.append((done, total)))
    assert summary.evaluated == 1 and summary.removed == 1 and seen == [(1, 1)]
    assert list(ComplianceResult.objects.values_list("institution_id", flat=True)) == [cast.inst_a.pk]
    assert Event.objects.filter(action="compliance.evaluated_all").count() == 2


@pytest.mark.django_db
def test_tick_runs_the_nightly_evaluation(cast: Cast) -> None:
    compliant(cast.inst_a)
    out = StringIO()
    call_command("tick", stdout=out)
    assert "compliance: evaluated 1 filed institutions" in out.getvalue()
    assert ComplianceResult.objects.filter(institution=cast.inst_a).exists()


@pytest.mark.django_db
def test_lease_warning_uses_the_evaluation_date(cast: Cast) -> None:
    compliant(
        cast.inst_a,
        premises_tenure=PremisesTenure.LEASED,
        lease_start=dt.date(2024, 1, 1),
        lease_end=dt.date(2028, 1, 1),
    )
    assert evaluate(cast.inst_a, on=dt.date(2027, 11, 2)).outcome("SIT-01").status == "warn"
    assert evaluate(cast.inst_a, on=dt.date(2027, 11, 1)).outcome("SIT-01").status == PASS
