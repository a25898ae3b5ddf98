"""Who is acting and from where, for the audit trail, without passing the request everywhere."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    user: Any = None
    ip: str | None = None
    # The personal API token the request was authenticated with; None for a browser session (or no request).
    # Services that must not be reached with a token alone (minting tokens) read it here.
    api_token: Any = None


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("tuoyu_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def set_current(ctx: RequestContext) -> Any:
    return _current.set(ctx)


def reset(token: Any) -> None:
    _current.reset(token)


def client_ip(request: Any) -> str | None:
    """The client's address for the audit trail.

    Behind N trusted reverse proxies (TUOYU_TRUSTED_PROXY_COUNT=N), the client is the N-th address from
    the right of X-Forwarded-For: each proxy appends the address it received the request from, so
    anything further left was written by the client and cannot be trusted.
    """
    from django.conf import settings

    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None
