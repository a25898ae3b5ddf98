"""Reading the ban list and its alerts, always through the jurisdiction rules (tuoyu/bans/scoping.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tuoyu.bans.models import Ban, BanAlert
from tuoyu.core.scoping import get_scoped_or_404, scope_filter, scoped


def ban_list(*, viewer: Any, q: str = "", include_lifted: bool = False) -> QuerySet[Ban]:
    """Bans the viewer may see; ``q`` is a name fragment, or an ID number matched exactly (blind index)."""
    qs = scoped(viewer, "view", Ban).select_related("region")
    if not include_lifted:
        qs = qs.filter(lifted_at__isnull=True)
    q = (q or "").strip().replace("\x00", "")
    if q:
        index = Ban._meta.get_field("id_index").index_for(q)
        looks_like_id = len(q.replace(" ", "")) >= 15 and q.replace(" ", "")[:6].isdigit()
        qs = qs.filter(id_index=index) if looks_like_id else qs.filter(name__icontains=q)
    return qs


def ban_get(*, viewer: Any, ban_id: int) -> Ban:
    return get_scoped_or_404(viewer, "view", Ban.objects.select_related("region"), pk=ban_id)


def can_view_bans(viewer: Any) -> bool:
    return scope_filter(viewer, "view", Ban) is not None


def can_change(viewer: Any, ban: Ban) -> bool:
    return scoped(viewer, "change", Ban).filter(pk=ban.pk).exists()


def alert_list(*, viewer: Any, open_only: bool = False) -> QuerySet[BanAlert]:
    qs = scoped(viewer, "view", BanAlert).select_related(
        "ban", "institution", "attempted_by", "acknowledged_by"
    )
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs


def alert_get(*, viewer: Any, alert_id: int) -> BanAlert:
    return get_scoped_or_404(
        viewer, "view", BanAlert.objects.select_related("ban", "institution", "attempted_by"), pk=alert_id
    )


def can_view_alerts(viewer: Any) -> bool:
    return scope_filter(viewer, "view", BanAlert) is not None
