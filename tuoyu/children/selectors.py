"""Reads of children, scoped to the viewer (children/scoping.py ``_child``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from tuoyu.accounts.scoping import institution_ids
from tuoyu.children.models import Child, Enrollment
from tuoyu.core.scoping import get_scoped_or_404, scope_filter, scoped
from tuoyu.institutions.models import CareClass, Institution


def can_view(viewer: Any) -> bool:
    return scope_filter(viewer, "view", Child) is not None


# What the roster page and the list API show of a child: the blind index and the times are not read.
LIST_FIELDS = ("id", "institution_id", "name", "sex", "birth_date", "id_number", "version")


def child_list(
    *, viewer: Any, on: dt.date | None = None, filters: dict[str, Any] | None = None, narrow: bool = False
) -> QuerySet[Child]:
    """Children in reach, each with its enrollment current on ``on`` (``current``, a list of 0 or 1).
    ``narrow`` (the roster page): only what the page shows is read, as columns of the one page query — the
    child's ``LIST_FIELDS``, its institution's name (``institution_name``: no Institution of sixty columns,
    three of them sealed, made per child)
    and the class it holds a place in on ``on`` — ``current_class_id``, ``_name``, ``_type`` of the first
    current enrollment in ``Enrollment``'s order (no ``current`` list, no CareClass objects)."""
    f = filters or {}
    on = on or dt.date.today()
    current = Enrollment.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on)
    )
    if narrow:
        first = current.filter(child=OuterRef("pk")).order_by("-start_date", "-id")
        qs = (
            scoped(viewer, "view", Child)
            .only(*LIST_FIELDS)
            .annotate(
                institution_name=F("institution__name"),
                current_class_id=Subquery(first.values("care_class_id")[:1]),
                current_class_name=Subquery(first.values("care_class__name")[:1]),
                current_class_type=Subquery(first.values("care_class__class_type")[:1]),
            )
        )
    else:
        qs = (
            scoped(viewer, "view", Child)
            .select_related("institution")
            .prefetch_related(
                Prefetch("enrollments", queryset=current.select_related("care_class"), to_attr="current")
            )
        )
    if f.get("institution_id"):
        qs = qs.filter(institution_id=f["institution_id"])
    if f.get("class_id"):
        qs = in_class(qs, f["class_id"], on)
    if f.get("q"):
        qs = qs.filter(name__contains=f["q"])
    return qs.order_by("institution_id", "name", "id")


def api_list(*, viewer: Any) -> QuerySet[Child]:
    """The list API's children: what it returns of each (``LIST_FIELDS``), no institution, no class."""
    return scoped(viewer, "view", Child).only(*LIST_FIELDS).order_by("institution_id", "name", "id")


def in_class(qs: QuerySet[Child], class_id: int, on: dt.date) -> QuerySet[Child]:
    """The children of ``qs`` holding a place in the class on ``on``."""
    return qs.filter(
        Q(enrollments__care_class_id=class_id, enrollments__start_date__lte=on)
        & (Q(enrollments__end_date__isnull=True) | Q(enrollments__end_date__gt=on))
    ).distinct()


def child_get(*, viewer: Any, child_id: int, action: str = "view") -> Child:
    return get_scoped_or_404(
        viewer,
        action,
        Child.objects.select_related("institution").prefetch_related("guardians", "consents__guardian"),
        pk=child_id,
    )


def admin_institution_ids(viewer: Any) -> list[int]:
    """The institutions whose children the viewer keeps (as an institution admin)."""
    from tuoyu.accounts.models import Role

    return institution_ids(viewer, {Role.INSTITUTION_ADMIN})


def class_children(*, care_class: CareClass) -> list[Child]:
    """The children holding a place in the class today (for its admin's page: the class page's panel)."""
    today = dt.date.today()
    return [
        e.child
        for e in Enrollment.objects.filter(care_class=care_class)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .select_related("child")
        .order_by("child__name", "child_id")
    ]


def class_occupancy(class_ids: list[int], on: dt.date | None = None) -> dict[int, int]:
    """The number of children holding a place in each class on ``on`` (today), by class id."""
    on = on or dt.date.today()
    rows = (
        Enrollment.objects.filter(care_class_id__in=class_ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .values("care_class_id")
        .annotate(n=Count("id"))
        .values_list("care_class_id", "n")
    )
    return dict(rows)


def open_classes(*, institution: Institution, on: dt.date | None = None) -> QuerySet[CareClass]:
    """The institution's open classes with the number of children holding a place (``occupied``)."""
    on = on or dt.date.today()
    occupied = Q(enrollments__end_date__isnull=True) | Q(enrollments__end_date__gt=on)
    return (
        CareClass.objects.filter(institution=institution, closed_on__isnull=True)
        .annotate(occupied=Count("enrollments", filter=occupied))
        .order_by("name", "id")
    )
