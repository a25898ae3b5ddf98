"""The fees' part of an institution's page (core.registry): the fee schedule in force."""

from __future__ import annotations

from typing import Any

from tuoyu.core import registry
from tuoyu.fees.selectors import current_schedule


def _institution_fees(user: Any, institution: Any) -> dict[str, Any]:
    return {"schedule": current_schedule(institution=institution)}


registry.page_panel(
    "institution",
    name="fees.schedule",
    template="fees/_institution_fees.html",
    order=10,
    context=_institution_fees,
)
