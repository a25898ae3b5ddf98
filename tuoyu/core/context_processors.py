from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tuoyu.core.navigation import navigation_for


def tuoyu(request: HttpRequest) -> dict[str, Any]:
    return {
        "DEMO": settings.DEMO_BANNER,
        "MFA_ENABLED": settings.MFA_ENABLED,
        "nav_items": navigation_for(request),
    }
