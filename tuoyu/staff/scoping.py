"""Who sees the staff register: the institution's admin, the region's health bureau and partner inspectors,
and each staff member their own record. It also answers children's caregiver rule (which classes a caregiver
sees the children of: hook ``children.scoping.sees_classes``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids, region_prefixes
from tuoyu.core import registry
from tuoyu.core.scoping import prefix_q, register
from tuoyu.staff.models import (
    BackgroundCheck,
    Certificate,
    ClassAssignment,
    Employment,
    HealthCertificate,
    Person,
    TrainingRecord,
)

REGION_READERS = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}


def _staff_employments_q(user: Any, action: str) -> Q | None:
    """The employments a user may act on: the institution's admin (view, change, reveal); the health bureau
    of its region (view, reveal) and partner inspectors (view). Ended employments stay readable."""
    if action == "view":
        regulators = REGION_READERS
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


@registry.answer("children.scoping.sees_classes")
def classes_assigned_to(user: Any, institution_ids_: list[int], today: dt.date) -> Any:
    """The caregiver rule (a caregiver sees the children of her classes), for children's scoping rule: the
    care_class ids (a subquery) the user is assigned to on ``today`` at those institutions, while both the
    assignment and the employment last."""
    return ClassAssignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today),
        Q(employment__end_date__isnull=True) | Q(employment__end_date__gt=today),
        employment__person__user_id=user.pk,
        employment__institution_id__in=institution_ids_,
        start_date__lte=today,
    ).values("care_class_id")


def reads_rosters(user: Any) -> bool:
    """The staff list: whoever reads employments as an institution's admin or a regional regulator (a staff
    member reads their own record from their own page)."""
    return _staff_employments_q(user, "view") is not None


def reads_region_indicators(user: Any) -> bool:
    """The staff indicators (从业人员指标) of the regulators' region."""
    return bool(region_prefixes(user, REGION_READERS))
