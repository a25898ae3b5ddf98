"""The system admin's home panel: users, grants by role, regions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from tuoyu.accounts.models import Membership, Role, User
from tuoyu.core.registry import home_panel
from tuoyu.core.scoping import scoped
from tuoyu.regions.models import Region


def _admin_summary(user: User) -> dict[str, Any] | None:
    if not user.has_role(Role.SYSTEM_ADMIN):
        return None
    return {
        "users": scoped(user, "view", User).count(),
        "by_role": list(
            scoped(user, "view", Membership)
            .filter(is_active=True)
            .values("role")
            .annotate(n=Count("id"))
            .order_by("role")
        ),
        "regions": scoped(user, "view", Region).count(),
    }


home_panel(name="admin", template="accounts/_home_admin.html", order=50, context=_admin_summary)
