"""Reads of the compliance engine, always through the scoping rules (tuoyu/standards/scoping.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from tuoyu.accounts.models import INSTITUTION_ROLES, Role
from tuoyu.accounts.scoping import institution_ids
from tuoyu.core import scoping
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.standards.engine import Evaluation, evaluate
from tuoyu.standards.models import ComplianceResult
from tuoyu.standards.parameters import params_for
from tuoyu.standards.rules import RULES, RULES_BY_ID, Rule

REGULATOR_ROLES = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}
OWN_ROLES = {r.value for r in INSTITUTION_ROLES}


def is_regulator(viewer: Any) -> bool:
    return any(m.role in REGULATOR_ROLES and m.region_id for m in viewer.active_memberships())


def own_institution_ids(viewer: Any) -> list[int]:
    """The institutions the viewer works in (admin, staff, health worker): their own outcomes to read."""
    return institution_ids(viewer, OWN_ROLES)


def own_institution_id(viewer: Any) -> int | None:
    ids = own_institution_ids(viewer)
    return ids[0] if ids else None


def viewer_prefix(viewer: Any) -> str:
    """The region whose parameters a viewer sees in the catalogue: their own institution's, else their
    (first) region membership's; "" (national defaults) for everyone else."""
    own = own_institution_id(viewer)
    if own is not None:
        prefix = Institution.objects.filter(pk=own).values_list("region_prefix", flat=True).first()
        if prefix:
            return prefix
    prefixes = sorted(m.region.prefix for m in viewer.active_memberships() if m.region_id)
    return prefixes[0] if prefixes else ""


def rules_in_force(viewer: Any) -> tuple[str, list[tuple[Rule, dict[str, Any]]]]:
    prefix = viewer_prefix(viewer)
    return prefix, [(rule, params_for(rule, prefix)) for rule in RULES]


def evaluation_get(*, viewer: Any, institution_id: int) -> Evaluation:
    """The live evaluation of one institution: its own people and the regulators of its region; 404 for
    everyone else (the same as a missing institution)."""
    institution = scoping.get_scoped_or_404(viewer, "view", Institution, pk=institution_id)
    allowed = is_regulator(viewer) or any(
        m.role in OWN_ROLES and m.institution_id == institution.pk for m in viewer.active_memberships()
    )
    if not allowed:  # e.g. a registration clerk, who may read the institution but not its compliance
        raise scoping.DeniedNotFound(
            model_label="standards.complianceresult",
            object_id=str(institution_id),
            action="view",
            user=viewer,
        )
    return evaluate(institution)


def own_evaluation(*, viewer: Any, institution_id: int | None = None) -> Evaluation:
    """The viewer's own institution's evaluation: ``institution_id`` (one of theirs, else 404) or the first."""
    ids = own_institution_ids(viewer)
    own = ids[0] if ids and institution_id is None else institution_id
    if own is None or own not in ids:
        raise Http404
    return evaluate(own)


# What the risk list (page and API) shows of a result, and its institution's name and region as columns of
# the same query: no Institution and Region objects (sixty columns, three of them sealed) made per row.
RISK_FIELDS = (
    "institution",
    "region_prefix",
    "risk_score",
    "failures",
    "warnings",
    "failing_rules",
    "evaluated_at",
)
RISK_NAMES = {
    "institution_name": F("institution__name"),
    "region_name": F("institution__region__name"),
    "region_code": F("institution__region__code"),
}


def risk_list(*, viewer: Any, rule: str = "", region: str = "") -> QuerySet[ComplianceResult]:
    """Filed institutions of the viewer's jurisdiction, highest risk first (one indexed query); the list
    page and API filter it through standards.lists. Each result carries ``institution_name``,
    ``region_name`` and ``region_code``; its other columns (the rules' outcomes) are not loaded."""
    if not is_regulator(viewer):
        raise Http404
    qs = scoping.scoped(viewer, "view", ComplianceResult).only(*RISK_FIELDS).annotate(**RISK_NAMES)
    if rule:
        qs = failing(qs, rule)
    if region:
        qs = in_region(qs, viewer=viewer, code=region)
    return qs.order_by("-risk_score", "institution_id")


def failing(qs: QuerySet[ComplianceResult], rule: str) -> QuerySet[ComplianceResult]:
    """The results failing ``rule`` (none for an unknown rule)."""
    if rule not in RULES_BY_ID:
        return qs.none()
    return qs.filter(failing_rules__contains=f" {rule} ")


def in_region(qs: QuerySet[ComplianceResult], *, viewer: Any, code: str) -> QuerySet[ComplianceResult]:
    """The results under the region ``code`` if the viewer sees that region; none otherwise."""
    prefix = scoping.scoped(viewer, "view", Region).filter(code=code).values_list("prefix", flat=True).first()
    if prefix is None:
        return qs.none()
    return qs.filter(scoping.prefix_q("region_prefix", [prefix]))


def regions_for_filter(viewer: Any) -> list[Region]:
    """The viewer's regions and their counties, for the region filter."""
    return list(
        scoping.scoped(viewer, "view", Region)
        .filter(level__in=["prefecture", "county", "functional_zone"])
        .order_by("code")[:200]
    )
