"""Who sees compliance results: the region's regulators and inspectors, the institution's own people."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids, region_prefixes
from tuoyu.core.scoping import prefix_q, register
from tuoyu.standards.models import ComplianceResult

REGION_READERS = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
OWN_READERS = {Role.INSTITUTION_ADMIN.value, Role.INSTITUTION_STAFF.value, Role.HEALTH_WORKER.value}


@register(ComplianceResult)
def _compliance_result(user: Any, action: str) -> Q | None:
    """Compliance results: the health bureau and partner inspectors of the region read them; the
    institution's own admin, staff and health workers read their own. Nobody changes them (the engine does)."""
    if action != "view":
        return None
    q = prefix_q("region_prefix", region_prefixes(user, REGION_READERS))
    ids = institution_ids(user, OWN_READERS)
    if ids:
        q = Q(institution_id__in=ids) if q is None else q | Q(institution_id__in=ids)
    return q


def reads_region_compliance(user: Any) -> bool:
    """The regional side of the rule above: the risk list of the user's jurisdiction."""
    return bool(region_prefixes(user, REGION_READERS))


def reads_own_compliance(user: Any) -> bool:
    """The own side of the rule above: an institution's people read its self-check."""
    return bool(institution_ids(user, OWN_READERS))
