"""A short-lived cache of the anonymous public pages (信息公示) and open data — never of anything personal.

The public list, its JSON download and its API answer the same for every anonymous visitor, and the public is
most of the platform's traffic (issue 10: the public list did 49 req/s with a p95 of 634 ms). This middleware
keeps each such answer for ``TUOYU_PUBLIC_CACHE_SECONDS`` (60 by default; 0 turns it off), keyed by the full
path with its query, the interface language and whether htmx asked for the fragment.

What it will not cache, or serve from cache:
- a request that carries a session or messages cookie or an Authorization header (someone signed in, or
  about to see a message) — such a visitor always reaches the view;
- anything but GET/HEAD, anything but a 200, a response that sets a session cookie or says ``no-store``;
- any path not listed in ``TUOYU_PUBLIC_CACHE_PATHS`` (exact paths: the detail pages and the QR codes are
  cheap and are not listed).

The cached page holds CSRF tokens (the language switch is a POST form): they are cut out when the page is
stored and each visitor's own token is put back when it is served, so no two visitors share a token.
``clear()`` forgets every cached page (an app calls it when what the public sees changes, e.g. a filing is
accepted); with the default per-process memory cache another worker process forgets at the latest after the
timeout.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

_PLACEHOLDER = "\x00tuoyu-csrf\x00"
# The forms' hidden input and the <meta> tag htmx reads: both carry a masked token of 64 characters.
_TOKEN = re.compile(
    r'(name="csrfmiddlewaretoken" value="|<meta name="csrf-token" content=")([A-Za-z0-9]{64})"'
)
_GENERATION = "tuoyu-public-generation"
_SKIP_HEADERS = {"set-cookie", "content-length"}


def _cache():
    return caches[settings.TUOYU_PUBLIC_CACHE_ALIAS]


def clear() -> None:
    """Forget every cached public page (by moving to a new generation of keys)."""
    cache = _cache()
    try:
        cache.incr(_GENERATION)
    except ValueError:
        cache.set(_GENERATION, 1, None)


def _key(request: HttpRequest) -> str:
    generation = _cache().get(_GENERATION, 0)
    raw = "|".join(
        (
            str(generation),
            request.method if request.method == "HEAD" else "GET",
            request.get_full_path(),
            getattr(request, "LANGUAGE_CODE", ""),
            "htmx" if request.headers.get("HX-Request") else "",
        )
    )
    return "tuoyu-public:" + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.TUOYU_PUBLIC_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and request.path in settings.TUOYU_PUBLIC_CACHE_PATHS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "Authorization" not in request.headers
    )


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and settings.SESSION_COOKIE_NAME not in response.cookies
        and "messages" not in response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


class PublicCacheMiddleware:
    """Placed after CsrfViewMiddleware (so each visitor's token and cookie are set on the way out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        stored = _cache().get(key)
        if stored is not None:
            return self._replay(request, stored)
        response = self.get_response(request)
        if _cacheable_response(response):
            self._store(key, response)
        return response

    def _store(self, key: str, response: HttpResponse) -> None:
        charset = response.charset or "utf-8"
        body = response.content
        has_token = False
        if response.get("Content-Type", "").startswith("text/html"):
            text, count = _TOKEN.subn(lambda m: m.group(1) + _PLACEHOLDER + '"', body.decode(charset))
            has_token = count > 0
            body = text.encode(charset)
        headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIP_HEADERS]
        stored = {"headers": headers, "body": body, "charset": charset, "token": has_token}
        _cache().set(key, stored, settings.TUOYU_PUBLIC_CACHE_SECONDS)

    def _replay(self, request: HttpRequest, stored: dict) -> HttpResponse:
        body = stored["body"]
        if stored["token"]:
            token = get_token(request)  # this visitor's own secret; the CSRF middleware sets its cookie
            body = body.replace(_PLACEHOLDER.encode(stored["charset"]), token.encode("ascii"))
        response = HttpResponse(body)
        for name, value in stored["headers"]:
            response[name] = value
        response["X-Tuoyu-Cache"] = "hit"
        return response
