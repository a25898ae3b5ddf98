"""The home panel of a regulator's jurisdictions: each region with its population, subdivisions and
registered institutions."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects

from tuoyu.accounts.models import REGION_ROLES, User
from tuoyu.core.registry import home_panel
from tuoyu.core.scoping import prefix_q, scoped
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import POP_PREFETCH


def _jurisdictions(user: User) -> list[dict[str, Any]]:
    """Per region membership: the region (already loaded with the memberships), its subdivisions, the
    populations of both in one query, and two counts by the prefix range (the index's range scan)."""
    region_roles = {r.value for r in REGION_ROLES}
    memberships = [m for m in user.active_memberships() if m.role in region_roles and m.region is not None]
    if not memberships:
        return []
    regions = scoped(user, "view", Region)
    institutions = scoped(user, "view", Institution)
    out = []
    for m in memberships:
        region = m.region
        children = list(regions.filter(parent_id=region.pk).order_by("code"))
        prefetch_related_objects([region, *children], POP_PREFETCH)
        out.append(
            {
                "membership": m,
                "region": region,
                "children": children,
                "institutions": institutions.filter(prefix_q("region_prefix", [region.prefix])).count(),
                "streets": regions.filter(prefix_q("prefix", [region.prefix]), level="street").count(),
            }
        )
    return out


home_panel(
    name="jurisdictions", template="institutions/_home_jurisdictions.html", order=10, context=_jurisdictions
)
