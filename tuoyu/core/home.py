"""Each role's home page, with the real data that exists for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuoyu.accounts.models import REGION_ROLES, Membership, Role, User
from tuoyu.audit.models import Event, Outcome
from tuoyu.core.scoping import scoped
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.regions.selectors import POP_PREFETCH


def _jurisdictions(user: User) -> list[dict[str, Any]]:
    out = []
    for m in user.active_memberships():
        if m.role not in {r.value for r in REGION_ROLES} or m.region is None:
            continue
        region = Region.objects.prefetch_related(POP_PREFETCH).get(pk=m.region_id)
        children = list(scoped(user, "view", region.children.all()).prefetch_related(POP_PREFETCH))
        out.append(
            {
                "membership": m,
                "region": region,
                "children": children,
                "institutions": scoped(user, "view", Institution)
                .filter(region_prefix__startswith=region.prefix)
                .count(),
                "streets": scoped(user, "view", Region)
                .filter(prefix__startswith=region.prefix, level="street")
                .count(),
            }
        )
    return out


def _audit_summary(user: User) -> dict[str, Any]:
    since = timezone.now() - dt.timedelta(days=1)
    events = scoped(user, "view", Event)
    return {
        "total": events.count(),
        "last_day": events.filter(at__gte=since).count(),
        "failed_logins": events.filter(at__gte=since, action="auth.login_failed").count(),
        "lockouts": events.filter(at__gte=since, action="auth.lockout").count(),
        "denied": events.filter(at__gte=since, outcome=Outcome.DENIED).count(),
        "recent": list(events.order_by("-id")[:10]),
    }


def _admin_summary(user: User) -> dict[str, Any]:
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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = user.roles()
    context: dict[str, Any] = {
        "jurisdictions": _jurisdictions(user),
        "institutions": list(
            scoped(user, "view", Institution)
            .filter(id__in=[m.institution_id for m in user.active_memberships() if m.institution_id])
            .select_related("region")
        ),
        "audit": _audit_summary(user) if Role.AUDITOR in roles else None,
        "admin": _admin_summary(user) if Role.SYSTEM_ADMIN in roles else None,
        "role_labels": Role,
        "user_roles": roles,
    }
    return render(request, "home.html", context)
