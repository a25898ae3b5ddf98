"""Who sees what. Every rule is here, so the whole policy can be read (and reviewed) in one file."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import REGION_ROLES, ApiToken, Membership, Role, User
from tuoyu.audit.models import Event
from tuoyu.calendars.models import HolidayDate, HolidayYear
from tuoyu.core.scoping import prefix_q, register
from tuoyu.filings.models import Filing, NonComplianceNotice
from tuoyu.institutions.models import CareClass, Institution, RegionTransfer, Registration, Room
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


# --- compliance engine (standards) --------------------------------------------------------------------
from tuoyu.standards.models import ComplianceResult  # noqa: E402


@register(ComplianceResult)
def _compliance_result(user: Any, action: str) -> Q | None:
    """Compliance results: the health bureau and partner inspectors of the region read them; the
    institution's own admin, staff and health workers read their own. Nobody changes them (the engine does)."""
    if action != "view":
        return None
    roles = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
    q = prefix_q("region_prefix", region_prefixes(user, roles))
    ids = institution_ids(
        user, {Role.INSTITUTION_ADMIN.value, Role.INSTITUTION_STAFF.value, Role.HEALTH_WORKER.value}
    )
    if ids:
        q = Q(institution_id__in=ids) if q is None else q | Q(institution_id__in=ids)
    return q


# --- end compliance engine ----------------------------------------------------------------------------


# --- lifetime bans (bans) -----------------------------------------------------------------------------
from tuoyu.bans.models import Ban, BanAlert, BanScope  # noqa: E402
from tuoyu.regions.models import RegionLevel  # noqa: E402


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
    if action != "view":
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


# --- end lifetime bans --------------------------------------------------------------------------------


# --- staff register (staff) ---------------------------------------------------------------------------
from tuoyu.staff.models import (  # noqa: E402
    BackgroundCheck,
    Certificate,
    ClassAssignment,
    Employment,
    HealthCertificate,
    Person,
    TrainingRecord,
)


def _staff_employments_q(user: Any, action: str) -> Q | None:
    """The employments a user may act on: the institution's admin (view, change, reveal); the health bureau
    of its region (view, reveal) and partner inspectors (view). Ended employments stay readable."""
    if action == "view":
        regulators = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
    elif action == "reveal":
        regulators = {Role.CITY_ADMIN.value, Role.REGULATOR.value}
    elif action == "change":
        regulators = set()
    else:
        return None
    q = prefix_q("institution__region_prefix", region_prefixes(user, regulators)) if regulators else None
    ids = institution_ids(user, {Role.INSTITUTION_ADMIN.value})
    if ids:
        own = Q(institution_id__in=ids)
        if action == "change":
            own &= Q(end_date__isnull=True)
        q = own if q is None else q | own
    return q


def _staff_person_q(user: Any, action: str, path: str = "") -> Q | None:
    """Through the employments (a subquery, so a person employed twice is listed once); a staff member
    sees (and reveals) their own record."""
    employments = _staff_employments_q(user, action)
    q = None
    if employments is not None:
        q = Q(**{f"{path}pk__in": Employment.objects.filter(employments).values("person_id")})
    if action in {"view", "reveal"} and getattr(user, "pk", None):
        own = Q(**{f"{path}user_id": user.pk})
        q = own if q is None else q | own
    return q


@register(Person)
def _staff_person(user: Any, action: str) -> Q | None:
    return _staff_person_q(user, action)


@register(Certificate)
@register(HealthCertificate)
@register(BackgroundCheck)
@register(TrainingRecord)
def _staff_person_record(user: Any, action: str) -> Q | None:
    return _staff_person_q(user, action, "person__")


@register(Employment)
def _staff_employment(user: Any, action: str) -> Q | None:
    q = _staff_employments_q(user, action)
    if action == "view" and getattr(user, "pk", None):
        own = Q(person__user_id=user.pk)
        q = own if q is None else q | own
    return q


@register(ClassAssignment)
def _staff_class_assignment(user: Any, action: str) -> Q | None:
    employments = _staff_employment(user, action)
    if employments is None:
        return None
    return Q(employment__in=Employment.objects.filter(employments))


# --- end staff register -------------------------------------------------------------------------------


# --- children (幼儿) --------------------------------------------------------------------------------------
from tuoyu.children.models import Child  # noqa: E402


@register(Child)
def _child(user: Any, action: str) -> Q | None:
    """Children: their institution's admin keeps them (view, change, reveal, export); its health workers
    read them; the health bureau of the region reads them masked (partner inspectors do not: a child's data
    is more than their inspection needs). Institution staff see the children of the classes they are
    assigned to (staff.ClassAssignment → Employment → Person.user), while both the assignment and the
    enrollment last. Parents: none yet."""
    admin_ids = institution_ids(user, {Role.INSTITUTION_ADMIN.value})
    if action in {"change", "reveal", "export"}:
        return Q(institution_id__in=admin_ids) if admin_ids else None
    if action != "view":
        return None
    roles = {Role.CITY_ADMIN.value, Role.REGULATOR.value}
    q = prefix_q("institution__region_prefix", region_prefixes(user, roles))
    ids = institution_ids(user, {Role.INSTITUTION_ADMIN.value, Role.HEALTH_WORKER.value})
    if ids:
        q = Q(institution_id__in=ids) if q is None else q | Q(institution_id__in=ids)
    staff_ids = institution_ids(user, {Role.INSTITUTION_STAFF.value})
    if staff_ids:
        term = Q(pk__in=_children_of_assigned_classes(user, staff_ids))
        q = term if q is None else q | term
    return q


def _children_of_assigned_classes(user: Any, institution_ids_: list[int]) -> Any:
    """Children enrolled today in a class the user (as a caregiver) is assigned to today."""
    from django.utils import timezone

    from tuoyu.children.models import Enrollment
    from tuoyu.staff.models import ClassAssignment

    today = timezone.localdate()
    classes = ClassAssignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today),
        Q(employment__end_date__isnull=True) | Q(employment__end_date__gt=today),
        employment__person__user_id=user.pk,
        employment__institution_id__in=institution_ids_,
        start_date__lte=today,
    ).values("care_class_id")
    return Enrollment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today), care_class_id__in=classes
    ).values("child_id")


# --- end children ---------------------------------------------------------------------------------------
