"""The shipped division data: loaded once, idempotently, with the prefix rules jurisdiction depends on."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command

from tuoyu.regions.models import Region, RegionLevel, RegionPopulation
from tuoyu.regions.services import DATA_DIR, regions_load

pytestmark = pytest.mark.django_db

SEED_CITIES = {"4106": "鹤壁市", "3209": "盐城市", "5309": "临沧市", "4302": "株洲市"}


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def counts() -> dict[str, int]:
    out = {level.value: Region.objects.filter(level=level).count() for level in RegionLevel}
    out["populations"] = RegionPopulation.objects.count()
    return out


def test_loading_again_changes_nothing_and_duplicates_nothing() -> None:
    before = counts()
    summary = regions_load()
    assert (summary.regions_created, summary.regions_updated) == (0, 0)
    assert (summary.populations_created, summary.populations_updated) == (0, 0)
    assert counts() == before


def test_load_regions_command_prints_its_summary() -> None:
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    assert "regions: 0 created, 0 updated; populations: 0 created, 0 updated" in out.getvalue()


def test_a_changed_name_is_restored_by_loading_again() -> None:
    Region.objects.filter(code="430202").update(name="改错的名字")
    summary = regions_load()
    assert summary.regions_updated == 1
    assert Region.objects.get(code="430202").name == "荷塘区"


def test_all_provinces_prefectures_and_counties_are_loaded() -> None:
    c = counts()
    assert c["province"] == len(rows("provinces.csv")) >= 31
    assert c["prefecture"] == len(rows("cities.csv")) >= 333
    prefecture_codes = {r["code"] + "00" for r in rows("cities.csv")}
    county_rows = [r for r in rows("counties.csv") if r["code"] not in prefecture_codes]
    assert c["county"] + c["functional_zone"] == len(county_rows) > 2800
    assert c["functional_zone"] == sum(1 for r in county_rows if r["code"][4] == "7") > 0


@pytest.mark.parametrize(("prefix", "name"), sorted(SEED_CITIES.items()))
def test_every_seed_city_has_its_streets(prefix: str, name: str) -> None:
    city = Region.objects.get(prefix=prefix)
    assert city.name == name
    shipped = {r["code"] for r in rows("streets-seed-cities.csv") if r["code"].startswith(prefix)}
    loaded = set(
        Region.objects.filter(level="street", prefix__startswith=prefix).values_list("code", flat=True)
    )
    assert loaded == shipped and len(loaded) > 40


def test_dongxihu_streets_are_loaded_with_blank_populations_never_estimated() -> None:
    streets = Region.objects.filter(parent_id="420112", level="street")
    assert streets.count() == 19
    assert not RegionPopulation.objects.filter(region__in=streets).exists()
    assert Region.objects.get(code="420112").population(2020) == 845782
    assert not Region.objects.filter(prefix__startswith="4201", level="street").exclude(parent_id="420112")


def test_zhuzhou_population_is_the_census_figure() -> None:
    shipped = next(r for r in rows("divisions.csv") if r["code"] == "430200")
    assert int(shipped["population_2020"]) == 3902738
    population = RegionPopulation.objects.get(region_id="430200", year=2020)
    assert population.resident_population == 3902738
    assert "第七次全国人口普查" in population.source


def test_every_population_in_divisions_csv_is_loaded_exactly() -> None:
    shipped = {r["code"]: int(r["population_2020"]) for r in rows("divisions.csv") if r["population_2020"]}
    loaded = dict(RegionPopulation.objects.filter(year=2020).values_list("region_id", "resident_population"))
    assert loaded == shipped


@pytest.mark.parametrize(
    ("code", "level", "prefix", "parent"),
    [
        ("430000", "province", "43", None),
        ("430200", "prefecture", "4302", "430000"),
        ("430202", "county", "430202", "430200"),
        ("430202001", "street", "430202001", "430202"),
        ("410671", "functional_zone", "410671", "410600"),
        ("110100", "prefecture", "1101", "110000"),  # a municipality keeps its 市辖区 placeholder
        ("441900", "prefecture", "4419", "440000"),  # 东莞: a prefecture without counties
    ],
)
def test_prefix_rules(code: str, level: str, prefix: str, parent: str | None) -> None:
    region = Region.objects.get(code=code)
    assert (region.level, region.prefix, region.parent_id) == (level, prefix, parent)


def test_cities_without_counties_appear_once_as_prefectures() -> None:
    for code, name in [("441900", "东莞市"), ("442000", "中山市"), ("460400", "儋州市")]:
        assert list(Region.objects.filter(name=name).values_list("code", "level")) == [(code, "prefecture")]
        assert not Region.objects.filter(parent_id=code, level__in=["county", "functional_zone"]).exists()


def test_every_prefix_is_unique_and_extends_its_parents() -> None:
    regions = {r.code: r for r in Region.objects.all()}
    for r in regions.values():
        assert r.code.startswith(r.prefix) and set(r.code[len(r.prefix) :]) <= {"0"} | set("0123456789")
        if r.parent_id:
            parent = regions[r.parent_id]
            assert r.prefix.startswith(parent.prefix) and len(r.prefix) > len(parent.prefix), r.code
    assert len({r.prefix for r in regions.values()}) == len(regions)


@pytest.mark.parametrize("root", ["430200", "410600", "420100", "430202", "110000"])
def test_descendants_by_prefix_are_exactly_the_subtree(root: str) -> None:
    tree: set[str] = set()
    frontier = [root]
    while frontier:
        children = list(Region.objects.filter(parent_id__in=frontier).values_list("code", flat=True))
        tree |= set(children)
        frontier = children
    prefix = Region.objects.get(code=root).prefix
    by_prefix = set(
        Region.objects.filter(prefix__startswith=prefix).exclude(code=root).values_list("code", flat=True)
    )
    assert by_prefix == tree and tree


def test_a_region_outside_the_subtree_never_shares_its_prefix() -> None:
    # 株洲市 4302… must not catch 湖南省 430000 or a neighbour like 湘潭市 430300.
    within = set(Region.objects.filter(prefix__startswith="4302").values_list("code", flat=True))
    assert "430000" not in within and "430300" not in within and "430202001" in within


def test_region_page_shows_blank_populations_as_blank_not_zero(login: Any) -> None:
    from tuoyu.accounts.models import Role
    from tuoyu.testing.fixtures import make_user

    regulator = make_user("dxh", Role.REGULATOR, region="420112")
    response = login(regulator).get("/regions/420112/")
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert 'data-testid="population-420112002">—<' in html  # 柏泉办事处街道: blank, not 0
    assert "19 个未公布" in html
    assert 'data-testid="region-population">845,782<' in html
