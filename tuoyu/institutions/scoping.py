"""Who sees institutions, their registrations, region transfers, rooms and classes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids, region_prefixes
from tuoyu.core.scoping import prefix_q, register
from tuoyu.institutions.models import CareClass, Institution, RegionTransfer, Registration, Room

# The roles that read the institutions of their region (the list page); the institution's own people read
# only their own (through the rule below), from their home page.
REGION_READERS = {
    Role.CITY_ADMIN.value,
    Role.REGULATOR.value,
    Role.INSPECTOR.value,
    Role.REGISTRATION_CLERK.value,
}
# The health bureau: it changes (and reveals) the institutions of its region.
BUREAU = {Role.CITY_ADMIN.value, Role.REGULATOR.value}


@register(Institution)
def _institution(user: Any, action: str) -> Q | None:
    regulators = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
    if action == "view":
        regulators = REGION_READERS
    if action in {"reveal", "change"}:  # the health bureau; partner inspectors read only
        regulators = BUREAU
    if action == "export":  # the list pages' exports: who reads the region's list exports it
        return prefix_q("region_prefix", region_prefixes(user, REGION_READERS))
    q = (
        prefix_q("region_prefix", region_prefixes(user, regulators))
        if action in {"view", "change", "reveal"}
        else None
    )
    own_roles = {Role.INSTITUTION_ADMIN.value}
    if action == "view":
        own_roles |= {Role.INSTITUTION_STAFF.value, Role.HEALTH_WORKER.value}
    ids = institution_ids(user, own_roles)
    if ids:
        q = Q(id__in=ids) if q is None else q | Q(id__in=ids)
    return q


@register(Registration)
def _registration(user: Any, action: str) -> Q | None:
    """Regulators see the registrations of institutions in their jurisdiction; a clerk sees those of their
    own authority within their region."""
    if action != "view":
        return None
    regulators = {Role.CITY_ADMIN.value, Role.REGULATOR.value}
    q = prefix_q("institution__region_prefix", region_prefixes(user, regulators))
    for m in user.active_memberships():
        if m.role == Role.REGISTRATION_CLERK and m.region_id and m.authority:
            term = Q(authority=m.authority, institution__region_prefix__startswith=m.region.prefix)
            q = term if q is None else q | term
    return q


@register(RegionTransfer)
def _region_transfer(user: Any, action: str) -> Q | None:
    """A move of an institution to another county: decided (change) by a city admin whose region holds both
    the old and the new region; read by the health bureau of either region and by the clerks of the
    registering authority in their region."""
    if action == "change":
        q: Q | None = None
        for p in region_prefixes(user, {Role.CITY_ADMIN.value}):
            term = Q(from_region__prefix__startswith=p, to_region__prefix__startswith=p)
            q = term if q is None else q | term
        return q
    if action != "view":
        return None
    prefixes = region_prefixes(user, {Role.CITY_ADMIN.value, Role.REGULATOR.value})
    q = None
    if prefixes:
        q = prefix_q("from_region__prefix", prefixes) | prefix_q("to_region__prefix", prefixes)
    for m in user.active_memberships():
        if m.role == Role.REGISTRATION_CLERK and m.region_id and m.authority:
            term = Q(registration__authority=m.authority, from_region__prefix__startswith=m.region.prefix)
            q = term if q is None else q | term
    return q


@register(Room)
@register(CareClass)
def _premises(user: Any, action: str) -> Q | None:
    """Rooms and classes: the institution's admin keeps them (change); its staff and health workers read
    them, as do the regulators and partner inspectors of its region (for the compliance view)."""
    if action == "change":
        ids = institution_ids(user, {Role.INSTITUTION_ADMIN.value})
        return Q(institution_id__in=ids) if ids else None
    if action != "view":
        return None
    roles = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
    q = prefix_q("institution__region_prefix", region_prefixes(user, roles))
    ids = institution_ids(
        user, {Role.INSTITUTION_ADMIN.value, Role.INSTITUTION_STAFF.value, Role.HEALTH_WORKER.value}
    )
    if ids:
        q = Q(institution_id__in=ids) if q is None else q | Q(institution_id__in=ids)
    return q


# The roles that read the institutions of their region (the list page); the institution's own people read
# only their own (through the rule above), from their home page.
REGION_READERS = {
    Role.CITY_ADMIN.value,
    Role.REGULATOR.value,
    Role.INSPECTOR.value,
    Role.REGISTRATION_CLERK.value,
}


def bureau_of_region(user: Any) -> bool:
    """The health bureau of a region (a city admin or a regulator): it changes the region's institutions —
    reviews their filings, chases the unfiled."""
    return bool(region_prefixes(user, BUREAU))


def reads_region_institutions(user: Any) -> bool:
    """Whether the user reads institutions by region — the view rule's regional side."""
    return bool(region_prefixes(user, REGION_READERS))


def registers_institutions(user: Any) -> bool:
    """A registration clerk (登记机关): records registrations, one by one or in bulk."""
    return user.has_role(Role.REGISTRATION_CLERK)
