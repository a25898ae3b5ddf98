"""Who sees what. Every rule is here, so the whole policy can be read (and reviewed) in one file."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import REGION_ROLES, ApiToken, Membership, Role, User
from tuoyu.audit.models import Event
from tuoyu.calendars.models import HolidayDate, HolidayYear
from tuoyu.core.scoping import prefix_q, register
from tuoyu.filings.models import Filing, NonComplianceNotice
from tuoyu.institutions.models import CareClass, Institution, Registration, Room
from tuoyu.notifications.models import Notification
from tuoyu.regions.models import Region


def region_prefixes(user: Any, roles: set[str] | None = None) -> list[str]:
    roles = roles or {r.value for r in REGION_ROLES}
    return sorted({m.region.prefix for m in user.active_memberships() if m.role in roles and m.region_id})


def institution_ids(user: Any, roles: set[str]) -> list[int]:
    return sorted(
        {m.institution_id for m in user.active_memberships() if m.role in roles and m.institution_id}
    )


@register(Region)
def _region(user: Any, action: str) -> Q | None:
    if action != "view":
        return None
    if user.has_role(Role.SYSTEM_ADMIN):
        return Q()  # reference data: operators maintain it
    return prefix_q("prefix", region_prefixes(user))


@register(Institution)
def _institution(user: Any, action: str) -> Q | None:
    regulators = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
    if action == "view":
        regulators |= {Role.REGISTRATION_CLERK.value}
    if action in {"reveal", "change"}:  # the health bureau; partner inspectors read only
        regulators = {Role.CITY_ADMIN.value, Role.REGULATOR.value}
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


@register(Event)
def _event(user: Any, action: str) -> Q | None:
    # The auditor reads the trail and exports it; nobody may change it (append-only).
    if action in {"view", "export"} and user.has_role(Role.AUDITOR):
        return Q()
    return None


@register(ApiToken)
def _api_token(user: Any, action: str) -> Q | None:
    # A token is its owner's alone; administrators cannot see or use others' tokens.
    if action in {"view", "change"}:
        return Q(user_id=user.pk)
    return None


@register(Notification)
def _notification(user: Any, action: str) -> Q | None:
    # One's inbox is one's own: nobody else reads or marks it, not the system admin, not the auditor.
    if action in {"view", "change"}:
        return Q(recipient_id=user.pk)
    return None


@register(User)
def _user(user: Any, action: str) -> Q | None:
    if action in {"view", "change"} and user.has_role(Role.SYSTEM_ADMIN):
        return Q()
    if action == "view":
        return Q(pk=user.pk)
    if action == "reveal":
        # Only the person themselves sees their own full phone number; it is still audited.
        return Q(pk=user.pk)
    return None


@register(Membership)
def _membership(user: Any, action: str) -> Q | None:
    if user.has_role(Role.SYSTEM_ADMIN) and action in {"view", "change"}:
        return Q()
    if action == "view":
        return Q(user_id=user.pk)
    return None


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


@register(HolidayYear)
@register(HolidayDate)
def _holiday_table(user: Any, action: str) -> Q | None:
    # The State Council's schedule is national reference data: the system admin keeps it; regulators read
    # it (their deadlines are counted with it). Nobody else opens the table.
    if user.has_role(Role.SYSTEM_ADMIN) and action in {"view", "change"}:
        return Q()
    if action == "view" and user.has_role(*(r.value for r in REGION_ROLES)):
        return Q()
    return None


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


# --- change filing helper (Task C): FIL-05 non-compliance notices -------------------------------------
@register(NonComplianceNotice)
def _noncompliance_notice(user: Any, action: str) -> Q | None:
    """Like a filing: the county bureau issues and manages (change) notices in its jurisdiction, partner
    inspectors read them, and the institution's admin and staff read their own (the admin responds through
    the service's own check). The public sees published ones through filings.selectors only."""
    return _filing(user, action)


# --- end change filing helper block -------------------------------------------------------------------


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
