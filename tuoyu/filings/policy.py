"""What a filing must carry (备案材料): a pure module — it reads the filing and writes nothing — so the
compliance engine (FIL-01) and the filing workflow ask the same question without standards importing the
workflow's services.

- ``required_materials(filing)``: FIL-01 (备案办法 art. 8), the materials a filing of its kind needs.
"""

from __future__ import annotations

from tuoyu.filings import changes as change_groups
from tuoyu.filings.models import Filing, FilingKind, MaterialKind

__all__ = ["REQUIRED_MATERIALS", "required_materials"]

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
