"""Reads of institutions and registrations, scoped to the viewer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tuoyu.core.scoping import get_scoped_or_404, scoped
from tuoyu.institutions.models import (
    AUTHORITY_FOR_LEGAL_PERSON,
    FilingStatus,
    Institution,
    LegalPersonKind,
    Registration,
)


def institution_list(*, viewer: Any, action: str = "view") -> QuerySet[Institution]:
    """The institutions in the viewer's scope for ``action`` (``view`` or ``export``); the list's filters,
    sorting and paging are declared in institutions.lists."""
    return scoped(viewer, action, Institution).select_related("region").order_by("name", "id")


# What the list API returns of an institution (``api.InstitutionOut``); the legal representative's sealed ID
# number is read for its masked form, the director's and the phone are not read (nor decrypted per row).
API_LIST_FIELDS = (
    "id",
    "name",
    "uscc",
    "kind",
    "legal_person_kind",
    "is_for_profit",
    "registration_authority",
    "registration_date",
    "business_scope",
    "legal_rep_name",
    "legal_rep_id_number",
    "address",
    "region",
    "filing_status",
    "version",
    "registered_at",
    "updated_at",
)


def institution_api_list(*, viewer: Any) -> QuerySet[Institution]:
    """``institution_list`` as the list API reads it: ``API_LIST_FIELDS``, no region row."""
    return scoped(viewer, "view", Institution).only(*API_LIST_FIELDS).order_by("name", "id")


def institution_get(*, viewer: Any, institution_id: int, action: str = "view") -> Institution:
    return get_scoped_or_404(viewer, action, Institution.objects.select_related("region"), pk=institution_id)


def pending_filings(*, viewer: Any, action: str = "view") -> QuerySet[Institution]:
    """Registered but not yet filed, oldest registration first (the county bureau's to-do list)."""
    return (
        scoped(viewer, action, Institution)
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


def registration_defaults(viewer: Any) -> dict[str, Any]:
    """What a clerk's new registration starts with: their own authority (登记机关), and the legal-person kind
    and profit status that authority registers (市场监管: 企业, 营利性; 民政: 社会服务机构, 非营利性; 机构编制:
    事业单位, 非营利性) — a combination that passes its own checks (FIL-02)."""
    from tuoyu.accounts.models import Role

    authority = next(
        (
            m.authority
            for m in viewer.active_memberships()
            if m.role == Role.REGISTRATION_CLERK and m.authority
        ),
        "",
    )
    kind = next((k for k, a in AUTHORITY_FOR_LEGAL_PERSON.items() if a == authority), None)
    if kind is None:
        return {}
    return {
        "authority": authority,
        "legal_person_kind": kind,
        "is_for_profit": "true" if kind == LegalPersonKind.ENTERPRISE else "false",
    }


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


# --- rooms and classes (园舍与班级) -------------------------------------------------------------------


def room_list(*, viewer: Any, institution: Institution | None = None) -> QuerySet[Any]:
    from tuoyu.institutions.models import Room

    qs = scoped(viewer, "view", Room).select_related("institution")
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs.order_by("institution_id", "floor", "name", "id")


def class_list(*, viewer: Any, institution: Institution | None = None) -> QuerySet[Any]:
    from tuoyu.institutions.models import CareClass

    qs = scoped(viewer, "view", CareClass).select_related("institution", "room")
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs.order_by("institution_id", "name", "id")


def admin_institution(viewer: Any) -> Institution | None:
    """The (first) institution the viewer keeps (an institution admin), if any. Pages let an admin of several
    choose: tuoyu.institutions.acting."""
    from tuoyu.accounts.models import Role
    from tuoyu.accounts.scoping import institution_ids

    ids = institution_ids(viewer, {Role.INSTITUTION_ADMIN})
    return Institution.objects.filter(pk=ids[0]).first() if ids else None


# --- region transfers (跨辖区区划变更) -----------------------------------------------------------------


def region_transfer_list(*, viewer: Any, action: str = "view", status: str | None = None) -> QuerySet[Any]:
    """Requests to move an institution to another county: ``action="change"`` gives those the viewer
    decides (the city over both regions), ``"view"`` those they may read. Oldest first."""
    from tuoyu.institutions.models import RegionTransfer

    qs = scoped(viewer, action, RegionTransfer).select_related(
        "institution",
        "from_region__parent",
        "to_region__parent",
        "requested_by",
        "decided_by",
        "registration",
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("requested_at", "id")
