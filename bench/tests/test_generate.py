"""The benchmark data generator: valid, proportional, deterministic, idempotent."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models import Value as V
from django.db.models.functions import Concat
from django.utils import timezone

from bench.generate import CLASS_BANDS, CLASS_RATIO, SCALES, allocate, bench_facts, generate, uscc_for
from tuoyu.accounts.models import Membership, Role, User
from tuoyu.children.models import Child, Consent, Enrollment, Guardian, age_in_months
from tuoyu.core.scoping import scoped
from tuoyu.core.validators import id_birth_date, id_sex, validate_id_number, validate_uscc
from tuoyu.fees.models import FeeKind, FeeSchedule
from tuoyu.fees.selectors import current_schedule
from tuoyu.fees.services import prepay_limit
from tuoyu.files.models import StoredFile
from tuoyu.filings import selectors as filing_selectors
from tuoyu.filings import services as filing_services
from tuoyu.filings.models import Filing, FilingCounter, FilingEvent, FilingMaterial, FilingState
from tuoyu.institutions.models import CareClass, FilingStatus, Institution, Room
from tuoyu.staff.models import ClassAssignment, Employment, HealthCertificate, Person


def test_allocate_splits_the_total_exactly_and_in_proportion():
    assert allocate(10, [1, 1, 2]) == [3, 2, 5]  # 2.5 and 2.5: the tie goes to the first
    assert allocate(300, [348_894, 160_274]) == [206, 94]  # 205.57 and 94.43
    assert sum(allocate(5000, [3.7, 1.1, 0.2, 9.9])) == 5000
    assert allocate(3, [0, 0, 0]) == [1, 1, 1]  # no weights at all: evenly


def test_generated_uscc_passes_the_national_check_and_names_its_county():
    for serial in (1, 31, 999_999, 31**5 - 1):
        for kind in ("91", "52"):
            code = uscc_for(kind=kind, area="430202", serial=serial, letter="C")
            assert validate_uscc(code) == code
            assert code[:8] == kind + "430202"
    with pytest.raises(ValueError, match="does not fit"):
        uscc_for(kind="91", area="430202", serial=31**5, letter="C")


@pytest.mark.django_db
def test_city_scale_spreads_institutions_by_county_population_and_a_second_run_changes_nothing():
    summary = generate("city", seed=7)

    assert not summary.skipped
    assert Institution.objects.count() == SCALES["city"].institutions == 300
    # 醴陵市 (885,987 people) gets the most, 炎陵县 (160,274) the fewest, as the 2020 census says.
    assert summary.by_county["430281"] == max(summary.by_county.values())
    assert summary.by_county["430225"] == min(summary.by_county.values())
    assert sum(summary.by_county.values()) == 300
    for inst in Institution.objects.all():
        assert validate_uscc(inst.uscc) == inst.uscc
        assert inst.region_prefix == inst.region.prefix
        assert inst.uscc[2:8] == inst.region_id[:6]

    city_admin = User.objects.get(username="bench-430200")
    assert city_admin.roles() == {Role.CITY_ADMIN}
    assert scoped(city_admin, "view", Institution).count() == 300
    hetang = User.objects.get(username="bench-430202")
    assert scoped(hetang, "view", Institution).count() == summary.by_county["430202"]
    assert hetang.check_password("Demo-Tuoyu-2026")

    again = generate("city", seed=7)
    assert again.skipped
    assert Institution.objects.count() == 300
    regulators = User.objects.filter(memberships__role__in=[Role.REGULATOR, Role.CITY_ADMIN])
    assert regulators.filter(username__startswith="bench-").count() == 10
    assert User.objects.filter(username__startswith="bench-").count() == 10 + summary.institution_admins


def _snapshot() -> list[tuple]:
    return (
        list(
            Institution.objects.order_by("uscc").values_list(
                "name", "uscc", "region_id", "filing_status", "offers_full_day", "capacity", "filings__state"
            )
        )
        + list(
            Filing.objects.order_by("number").exclude(number="").values_list("number", "institution__uscc")
        )
        + list(
            CareClass.objects.order_by("institution__uscc", "name").values_list(
                "institution__uscc", "name", "planned_size", "room__floor_area_m2"
            )
        )
        + sorted((p.name, p.id_number, p.phone) for p in Person.objects.all())
        + sorted(
            (c.institution.uscc, c.name, c.birth_date, c.id_number)
            for c in Child.objects.select_related("institution")
        )
    )


def _wipe() -> None:
    """Everything the generator wrote, in the order the protecting foreign keys allow."""
    Consent.objects.all().delete()
    Child.objects.all().delete()  # with guardians and enrollments
    Employment.objects.all().delete()  # with class assignments
    Person.objects.all().delete()  # with certificates, checks and training
    CareClass.objects.all().delete()
    Room.objects.all().delete()
    Filing.objects.all().delete()  # with events, reasons and materials
    StoredFile.objects.all().delete()
    FilingCounter.objects.all().delete()
    FeeSchedule.objects.all().delete()
    Membership.objects.filter(user__username__startswith="bench-").delete()
    Institution.objects.all().delete()
    User.objects.filter(username__startswith="bench-").update(
        is_active=False, username=Concat(V("old-"), "id")
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_institutions():
    generate("city", seed=11)
    first = _snapshot()
    _wipe()
    generate("city", seed=11)
    assert _snapshot() == first


@pytest.mark.django_db
def test_city_scale_gives_institutions_realistic_filing_states_as_the_services_would():
    summary = generate("city", seed=7)

    states = Counter(Institution.objects.values_list("filing_status", flat=True))
    filings = Counter(Filing.objects.values_list("state", flat=True))
    assert summary.by_state == {
        "": states[FilingStatus.REGISTERED] - sum(filings[s] for s in ("draft", "submitted", "returned")),
        **{s: n for s, n in filings.items()},
    }
    # Most are filed; about 8 % wait in a queue, some are returned, some have no filing at all.
    assert states[FilingStatus.FILED] == filings[FilingState.ACCEPTED] > 0.6 * 300
    assert 0.04 * 300 < filings[FilingState.SUBMITTED] < 0.12 * 300
    assert filings[FilingState.RETURNED] > 0 and filings[FilingState.DRAFT] > 0
    assert summary.by_state[""] > 0.08 * 300

    # Each institution with a filing has its admin, who started (and submitted) it.
    for filing in Filing.objects.select_related("institution", "created_by"):
        admin = filing.created_by
        assert admin.roles() == {Role.INSTITUTION_ADMIN}
        assert [m.institution_id for m in admin.active_memberships()] == [filing.institution_id]
        assert filing.region_prefix == filing.institution.region_prefix
        actions = list(filing.events.values_list("action", "from_state", "to_state"))
        expected = {
            "draft": [("start", "", "draft")],
            "submitted": [("start", "", "draft"), ("submit", "draft", "submitted")],
            "returned": [
                ("start", "", "draft"),
                ("submit", "draft", "submitted"),
                ("return", "submitted", "returned"),
            ],
            "accepted": [
                ("start", "", "draft"),
                ("submit", "draft", "submitted"),
                ("accept", "submitted", "accepted"),
            ],
        }[filing.state]
        assert actions == expected  # in timeline order (FilingEvent is ordered by its time)
        times = list(filing.events.values_list("at", flat=True))
        assert times == sorted(times) and times[0] == filing.created_at < timezone.now()
        if filing.state == FilingState.RETURNED:
            assert filing.events.get(action="return").reasons.exists()
        if filing.state != FilingState.DRAFT:
            assert filing.submitted_at and filing.declaration_accepted_by_id == admin.pk
            assert filing_services.missing_materials(filing) == []  # FIL-01: they could be submitted

    # Filing numbers: county-year-serial, unique, and the county's counter holds the last one issued.
    accepted = Filing.objects.filter(state=FilingState.ACCEPTED).select_related("institution")
    numbers = [f.number for f in accepted]
    assert len(set(numbers)) == len(numbers) == filings[FilingState.ACCEPTED]
    last: dict[tuple[str, int], int] = {}
    for f in accepted:
        county, year, serial = f.number.split("-")
        assert county == f.institution.region_prefix[:6]
        assert int(year) == timezone.localdate(f.decided_at).year
        last[county, int(year)] = max(last.get((county, int(year)), 0), int(serial))
    assert {(c.region_code, c.year): c.last for c in FilingCounter.objects.all()} == last
    assert all(re.fullmatch(r"\d{6}-\d{4}-\d{4}", n) for n in numbers)

    # One PDF blob behind every material; a current fee schedule for every filed institution.
    assert FilingMaterial.objects.values("file").distinct().count() == 1
    assert FeeSchedule.objects.count() == filings[FilingState.ACCEPTED]
    for inst in Institution.objects.filter(filing_status=FilingStatus.FILED):
        schedule = current_schedule(institution=inst)
        assert schedule is not None
        assert any(i.kind == FeeKind.MONTHLY for i in schedule.items.all())
        assert 0 < schedule.max_prepay_months <= prepay_limit(inst)
        assert (schedule.guided_price is not None) == inst.is_affordable
        assert inst.offers_full_day or inst.offers_half_day
        assert inst.capacity and inst.min_age_months <= inst.max_age_months
        inst.full_clean()  # the facts pass the model's own validation

    # The reviewer's queue holds the submitted filings of their county, and the facts name the busiest.
    facts = bench_facts("city")
    reviewer = User.objects.get(username=facts["reviewer"])
    queue = filing_selectors.review_queue(viewer=reviewer)
    assert (
        queue.count()
        == facts["reviewer_queue"]
        == max(
            Counter(f.region_prefix[:6] for f in Filing.objects.filter(state=FilingState.SUBMITTED)).values()
        )
    )
    assert facts["search_matches"] > 0 and facts["search_q"]
    # The risk list's readers: the regulator of the county and the admin of the city with the most filed.
    assert facts["risk_county"] == f"bench-{facts['search_region']}"
    assert facts["risk_city"] == "bench-430200" and facts["risk_city_filed"] == states[FilingStatus.FILED]
    county = User.objects.get(username=facts["risk_county"])
    assert (
        scoped(county, "view", Institution).filter(filing_status=FilingStatus.FILED).count()
        == (facts["risk_county_filed"])
    )


@pytest.mark.django_db
def test_a_generated_submitted_filing_is_accepted_by_the_real_service_with_the_next_number():
    generate("city", seed=7)
    filing = Filing.objects.filter(state=FilingState.SUBMITTED).select_related("institution").first()
    county = filing.region_prefix[:6]
    reviewer = User.objects.get(username=f"bench-{county}")
    counter = FilingCounter.objects.filter(region_code=county, year=timezone.localdate().year).first()
    expected = (counter.last if counter else 0) + 1

    accepted = filing_services.filing_accept(by=reviewer, filing_id=filing.pk, version=filing.version)

    assert accepted.number == f"{county}-{timezone.localdate().year}-{expected:04d}"
    assert Institution.objects.get(pk=filing.institution_id).filing_status == FilingStatus.FILED
    assert FilingEvent.objects.filter(filing=filing).count() == 3


@pytest.mark.django_db
def test_filed_institutions_get_premises_staff_and_children_as_the_services_would_record_them():
    summary = generate("city", seed=7)
    today = timezone.localdate()
    filed = set(Institution.objects.filter(filing_status=FilingStatus.FILED).values_list("pk", flat=True))

    # Totals: the scale's children (within a few per cent) and staff for every filed institution only.
    assert summary.children == Child.objects.count() == Enrollment.objects.count()
    assert abs(summary.children - SCALES["city"].children) < 0.03 * SCALES["city"].children
    assert summary.staff == Person.objects.count() == Employment.objects.count()
    for model in (Room, CareClass, Employment, Child):
        assert set(model.objects.values_list("institution_id", flat=True)) == filed, model
    assert summary.rooms == Room.objects.count() and summary.classes == CareClass.objects.count()

    # Staff: valid, unique ID numbers that agree with sex and birth date; posts; certificates mostly valid.
    people = list(Person.objects.all())
    numbers = [p.id_number for p in people]
    assert len(set(numbers)) == len(numbers)
    for p in people:
        assert validate_id_number(p.id_number) == p.id_number
        assert id_birth_date(p.id_number) == p.birth_date and id_sex(p.id_number) == p.sex
        assert re.fullmatch(r"1[3-9]\d{9}", p.phone)
    per_institution = Counter(Employment.objects.values_list("institution_id", flat=True))
    centres = set(Institution.objects.filter(pk__in=filed, kind="center").values_list("pk", flat=True))
    assert min(n for pk, n in per_institution.items() if pk in centres) >= 4  # director, health, guard, carer
    assert min(per_institution.values()) >= 1  # a home point: its director cares for the group
    directors = {
        i for i, roles in Employment.objects.values_list("institution_id", "roles") if "director" in roles
    }
    assert directors == filed  # every filed institution has its director
    valid = sum(1 for h in HealthCertificate.objects.all() if h.is_valid(today))
    assert 0.9 * len(people) < valid < len(people)  # most valid, some expired or missing

    # Caregivers are assigned to classes of their own institution, enough for the ratio in most classes.
    for a in ClassAssignment.objects.select_related("employment", "care_class"):
        assert a.employment.institution_id == a.care_class.institution_id
        assert "caregiver" in a.employment.roles and a.start_date == a.employment.start_date
    classes = CareClass.objects.annotate(
        kids=Count("enrollments", distinct=True), carers=Count("assignments", distinct=True)
    )
    enough = [c.carers >= math.ceil(c.kids / CLASS_RATIO[c.class_type]) for c in classes]
    assert all(c.kids > 0 for c in classes)
    assert 0.9 * len(enough) < sum(enough) < len(enough)  # most classes meet it, a few are one short

    # Children: ages in the class's band (a very few just past 36 months), enrolled from 6 months of age.
    ages = []
    for e in Enrollment.objects.select_related("child", "care_class"):
        child, lo_hi = e.child, CLASS_BANDS[e.care_class.class_type]
        age = age_in_months(child.birth_date, today)
        ages.append(age)
        assert lo_hi[0] <= age <= lo_hi[1]
        assert e.end_date is None and e.start_date <= today
        assert age_in_months(child.birth_date, e.start_date) >= 6
        assert e.care_class.institution_id == child.institution_id
    assert sum(1 for a in ages if 6 <= a < 36) > 0.99 * len(ages)

    # One guardian each; an ID number exactly when the guardian consented to basic information (PIPL art. 31).
    assert Guardian.objects.count() == Child.objects.count()
    consented = set(Consent.objects.values_list("child_id", flat=True))
    assert 0.75 * len(ages) < len(consented) < 0.95 * len(ages)
    for child in Child.objects.all():
        assert bool(child.id_number) == (child.pk in consented)
        if child.id_number:
            assert validate_id_number(child.id_number) == child.id_number
            assert id_birth_date(child.id_number) == child.birth_date and id_sex(child.id_number) == child.sex


@pytest.mark.django_db
def test_generated_id_numbers_and_phones_are_stored_encrypted_with_a_blind_index():
    generate("city", seed=7)
    person = Person.objects.order_by("pk").first()
    child = Child.objects.exclude(id_index="").order_by("pk").first()
    guardian = Guardian.objects.order_by("pk").first()

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_index FROM staff_person")
        staff_rows = cursor.fetchall()
        cursor.execute("SELECT id_number FROM children_child WHERE id_number <> ''")
        child_rows = cursor.fetchall()
        cursor.execute("SELECT phone FROM children_guardian")
        guardian_rows = cursor.fetchall()
    plain = {p.id_number for p in Person.objects.all()} | {p.phone for p in Person.objects.all()}
    plain |= {c.id_number for c in Child.objects.exclude(id_index="")} | {
        g.phone for g in Guardian.objects.all()
    }
    sealed = [v for row in staff_rows for v in row[:2]] + [
        v for row in child_rows + guardian_rows for v in row
    ]
    assert len(sealed) > 10_000
    assert not plain & set(sealed)  # no plain ID number or phone anywhere in those columns
    assert all(re.fullmatch(r"[0-9a-f]{8}\$[A-Za-z0-9_-]+", v) for v in sealed)  # <key id>$<nonce+ciphertext>
    assert not any(re.search(r"\d{17}[\dX]|1[3-9]\d{9}", v) for v in sealed)
    assert all(re.fullmatch(r"[0-9a-f]{64}", row[2]) for row in staff_rows)  # HMAC, not the number

    # The blind index finds a generated person, child and guardian, as the ban screen and duplicate checks do.
    index = Person._meta.get_field("id_index")
    assert Person.objects.get(id_index=index.index_for(person.id_number)) == person
    child_index = Child._meta.get_field("id_index")
    assert Child.objects.filter(id_index=child_index.index_for(child.id_number)).first() == child
    phone_index = Guardian._meta.get_field("phone_index")
    assert guardian in Guardian.objects.filter(phone_index=phone_index.index_for(guardian.phone))
