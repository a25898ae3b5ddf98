"""Who sees children: their institution's admin and health workers, the region's health bureau (masked),
and caregivers the children of the classes they are assigned to."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids, region_prefixes
from tuoyu.children.models import Child
from tuoyu.core import registry
from tuoyu.core.scoping import prefix_q, register

REGION_READERS = {Role.CITY_ADMIN.value, Role.REGULATOR.value}
OWN_READERS = {Role.INSTITUTION_ADMIN.value, Role.HEALTH_WORKER.value}


@register(Child)
def _child(user: Any, action: str) -> Q | None:
    """Children: their institution's admin keeps them (view, change, reveal, export); its health workers
    read them; the health bureau of the region reads them masked (partner inspectors do not: a child's data
    is more than their inspection needs). Institution staff see the children of the classes they are
    assigned to (staff answers which: ClassAssignment → Employment → Person.user), while both the assignment and the
    enrollment last. Parents: none yet."""
    admin_ids = institution_ids(user, {Role.INSTITUTION_ADMIN.value})
    if action in {"change", "reveal", "export"}:
        return Q(institution_id__in=admin_ids) if admin_ids else None
    if action != "view":
        return None
    q = prefix_q("institution__region_prefix", region_prefixes(user, REGION_READERS))
    ids = institution_ids(user, OWN_READERS)
    if ids:
        q = Q(institution_id__in=ids) if q is None else q | Q(institution_id__in=ids)
    staff_ids = institution_ids(user, {Role.INSTITUTION_STAFF.value})
    if staff_ids:
        term = Q(pk__in=_children_of_assigned_classes(user, staff_ids))
        q = term if q is None else q | term
    return q


def _children_of_assigned_classes(user: Any, institution_ids_: list[int]) -> Any:
    """Children enrolled today in a class the user (as a caregiver) is assigned to today. Which classes those
    are, the staff register answers (hook ``children.scoping.sees_classes``, staff/scoping.py); without it,
    none."""
    from django.utils import timezone

    from tuoyu.children.models import Enrollment

    today = timezone.localdate()
    classes = registry.ask("children.scoping.sees_classes", user, institution_ids_, today, default=None)
    if classes is None:
        return Enrollment.objects.none().values("child_id")
    return Enrollment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today), care_class_id__in=classes
    ).values("child_id")


def reads_rosters(user: Any) -> bool:
    """The children list (幼儿名册): the rule's regional and institution sides. A caregiver's children of
    their classes are shown where they work (their class), not as a roster."""
    return bool(region_prefixes(user, REGION_READERS)) or bool(institution_ids(user, OWN_READERS))
