"""The benchmark data generator: valid, proportional, deterministic, idempotent."""

from __future__ import annotations

import pytest

from bench.generate import SCALES, allocate, generate, uscc_for
from tuoyu.accounts.models import Role, User
from tuoyu.core.scoping import scoped
from tuoyu.core.validators import validate_uscc
from tuoyu.institutions.models import Institution


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
    assert User.objects.filter(username__startswith="bench-").count() == 10


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_institutions():
    generate("city", seed=11)
    first = list(Institution.objects.order_by("uscc").values_list("name", "uscc", "region_id"))
    Institution.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()
    generate("city", seed=11)
    assert list(Institution.objects.order_by("uscc").values_list("name", "uscc", "region_id")) == first
