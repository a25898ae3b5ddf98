"""Reminding owners of API tokens about to expire."""

from __future__ import annotations

from typing import Any

from tuoyu.accounts.services import api_token_expiry_reminders_send
from tuoyu.core.registry import job


def _token_reminders(out: Any) -> str:
    return f"api tokens: reminded owners of {api_token_expiry_reminders_send()} tokens expiring soon"


job(name="api-tokens", order=60, run=_token_reminders)
