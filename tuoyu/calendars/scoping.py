"""Who sees the holiday table: the system admin keeps it, regulators read it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import REGION_ROLES, Role
from tuoyu.calendars.models import HolidayDate, HolidayYear
from tuoyu.core.scoping import register


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
