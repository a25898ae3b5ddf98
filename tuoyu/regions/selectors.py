"""Reads of regions, scoped to the viewer's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from tuoyu.core.scoping import get_scoped_or_404, prefix_q, scope_filter, scoped
from tuoyu.regions.models import Region, RegionPopulation

POP_PREFETCH = Prefetch("populations", queryset=RegionPopulation.objects.order_by("-year"))


def region_viewer(*, viewer: Any) -> bool:
    """Whether the viewer may see any region at all: regulators in their jurisdiction, the system admin."""
    return scope_filter(viewer, "view", Region) is not None


def region_list(*, viewer: Any, filters: dict[str, Any] | None = None) -> QuerySet[Any]:
    """The list API's regions, as rows of what it returns (``api.RegionOut``): the 2020 population a column of
    the same query (no Region objects, no populations prefetched)."""
    filters = filters or {}
    qs = scoped(viewer, "view", Region)
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    if filters.get("parent"):
        qs = qs.filter(parent_id=filters["parent"])
    if filters.get("within"):
        within = Region.objects.filter(code=filters["within"]).values_list("prefix", flat=True).first()
        qs = qs.filter(prefix_q("prefix", [within])) if within else qs.none()
    if filters.get("q"):
        qs = qs.filter(name__contains=filters["q"])
    population = (
        RegionPopulation.objects.filter(region=OuterRef("pk"), year=2020)
        .order_by()
        .values("resident_population")
    )
    return qs.order_by("code").values(
        "code",
        "name",
        "level",
        "prefix",
        parent_code=F("parent_id"),
        population_2020=Subquery(population[:1]),
    )


def region_roots(*, viewer: Any) -> list[Region]:
    """The top regions of the viewer's jurisdiction (those whose parent the viewer cannot see)."""
    visible = scoped(viewer, "view", Region)
    top = visible.exclude(parent__in=visible.values("code"))
    return list(top.prefetch_related(POP_PREFETCH).order_by("code"))


def region_get(*, viewer: Any, code: str) -> Region:
    return get_scoped_or_404(
        viewer, "view", Region.objects.select_related("parent").prefetch_related(POP_PREFETCH), code=code
    )


def region_children(*, viewer: Any, region: Region) -> QuerySet[Region]:
    return scoped(viewer, "view", region.children.all()).prefetch_related(POP_PREFETCH).order_by("code")


def region_visible_ancestors(*, viewer: Any, region: Region) -> list[Region]:
    """The region's ancestors that the viewer may see, top first — one query.

    An ancestor's prefix is a leading part of the region's prefix (province 2, prefecture 4, county 6 digits).
    """
    prefixes = {region.prefix[:n] for n in (2, 4, 6) if n < len(region.prefix)}
    ancestors = scoped(viewer, "view", Region).filter(prefix__in=prefixes)
    return sorted(ancestors, key=lambda a: len(a.prefix))
