from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tuoyu.core.navigation import navigation_for
from tuoyu.notifications.selectors import unread_count


def tuoyu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # Lazy: counted (one query on the inbox index) only when a template shows it, at most once a render.
    unread: Any = (
        SimpleLazyObject(lambda: unread_count(viewer=user))
        if user is not None and user.is_authenticated
        else 0
    )
    return {
        "DEMO": settings.DEMO_BANNER,
        "MFA_ENABLED": settings.MFA_ENABLED,
        "nav_items": navigation_for(request, unread=unread),
        "unread_notifications": unread,
    }
