"""API: regions (行政区划) within the caller's jurisdiction."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tuoyu.regions import selectors
from tuoyu.regions.models import Region, RegionLevel

router = Router(tags=["regions"])


class PopulationOut(Schema):
    year: int
    resident_population: int
    source: str


class RegionOut(Schema):
    code: str
    name: str
    level: str
    prefix: str
    parent_code: str | None
    population_2020: int | None

    @staticmethod
    def resolve_parent_code(obj: Region | dict) -> str | None:
        return obj["parent_code"] if isinstance(obj, dict) else obj.parent_id

    @staticmethod
    def resolve_population_2020(obj: Region | dict) -> int | None:
        return obj["population_2020"] if isinstance(obj, dict) else obj.population(2020)


class RegionDetailOut(RegionOut):
    populations: list[PopulationOut]
    children: list[RegionOut]


class RegionFilters(Schema):
    level: RegionLevel | None = None
    parent: str | None = Field(None, max_length=12, pattern=r"^\d{6,12}$")
    within: str | None = Field(None, max_length=12, pattern=r"^\d{6,12}$")
    q: str | None = Field(None, max_length=50)


def _out(r: Region) -> dict:
    return {
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "prefix": r.prefix,
        "parent_code": r.parent_id,
        "population_2020": r.population(2020),
    }


@router.get("", response=list[RegionOut], summary="区划列表 / list regions")
@paginate(LimitOffsetPagination)
def region_list(request: HttpRequest, filters: Query[RegionFilters]):  # noqa: ANN201
    return selectors.region_list(viewer=request.user, filters=filters.dict(exclude_none=True))


@router.get("/{code}", response=RegionDetailOut, summary="区划详情（含人口） / a region with its populations")
def region_detail(request: HttpRequest, code: str) -> dict:
    region = selectors.region_get(viewer=request.user, code=code)
    return {
        **_out(region),
        "populations": list(region.populations.all()),
        "children": [_out(c) for c in selectors.region_children(viewer=request.user, region=region)],
    }
