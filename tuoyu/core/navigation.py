"""The navigation each role sees. Apps add their entries here as they grow."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import REGION_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    name: str


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    roles = user.roles()
    items = [NavItem(_("首页"), reverse("home"), "home")]
    if roles & {r.value for r in REGION_ROLES} or Role.SYSTEM_ADMIN in roles:
        items.append(NavItem(_("行政区划"), reverse("regions:tree"), "regions"))
    if Role.SYSTEM_ADMIN in roles:
        items.append(NavItem(_("账号管理"), reverse("users:list"), "users"))
    if Role.AUDITOR in roles:
        items.append(NavItem(_("审计日志"), reverse("audit:events"), "audit"))
    items.append(NavItem(_("API令牌"), reverse("accounts:tokens"), "tokens"))
    items.append(NavItem(_("API文档"), "/api/v1/docs", "api-docs"))
    return items
