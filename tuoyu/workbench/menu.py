"""The menu each user sees: every app's registered entries (core.registry), in their order, each shown when
its predicate — the app's own scoping rule — allows the user."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import get_language

from tuoyu.core import registry


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    name: str
    # A count shown as a badge after the label (None: no badge; 0: hidden), and what it counts, for screen
    # readers ("3 条未读").
    badge: Any = None
    badge_label: str | Promise = ""


@functools.lru_cache(maxsize=256)
def _reverse(name: str, prefix: str, urlconf: str, language: str | None) -> str:
    return reverse(name, urlconf=urlconf)


def _url(name: str) -> str:
    """A menu entry's URL: a name without arguments reverses to the same path for the same URLconf, script
    prefix and language, so it is reversed once per process and key — every page draws the menu, and
    reversing its ~17 entries was a tenth of the page's template time. Nothing about the user is kept."""
    return _reverse(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language())


def _item(entry: registry.MenuEntry, user: Any) -> NavItem:
    url = entry.url() if callable(entry.url) else _url(entry.url)
    badge = None
    if entry.badge is not None:
        # Lazy: counted only when a template shows it, at most once a render.
        badge = SimpleLazyObject(lambda: entry.badge(user))
    return NavItem(entry.label, url, entry.name, badge=badge, badge_label=entry.badge_label)


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return [
        _item(entry, user)
        for entry in registry.menu_entries()
        if entry.public or (signed_in and entry.allowed(user))
    ]
