"""Reminding institutions that have registered but not filed, and flagging the overdue ones."""

from __future__ import annotations

from typing import Any

from tuoyu.core.registry import job
from tuoyu.institutions.services import filing_reminders_send


def _filing_reminders(out: Any) -> str:
    filing = filing_reminders_send()
    return (
        f"filing: reminded {filing.reminded} unfiled institutions, flagged {filing.flagged_overdue} overdue"
    )


job(name="filing-reminders", order=30, run=_filing_reminders)
