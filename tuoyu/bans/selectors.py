"""Reading the ban list and its alerts, always through the jurisdiction rules (tuoyu/bans/scoping.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tuoyu.bans.models import Ban, BanAlert
from tuoyu.core.scoping import get_scoped_or_404, scope_filter, scoped


def ban_list(*, viewer: Any, action: str = "view") -> QuerySet[Ban]:
    """Bans the viewer may see (or export); filters and sorting are declared in bans.lists."""
    return scoped(viewer, action, Ban).select_related("region").order_by("-decision_date", "-id")


def ban_search(qs: QuerySet[Ban], q: str) -> QuerySet[Ban]:
    """``q`` is a name fragment, or an ID number matched exactly (blind index)."""
    q = (q or "").strip().replace("\x00", "")
    if not q:
        return qs
    index = Ban._meta.get_field("id_index").index_for(q)
    looks_like_id = len(q.replace(" ", "")) >= 15 and q.replace(" ", "")[:6].isdigit()
    return qs.filter(id_index=index) if looks_like_id else qs.filter(name__icontains=q)


def ban_get(*, viewer: Any, ban_id: int) -> Ban:
    return get_scoped_or_404(viewer, "view", Ban.objects.select_related("region"), pk=ban_id)


def can_view_bans(viewer: Any) -> bool:
    return scope_filter(viewer, "view", Ban) is not None


def can_change(viewer: Any, ban: Ban) -> bool:
    return scoped(viewer, "change", Ban).filter(pk=ban.pk).exists()


def alert_list(*, viewer: Any) -> QuerySet[BanAlert]:
    """The alerts the viewer may see; filters and sorting are declared in bans.lists."""
    return scoped(viewer, "view", BanAlert).select_related(
        "ban", "institution", "attempted_by", "acknowledged_by"
    )


def alert_get(*, viewer: Any, alert_id: int) -> BanAlert:
    return get_scoped_or_404(
        viewer, "view", BanAlert.objects.select_related("ban", "institution", "attempted_by"), pk=alert_id
    )


def can_view_alerts(viewer: Any) -> bool:
    return scope_filter(viewer, "view", BanAlert) is not None
