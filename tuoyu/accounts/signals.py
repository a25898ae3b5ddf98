"""Login, logout, failed logins and lockouts become audit events (authentication is Django's, so its
signals are the only place to observe it)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tuoyu.audit.models import Outcome
from tuoyu.audit.services import audit_record
from tuoyu.core.context import client_ip


def _ip(request: Any) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record("auth.login", obj=user, actor=user, ip=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record("auth.logout", obj=user, actor=user, ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted username is recorded as typed; whether it exists is not revealed anywhere.
    audit_record(
        "auth.login_failed",
        outcome=Outcome.FAILURE,
        actor=None,
        actor_username=str(credentials.get("username", ""))[:150],
        ip=_ip(request),
    )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kw: Any
) -> None:
    audit_record(
        "auth.lockout",
        outcome=Outcome.DENIED,
        actor=None,
        actor_username=(username or "")[:150],
        ip=ip_address or _ip(request),
    )
