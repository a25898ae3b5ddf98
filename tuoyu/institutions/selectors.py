"""Reads of institutions and registrations, scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tuoyu.core.scoping import get_scoped_or_404, scoped
from tuoyu.institutions.models import FilingStatus, Institution, Registration


def institution_list(*, viewer: Any, filters: dict[str, Any] | None = None) -> QuerySet[Institution]:
    f = filters or {}
    qs = scoped(viewer, "view", Institution).select_related("region")
    if f.get("q"):
        qs = qs.filter(Q(name__contains=f["q"]) | Q(uscc=f["q"].upper()))
    if f.get("within"):
        qs = qs.filter(region_prefix__startswith=f["within"])
    if f.get("filing_status"):
        qs = qs.filter(filing_status=f["filing_status"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    return qs.order_by("name", "id")


def institution_get(*, viewer: Any, institution_id: int, action: str = "view") -> Institution:
    return get_scoped_or_404(viewer, action, Institution.objects.select_related("region"), pk=institution_id)


def pending_filings(*, viewer: Any) -> QuerySet[Institution]:
    """Registered but not yet filed, oldest registration first (the county bureau's to-do list)."""
    return (
        scoped(viewer, "view", Institution)
        .filter(filing_status=FilingStatus.REGISTERED)
        .select_related("region")
        .order_by("registered_at", "id")
    )


def registration_list(*, viewer: Any, institution: Institution | None = None) -> QuerySet[Registration]:
    qs = scoped(viewer, "view", Registration).select_related("institution", "recorded_by")
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs.order_by("-recorded_at", "-id")


def can_invite(*, viewer: Any, institution: Institution) -> bool:
    """The county health bureau (and the city) invite an institution's admin; the institution does not."""
    from tuoyu.accounts.models import Role

    if not viewer.has_role(Role.CITY_ADMIN, Role.REGULATOR):
        return False
    return scoped(viewer, "change", Institution).filter(pk=institution.pk).exists()


def invitation_list(*, viewer: Any, institution: Institution) -> QuerySet[Any]:
    if not can_invite(viewer=viewer, institution=institution):
        return institution.invitations.none()
    return institution.invitations.select_related("created_by", "used_by")


# --- the change history as the API shows it (filingapi) ----------------------------------------------


def revision_changes_masked(revision: Any) -> dict[str, Any]:
    """A revision's changes with personal data masked: ID numbers only as changed (they are stored that
    way already), phone numbers as 138****5678."""
    from tuoyu.core.masking import mask_id_number, mask_mobile

    out: dict[str, Any] = {}
    for name, change in (revision.changes or {}).items():
        if isinstance(change, list) and "phone" in name:
            change = [mask_mobile(v) if v else v for v in change]
        elif isinstance(change, list) and name.endswith("id_number"):
            change = [mask_id_number(v) if v else v for v in change]
        out[name] = change
    return out
