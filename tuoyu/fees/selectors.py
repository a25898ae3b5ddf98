from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tuoyu.fees.models import FeeSchedule


def current_schedule(*, institution: Any, on: dt.date | None = None) -> FeeSchedule | None:
    """The schedule in force on a date (the newest whose effective date has come)."""
    on = on or timezone.localdate()
    return (
        FeeSchedule.objects.filter(institution=institution, effective_from__lte=on)
        .prefetch_related("items")
        .order_by("-effective_from", "-id")
        .first()
    )


def schedules(*, institution: Any) -> list[FeeSchedule]:
    return list(FeeSchedule.objects.filter(institution=institution).prefetch_related("items")[:20])
