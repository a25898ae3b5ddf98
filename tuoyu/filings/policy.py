"""What a filing must carry (备案材料): a pure module — it reads the filing and writes nothing — so the
compliance engine (FIL-01) and the filing workflow ask the same question without standards importing the
workflow's services.

- ``required_materials(filing)``: FIL-01 (备案办法 art. 8), the materials a filing of its kind needs, and
  ``missing_materials(filing)`` those not attached yet;
- ``form_missing(filing)``: what an initial filing's 备案书 still lacks.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tuoyu.filings import changes as change_groups
from tuoyu.filings.models import Filing, FilingKind, MaterialKind
from tuoyu.institutions.models import Institution

__all__ = [
    "REQUIRED_MATERIALS",
    "candidate_institution",
    "form_missing",
    "kept_values",
    "missing_materials",
    "required_materials",
]

REQUIRED_MATERIALS = [
    MaterialKind.REGISTRATION_CERTIFICATE,
    MaterialKind.PREMISES_PROOF,
    MaterialKind.STAFF_QUALIFICATIONS,
    MaterialKind.STAFF_HEALTH_CERTIFICATES,
    MaterialKind.HEALTH_ASSESSMENT,
    MaterialKind.FIRE_SAFETY,
]


def required_materials(filing: Filing) -> list[str]:
    """FIL-01 (备案办法 art. 8): the materials a filing of this kind needs."""
    if filing.kind == FilingKind.CANCELLATION:
        return [MaterialKind.SETTLEMENT_PLAN]
    if filing.kind == FilingKind.CHANGE:  # only the changed items are re-reviewed, with their proofs
        return change_groups.required_materials(filing.institution, filing.changed_items or [], filing.facts)
    needed = list(REQUIRED_MATERIALS)
    stated = (filing.facts or {}).get("proposed") or {}  # the 备案书 says whether meals are served
    serves_meals = stated.get("serves_meals", filing.institution.serves_meals)
    if serves_meals:
        needed.append(MaterialKind.FOOD_LICENCE)
    return needed


def form_missing(filing: Filing) -> list[tuple[str, str]]:
    """What an initial filing's 备案书 still lacks, as (field or group, message); empty when complete."""
    filled = set(filing.changed_items or [])
    missing = [
        (key, _("请填写备案书的“%(group)s”部分。") % {"group": change_groups.group_label(key)})
        for key in change_groups.FORM_GROUPS
        if key not in filled
    ]
    if missing:
        return missing
    candidate = candidate_institution(
        filing.institution, kept_values(change_groups.proposed_values(filing.facts))
    )
    return change_groups.form_problems(candidate)


def missing_materials(filing: Filing) -> list[str]:
    have = set(filing.materials.values_list("kind", flat=True))
    return [k for k in required_materials(filing) if k not in have]


def kept_values(proposed: dict[str, Any]) -> dict[str, Any]:
    """The proposed values without the ID numbers left empty (an empty one keeps the current number)."""
    return {n: v for n, v in proposed.items() if not (n in change_groups.ENCRYPTED and not v)}


def candidate_institution(institution: Institution, proposed: dict[str, Any]) -> Institution:
    """A fresh copy of the institution with the proposed values set (not saved)."""
    candidate = Institution.objects.get(pk=institution.pk)
    for name, value in kept_values(proposed).items():
        setattr(candidate, name, value)
    return candidate
