"""API: regions (行政区划) within the caller's jurisdiction."""

# No ``from __future__ import annotations`` here: django-ninja reads ``Query[RegionFilters]`` at runtime,
# and with postponed annotations every request to the list failed with a 500.

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.regions import selectors
from tuoyu.regions.models import Region, RegionLevel

router = Router(tags=["regions"])

# Printable text only: a NUL byte cannot reach PostgreSQL (it refuses it with an error, not a 4xx).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


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
    level: RegionLevel | None = Field(
        None, description="province, prefecture, county, functional_zone, street"
    )
    parent: str | None = Field(None, max_length=12, pattern=r"^\d{6,12}$", description="直接上级的区划代码")
    within: str | None = Field(None, max_length=12, pattern=r"^\d{6,12}$", description="该区划及其全部下级")
    q: str | None = Field(None, min_length=1, max_length=50, pattern=PRINTABLE, description="名称包含")


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
@paginate(LimitOffset)
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


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/regions", router, order=20),
]
