"""The home panel of a regulator's jurisdictions: each region with its population, subdivisions and
registered institutions."""

from __future__ import annotations

from typing import Any

from tuoyu.accounts.models import REGION_ROLES, User
from tuoyu.core.registry import home_panel
from tuoyu.core.scoping import scoped
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import POP_PREFETCH


def _jurisdictions(user: User) -> list[dict[str, Any]]:
    out = []
    for m in user.active_memberships():
        if m.role not in {r.value for r in REGION_ROLES} or m.region is None:
            continue
        region = Region.objects.prefetch_related(POP_PREFETCH).get(pk=m.region_id)
        children = list(scoped(user, "view", region.children.all()).prefetch_related(POP_PREFETCH))
        out.append(
            {
                "membership": m,
                "region": region,
                "children": children,
                "institutions": scoped(user, "view", Institution)
                .filter(region_prefix__startswith=region.prefix)
                .count(),
                "streets": scoped(user, "view", Region)
                .filter(prefix__startswith=region.prefix, level="street")
                .count(),
            }
        )
    return out


home_panel(
    name="jurisdictions", template="institutions/_home_jurisdictions.html", order=10, context=_jurisdictions
)
