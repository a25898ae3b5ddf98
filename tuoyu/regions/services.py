"""Loading the shipped division data (data/README.md says where each file comes from)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from tuoyu.regions.models import Region, RegionLevel, RegionPopulation, region_prefix

DATA_DIR = Path(__file__).resolve().parent / "data"
CENSUS_SOURCE = "第七次全国人口普查（2020-11-01）常住人口"
CODE_SOURCE = "国家统计局2023年统计用区划代码"


@dataclass
class LoadSummary:
    regions_created: int = 0
    regions_updated: int = 0
    populations_created: int = 0
    populations_updated: int = 0


def _rows(name: str) -> Iterator[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _county_level(code: str) -> str:
    # NBS statistical codes with 7 as the 5th digit are 开发区 (functional zones), not GB/T 2260 divisions.
    return RegionLevel.FUNCTIONAL_ZONE if code[4] == "7" else RegionLevel.COUNTY


def shipped_regions() -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, parent code) for every shipped division, parents before children."""
    out: list[tuple[str, str, str, str | None]] = []
    for row in _rows("provinces.csv"):
        out.append((row["code"] + "0000", row["name"], RegionLevel.PROVINCE, None))
    city_codes: set[str] = set()
    for row in _rows("cities.csv"):
        code = row["code"] + "00"
        city_codes.add(code)
        out.append((code, row["name"], RegionLevel.PREFECTURE, row["provinceCode"] + "0000"))
    for row in _rows("counties.csv"):
        # Cities without counties (东莞 441900) list themselves again as a county: the city is enough.
        if row["code"] in city_codes:
            continue
        out.append((row["code"], row["name"], _county_level(row["code"]), row["cityCode"] + "00"))
    county_codes = {c for c, _, lvl, _ in out if lvl in (RegionLevel.COUNTY, RegionLevel.FUNCTIONAL_ZONE)}
    seen = {c for c, *_ in out}
    for row in _rows("streets-seed-cities.csv"):
        parent = row["areaCode"]
        if parent in county_codes and row["code"] not in seen:
            out.append((row["code"], row["name"], RegionLevel.STREET, parent))
            seen.add(row["code"])
    for row in _rows("divisions.csv"):
        if len(row["code"]) == 9 and row["code"] not in seen and row["parent_code"] in county_codes:
            out.append((row["code"], row["name"], RegionLevel.STREET, row["parent_code"]))
            seen.add(row["code"])
    return out


@transaction.atomic
def regions_load(*, progress: Callable[[str, int, int], None] | None = None) -> LoadSummary:
    """Create or update every shipped region and 2020 population. Safe to run again: no duplicates.

    A population left blank in the source stays absent — it is never estimated.
    """
    summary = LoadSummary()
    rows = shipped_regions()
    existing = {r.code: r for r in Region.objects.all()}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for i, (code, name, level, parent) in enumerate(rows, 1):
        prefix = region_prefix(code, level)
        region = existing.get(code)
        if region is None:
            to_create.append(
                Region(code=code, name=name, level=level, parent_id=parent, prefix=prefix, source=CODE_SOURCE)
            )
        elif (region.name, region.level, region.parent_id, region.prefix) != (name, level, parent, prefix):
            region.name, region.level, region.parent_id, region.prefix = name, level, parent, prefix
            to_update.append(region)
        if progress and (i % 500 == 0 or i == len(rows)):
            progress("regions", i, len(rows))
    # Parents are listed before children, so creating in order satisfies the foreign key.
    Region.objects.bulk_create(to_create, batch_size=500)
    Region.objects.bulk_update(to_update, ["name", "level", "parent", "prefix"], batch_size=500)
    summary.regions_created, summary.regions_updated = len(to_create), len(to_update)

    pops = {(p.region_id, p.year): p for p in RegionPopulation.objects.all()}
    known = {code for code, *_ in rows}
    new_pops: list[RegionPopulation] = []
    changed: list[RegionPopulation] = []
    for row in _rows("divisions.csv"):
        if not row["population_2020"].strip() or row["code"] not in known:
            continue
        value = int(row["population_2020"])
        source = f"{CENSUS_SOURCE}; {row['source']}"
        current = pops.get((row["code"], 2020))
        if current is None:
            new_pops.append(
                RegionPopulation(region_id=row["code"], year=2020, resident_population=value, source=source)
            )
        elif (current.resident_population, current.source) != (value, source):
            current.resident_population, current.source = value, source
            changed.append(current)
    RegionPopulation.objects.bulk_create(new_pops)
    RegionPopulation.objects.bulk_update(changed, ["resident_population", "source"])
    summary.populations_created, summary.populations_updated = len(new_pops), len(changed)
    return summary
