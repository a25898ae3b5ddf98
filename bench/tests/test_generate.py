"""The benchmark data generator: valid, proportional, deterministic, idempotent."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db.models import Value as V
from django.db.models.functions import Concat
from django.utils import timezone

from bench.generate import SCALES, allocate, bench_facts, generate, uscc_for
from tuoyu.accounts.models import Membership, Role, User
from tuoyu.core.scoping import scoped
from tuoyu.core.validators import validate_uscc
from tuoyu.fees.models import FeeKind, FeeSchedule
from tuoyu.fees.selectors import current_schedule
from tuoyu.fees.services import prepay_limit
from tuoyu.files.models import StoredFile
from tuoyu.filings import selectors as filing_selectors
from tuoyu.filings import services as filing_services
from tuoyu.filings.models import Filing, FilingCounter, FilingEvent, FilingMaterial, FilingState
from tuoyu.institutions.models import FilingStatus, Institution


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
    return list(
        Institution.objects.order_by("uscc").values_list(
            "name", "uscc", "region_id", "filing_status", "offers_full_day", "capacity", "filings__state"
        )
    ) + list(Filing.objects.order_by("number").exclude(number="").values_list("number", "institution__uscc"))


def _wipe() -> None:
    """Everything the generator wrote, in the order the protecting foreign keys allow."""
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
