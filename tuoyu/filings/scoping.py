"""Who sees filings and FIL-05 non-compliance notices."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids, region_prefixes
from tuoyu.core.scoping import prefix_q, register
from tuoyu.filings.models import Filing, NonComplianceNotice


@register(Filing)
def _filing(user: Any, action: str) -> Q | None:
    """The health bureau reviews (change) filings in its jurisdiction; partner inspectors read them; the
    institution's own staff read theirs (its admin acts on them through the services' own check)."""
    if action == "view":
        roles = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
    elif action == "change":
        roles = {Role.CITY_ADMIN.value, Role.REGULATOR.value}
    else:
        return None
    q = prefix_q("region_prefix", region_prefixes(user, roles))
    if action == "view":
        ids = institution_ids(user, {Role.INSTITUTION_ADMIN.value, Role.INSTITUTION_STAFF.value})
        if ids:
            q = Q(institution_id__in=ids) if q is None else q | Q(institution_id__in=ids)
    return q


@register(NonComplianceNotice)
def _noncompliance_notice(user: Any, action: str) -> Q | None:
    """Like a filing: the county bureau issues and manages (change) notices in its jurisdiction, partner
    inspectors read them, and the institution's admin and staff read their own (the admin responds through
    the service's own check). The public sees published ones through filings.selectors only."""
    return _filing(user, action)


def files_for_institution(user: Any) -> bool:
    """An institution's admin files for it (备案); the services check each filing is theirs."""
    return bool(institution_ids(user, {Role.INSTITUTION_ADMIN.value}))
