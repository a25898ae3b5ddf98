"""Test helpers for filings: a complete, valid 备案书, a one-call way to fill it, and a filed institution."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.accounts.models import User
from tuoyu.filings import services
from tuoyu.filings.models import Filing
from tuoyu.institutions.models import Institution

DIRECTOR_ID = "11010519491231002X"  # GB 11643's worked example: a valid check character

FORM: dict[str, dict[str, Any]] = {
    "director": {
        "director_name": "李静",
        "director_id_number": DIRECTOR_ID,
        "director_education": "bachelor",
        "director_management_years": 6,
        "director_training_certificate": "TY2024-0001",
    },
    "services": {
        "offers_full_day": True,
        "offers_half_day": True,
        "offers_hourly": False,
        "offers_temporary": False,
        "min_age_months": 12,
        "max_age_months": 36,
        "capacity": 60,
        "opening_hours": "周一至周五 7:30-17:30",
    },
    "meals": {"serves_meals": False, "food_licence_number": "", "food_licence_date": None},
    "premises": {
        "premises_tenure": "leased",
        "lease_start": dt.date(2025, 1, 1),
        "lease_end": dt.date(2030, 12, 31),
        "floors_used": "1-2",
        "uses_basement": False,
        "indoor_area_m2": Decimal("420.0"),
        "outdoor_area_m2": Decimal("120.0"),
        "uses_public_outdoor_space": False,
        "has_observation_room": True,
    },
    "surveillance": {
        "camera_count": 16,
        "cameras_cover_entrances": True,
        "cameras_cover_children_areas": True,
        "recording_retention_days": 90,
        "surveillance_attested": True,
    },
    "insurance": {"has_liability_insurance": True, "insurance_policy_number": "PZA2026-0001"},
}


def form(**groups: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The complete form, with the given groups' fields overridden: ``form(meals={"serves_meals": True})``."""
    out = copy.deepcopy(FORM)
    for key, values in groups.items():
        out[key] = {**out[key], **values}
    return out


def fill_form(by: User, filing: Filing, **groups: dict[str, Any]) -> Filing:
    """Fill the initial filing's 备案书 through the service (as the institution's admin would)."""
    return services.filing_form_set(by=by, filing_id=filing.pk, form=form(**groups))


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, (dt.date, Decimal)) else value


def form_json(**groups: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The form as an API body's ``form`` (dates and decimals as text)."""
    return {key: {n: _plain(v) for n, v in values.items()} for key, values in form(**groups).items()}


def form_post(**groups: dict[str, Any]) -> dict[str, Any]:
    """The form as the web page posts it: text values, a ticked box as "on", an unticked one left out."""
    data: dict[str, Any] = {}
    for values in form(**groups).values():
        for name, value in values.items():
            if value is True:
                data[name] = "on"
            elif value is not False:
                data[name] = "" if value is None else str(value)
    return data


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    """A tiny real PDF, as a filing's material is uploaded."""
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file_and_accept(
    institution: Institution, admin: User, reviewer: User, **groups: dict[str, Any]
) -> Filing:
    """The institution's initial filing, filled, with every required material, submitted by its admin and
    accepted by the county reviewer — through the services, as they would in the browser."""
    services_form = {"capacity": institution.capacity or 60, **groups.pop("services", {})}
    filing = services.filing_start(by=admin, institution_id=institution.pk)
    filing = fill_form(admin, filing, services=services_form, **groups)
    for kind in services.required_materials(filing):
        services.filing_attach(by=admin, filing_id=filing.pk, kind=kind, upload=pdf())
    filing = services.filing_submit(
        by=admin, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    return services.filing_accept(by=reviewer, filing_id=filing.pk, version=filing.version)
