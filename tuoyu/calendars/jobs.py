"""Warning when next year's holiday schedule has not been entered yet."""

from __future__ import annotations

from typing import Any

from tuoyu.calendars.selectors import next_year_reminder
from tuoyu.core.registry import job


def _next_year(out: Any) -> str | None:
    return next_year_reminder() or None


job(name="holiday-schedule", order=80, run=_next_year, warning=True)
