"""Reads about accounts, scoped to the viewer."""

from __future__ import annotations

from django.db.models import QuerySet

from tuoyu.accounts.models import ApiToken, User
from tuoyu.core.scoping import scoped


def api_token_list(*, viewer: User) -> QuerySet[ApiToken]:
    return scoped(viewer, "view", ApiToken).order_by("-created_at", "-id")
