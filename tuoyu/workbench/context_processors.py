from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tuoyu.workbench.menu import navigation_for


def tuoyu(request: HttpRequest) -> dict[str, Any]:
    items = navigation_for(request)
    # The inbox's count, for the inbox page itself (lazy, shared with the menu badge: one query a render).
    unread = next((item.badge for item in items if item.name == "notifications"), 0)
    return {
        "DEMO": settings.DEMO_BANNER,
        "MFA_ENABLED": settings.MFA_ENABLED,
        "nav_items": items,
        "unread_notifications": unread,
    }
