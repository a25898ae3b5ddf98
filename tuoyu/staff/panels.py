"""The staff register's part of a class's page (core.registry): the caregivers assigned to it today."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from tuoyu.core import registry
from tuoyu.staff.models import ClassAssignment


def class_caregivers(*, care_class: Any) -> list[Any]:
    """The caregivers assigned to the class today (staff.ClassAssignment)."""
    today = dt.date.today()
    return [
        a.employment.person
        for a in ClassAssignment.objects.filter(care_class=care_class, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=today))
        .select_related("employment__person")
        .order_by("employment__person__name", "id")
    ]


def _caregivers(user: Any, care_class: Any) -> dict[str, Any]:
    return {"caregivers": class_caregivers(care_class=care_class)}


registry.page_panel(
    "class", name="staff.caregivers", template="staff/_class_caregivers.html", order=20, context=_caregivers
)
