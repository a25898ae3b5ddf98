"""Reminding institutions of their staff's certificates about to expire."""

from __future__ import annotations

from typing import Any

from tuoyu.core.registry import job
from tuoyu.staff.reminders import expiry_reminders_send


def _expiry_reminders(out: Any) -> str:
    expiring = expiry_reminders_send()
    return (
        f"staff certificates: reminded {expiring.institutions} institutions"
        f" of {expiring.certificates} expiring certificates"
    )


job(name="staff-certificates", order=50, run=_expiry_reminders)
