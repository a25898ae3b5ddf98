"""The home panel of a regulator's jurisdictions: each region with its population, subdivisions and
registered institutions."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, Subquery

from tuoyu.accounts.models import REGION_ROLES, User
from tuoyu.core.registry import home_panel
from tuoyu.core.scoping import prefix_q, scoped
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region, RegionPopulation

CENSUS_YEAR = 2020  # the population the panel shows (the template's heading says so)


def _jurisdictions(user: User) -> list[dict[str, Any]]:
    """Per region membership: the region and its subdivisions with their 2020 populations in one query,
    and two counts by the prefix range (the index's range scan)."""
    region_roles = {r.value for r in REGION_ROLES}
    memberships = [m for m in user.active_memberships() if m.role in region_roles and m.region is not None]
    if not memberships:
        return []
    regions = scoped(user, "view", Region)
    institutions = scoped(user, "view", Institution)
    # one row per region and year: no order (the model's, by the region's code, joined the regions again per row)
    population = (
        RegionPopulation.objects.filter(region=OuterRef("pk"), year=CENSUS_YEAR)
        .order_by()
        .values("resident_population")[:1]
    )
    out = []
    for m in memberships:
        rows = list(
            regions.filter(Q(pk=m.region_id) | Q(parent_id=m.region_id))
            .annotate(population_2020=Subquery(population))
            .order_by("code")
        )
        region = next((r for r in rows if r.pk == m.region_id), m.region)
        out.append(
            {
                "membership": m,
                "region": region,
                "population": getattr(region, "population_2020", None),
                "children": [r for r in rows if r.pk != m.region_id],
                "institutions": institutions.filter(prefix_q("region_prefix", [region.prefix])).count(),
                "streets": regions.filter(prefix_q("prefix", [region.prefix]), level="street").count(),
            }
        )
    return out


home_panel(
    name="jurisdictions", template="institutions/_home_jurisdictions.html", order=10, context=_jurisdictions
)
