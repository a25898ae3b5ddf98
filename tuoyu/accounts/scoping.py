"""Who sees accounts, memberships, API tokens, regions (the jurisdictions memberships name) and the audit
trail (the auditor's): roles are this app's, so these rules are too — regions and audit sit below accounts.
And the helpers every app's rules build on: the region prefixes and institutions a user's memberships reach."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tuoyu.accounts.models import REGION_ROLES, ApiToken, Membership, Role, User
from tuoyu.audit.models import Event
from tuoyu.core.scoping import prefix_q, register
from tuoyu.regions.models import Region


def region_prefixes(user: Any, roles: set[str] | None = None) -> list[str]:
    roles = roles or {r.value for r in REGION_ROLES}
    return sorted({m.region.prefix for m in user.active_memberships() if m.role in roles and m.region_id})


def institution_ids(user: Any, roles: set[str]) -> list[int]:
    return sorted(
        {m.institution_id for m in user.active_memberships() if m.role in roles and m.institution_id}
    )


@register(ApiToken)
def _api_token(user: Any, action: str) -> Q | None:
    # A token is its owner's alone; administrators cannot see or use others' tokens.
    if action in {"view", "change"}:
        return Q(user_id=user.pk)
    return None


@register(User)
def _user(user: Any, action: str) -> Q | None:
    if action in {"view", "change"} and user.has_role(Role.SYSTEM_ADMIN):
        return Q()
    if action == "view":
        return Q(pk=user.pk)
    if action == "reveal":
        # Only the person themselves sees their own full phone number; it is still audited.
        return Q(pk=user.pk)
    return None


@register(Membership)
def _membership(user: Any, action: str) -> Q | None:
    if user.has_role(Role.SYSTEM_ADMIN) and action in {"view", "change"}:
        return Q()
    if action == "view":
        return Q(user_id=user.pk)
    return None


@register(Region)
def _region(user: Any, action: str) -> Q | None:
    if action != "view":
        return None
    if user.has_role(Role.SYSTEM_ADMIN):
        return Q()  # reference data: operators maintain it
    return prefix_q("prefix", region_prefixes(user))


@register(Event)
def _event(user: Any, action: str) -> Q | None:
    # The auditor reads the trail and exports it; nobody may change it (append-only).
    if action in {"view", "export"} and user.has_role(Role.AUDITOR):
        return Q()
    return None
