"""Valid people for tests: ID numbers with the right check character, hires through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tuoyu.core.validators import id_check_character
from tuoyu.staff.services import HireData, HireResult, staff_hire


def id_number(
    born: dt.date = dt.date(1990, 1, 1), *, seq: int = 1, male: bool = True, area: str = "430202"
) -> str:
    """An 18-digit resident ID number: area, birth date, a sequence of the right parity, the check."""
    sequence = (seq * 2 + (1 if male else 0)) % 1000
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def hire_data(**overrides: Any) -> HireData:
    born = overrides.pop("born", dt.date(1990, 1, 1))
    number = overrides.pop("id_number", None) or id_number(born, seq=overrides.pop("seq", 1))
    values: dict[str, Any] = {
        "name": "李保育",
        "id_number": number,
        "sex": "",
        "birth_date": None,
        "phone": "13912345678",
        "roles": ["caregiver"],
        "start_date": timezone.localdate() - dt.timedelta(days=30),
    }
    values.update(overrides)
    return HireData(**values)


def hire(by: Any, institution: Any, **overrides: Any) -> HireResult:
    return staff_hire(by=by, institution_id=institution.pk, data=hire_data(**overrides))
