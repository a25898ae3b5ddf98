"""Fee schedules are public once published (disclosure); writing one is the institution's admin's."""

from __future__ import annotations

from typing import Any

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids


def publishes_fees(user: Any) -> bool:
    """An institution's admin publishes its fee schedule (明码标价); fees.services checks the institution."""
    return bool(institution_ids(user, {Role.INSTITUTION_ADMIN.value}))
