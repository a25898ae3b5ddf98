"""Who sees the ban list (the city administrators) and its alerts (the region's regulators)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import region_prefixes
from tuoyu.bans.models import Ban, BanAlert, BanScope
from tuoyu.core.scoping import prefix_q, register
from tuoyu.regions.models import RegionLevel


@register(Ban)
def _ban(user: Any, action: str) -> Q | None:
    """The ban list is the city health bureau's: a city administrator (of a prefecture-level city) reads
    their city's bans, the provincial bans of their province and the national ones; they change (and
    reveal the ID number of) their own city's only. Nobody else — not institutions, not county regulators."""
    cities = [
        m.region
        for m in user.active_memberships()
        if m.role == Role.CITY_ADMIN and m.region_id and m.region.level == RegionLevel.PREFECTURE
    ]
    if not cities:
        return None
    if action in {"change", "reveal"}:
        return Q(region_id__in=[c.pk for c in cities])
    if action not in {"view", "export"}:  # export: the list's rows as they are shown (ID numbers masked)
        return None
    q = Q(scope=BanScope.NATIONAL)
    for city in cities:
        q |= Q(region_prefix=city.prefix)
        q |= Q(scope=BanScope.PROVINCIAL, region_prefix__startswith=city.prefix[:2])
    return q


@register(BanAlert)
def _ban_alert(user: Any, action: str) -> Q | None:
    """Alerts: the regulators and city administrators whose region contains the institution read and
    acknowledge them. The institution never sees them."""
    if action not in {"view", "change"}:
        return None
    return prefix_q("region_prefix", region_prefixes(user, {Role.CITY_ADMIN.value, Role.REGULATOR.value}))
