"""What the public sees (信息公示): filed institutions only, and of them only public fields.

No login and no viewer: visibility here is a fixed rule, not a jurisdiction. ``public_institutions`` is the
one queryset every public list (page, CSV, JSON, API) reads, and ``public_record`` is the one place that
decides which fields are public — in particular that a home childcare point (家庭托育点) shows only its
street-level location: no street address, no coordinates, no phone (as Ofsted and California withhold the
addresses of childminders who care for children in their homes) — and that a centre's mobile number (a
person's) shows masked, its landline (the business number) in full.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from tuoyu.core.masking import mask_phone
from tuoyu.core.scoping import prefix_q
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.institutions.models import (
    FilingStatus,
    Institution,
    InstitutionKind,
    LegalPersonKind,
    ServiceType,
)
from tuoyu.regions.models import Region, RegionLevel

SCHEMA_VERSION = "1"


# Sort keys a visitor may ask for (a whitelist: the public list declares them, with their labels, as its sort
# choices in disclosure.lists; anything else is refused there).
SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("name", "id"),
    "capacity": (F("capacity").asc(nulls_last=True), "name", "id"),
    "-capacity": (F("capacity").desc(nulls_last=True), "name", "id"),
    "filed_on": (F("filed_at").asc(nulls_last=True), "id"),
    "-filed_on": (F("filed_at").desc(nulls_last=True), "-id"),
}
DEFAULT_SORT = "-filed_on"
SERVICE_TYPES = [t.value for t in ServiceType]


def region_by_code(code: str) -> Region | None:
    """The region with this GB/T 2260 code (any level), or None."""
    if not code or not code.isdigit() or len(code) > 12:
        return None
    return Region.objects.filter(code=code).first()


# The columns a public record reads (``public_record``): the others — in particular the legal representative's
# and the director's ID numbers, sealed columns the public never sees — are neither loaded nor decrypted.
PUBLIC_COLUMNS = (
    "id",
    "name",
    "uscc",
    "kind",
    "legal_person_kind",
    "is_for_profit",
    "is_public",
    "is_affordable",
    "region",
    "address",
    "latitude",
    "longitude",
    "phone",
    *(f"offers_{t.value}" for t in ServiceType),
    "min_age_months",
    "max_age_months",
    "capacity",
    "opening_hours",
    "serves_meals",
)


def _initial_filings() -> QuerySet[Filing]:
    return Filing.objects.filter(kind=FilingKind.INITIAL, state=FilingState.ACCEPTED)


def public_institutions(*, filters: dict[str, Any] | None = None) -> QuerySet[Institution]:
    """Filed institutions with their region chain, filtered and sorted; only the public columns are loaded.
    The filing-date sort reads the stored ``Institution.filed_at`` (set by filing_accept, indexed with the
    filing status); the filing numbers and dates shown are read for the page's rows only (``public_records``).

    ``filters`` (all optional, already validated): ``q`` (name contains), ``region`` (a Region, any level:
    its descendants match), ``service_type``, ``affordable``, ``kind``, ``age`` (months), ``min_capacity``,
    ``sort`` (a key of SORTS).
    """
    f = filters or {}
    sort = f.get("sort") or DEFAULT_SORT
    qs = (
        Institution.objects.filter(filing_status=FilingStatus.FILED)
        .select_related("region__parent__parent__parent")
        .only(*PUBLIC_COLUMNS)
    )
    return narrow(qs, f).order_by(*SORTS[sort])


def narrow(qs: QuerySet[Institution], f: dict[str, Any]) -> QuerySet[Institution]:
    """The public filters (validated: see ``public_institutions``) applied to ``qs``, in the same query."""
    if f.get("q"):
        qs = qs.filter(name__contains=f["q"])
    region = f.get("region")
    if region is not None:
        qs = qs.filter(prefix_q("region_prefix", [region.prefix]))
    if f.get("service_type") in SERVICE_TYPES:
        qs = qs.filter(**{f"offers_{f['service_type']}": True})
    if f.get("affordable") is not None:
        qs = qs.filter(is_affordable=f["affordable"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("age") is not None:
        qs = qs.filter(min_age_months__lte=f["age"], max_age_months__gte=f["age"])
    if f.get("min_capacity") is not None:
        qs = qs.filter(capacity__gte=f["min_capacity"])
    return qs


def public_institution_get(*, institution_id: int) -> Institution:
    """One filed institution, or 404 — for a registered, cancelled or missing one alike."""
    institution = public_institutions().filter(pk=institution_id).first()
    if institution is None:
        raise Http404
    return institution


def _initial_filing_facts(ids: list[int]) -> dict[int, tuple[str, dt.datetime | None]]:
    """Each institution's latest accepted initial filing: (number, decided_at), in one query."""
    facts: dict[int, tuple[str, dt.datetime | None]] = {}
    rows = (
        _initial_filings()
        .filter(institution_id__in=ids)
        .order_by("institution_id", "-decided_at", "-id")
        .values_list("institution_id", "number", "decided_at")
    )
    for institution_id, number, decided_at in rows:
        facts.setdefault(institution_id, (number, decided_at))
    return facts


def public_records(institutions: Iterable[Institution]) -> list[PublicRecord]:
    """The public records of some institutions (from ``public_institutions``), their filing numbers and
    dates read in one query."""
    institutions = list(institutions)
    facts = _initial_filing_facts([i.pk for i in institutions])
    return [public_record(i, facts.get(i.pk, ("", None))) for i in institutions]


def iter_public_records(qs: QuerySet[Institution], chunk_size: int = 1000) -> Iterable[PublicRecord]:
    """Every institution of the queryset as a public record, a chunk at a time (the open-data files)."""
    chunk: list[Institution] = []
    for institution in qs.iterator(chunk_size=chunk_size):
        chunk.append(institution)
        if len(chunk) == chunk_size:
            yield from public_records(chunk)
            chunk = []
    if chunk:
        yield from public_records(chunk)


def filter_regions() -> list[Region]:
    """The cities, counties and streets that hold at least one filed institution, in code order."""
    prefixes = set(
        Institution.objects.filter(filing_status=FilingStatus.FILED)
        .order_by()  # the model's ordering (name, id) would leak into DISTINCT: a row per institution
        .values_list("region_prefix", flat=True)
        .distinct()
    )
    wanted = {p[:n] for p in prefixes for n in (4, 6, 9) if len(p) >= n}
    return list(Region.objects.filter(prefix__in=wanted).exclude(level=RegionLevel.PROVINCE).order_by("code"))


def location_name(region: Region) -> str:
    """The region's place below the province: "株洲市 荷塘区 月塘街道" (the chain must be select_related)."""
    chain: list[Region] = []
    node: Region | None = region
    while node is not None and node.level != RegionLevel.PROVINCE:
        chain.append(node)
        node = node.parent
    return " ".join(r.name for r in reversed(chain))


@dataclass(frozen=True)
class PublicRecord:
    """One institution as the public sees it. The field names are the open-data schema (docs/open-data.md):
    fields may be added, never renamed or removed, without a new ``SCHEMA_VERSION``."""

    id: int
    name: str
    uscc: str
    kind: str
    kind_label: str
    legal_person_kind: str
    legal_person_kind_label: str
    is_for_profit: bool
    is_public: bool
    is_affordable: bool
    filing_number: str | None
    filed_on: dt.date | None
    region_code: str
    location: str
    address: str | None
    latitude: float | None
    longitude: float | None
    phone: str | None
    service_types: list[str] = field(default_factory=list)
    min_age_months: int | None = None
    max_age_months: int | None = None
    capacity: int | None = None
    opening_hours: str = ""
    serves_meals: bool = False


# The CSV's columns, in order (lists are joined with ";").
CSV_COLUMNS = [
    "id",
    "name",
    "uscc",
    "kind",
    "kind_label",
    "legal_person_kind",
    "legal_person_kind_label",
    "is_for_profit",
    "is_public",
    "is_affordable",
    "filing_number",
    "filed_on",
    "region_code",
    "location",
    "address",
    "latitude",
    "longitude",
    "phone",
    "service_types",
    "min_age_months",
    "max_age_months",
    "capacity",
    "opening_hours",
    "serves_meals",
]


@functools.lru_cache(maxsize=8)
def _labels(language: str | None) -> dict[str, str]:
    """Choice labels in one language, translated once (get_FOO_display per row costs a millisecond)."""
    return {str(v): str(label) for v, label in [*InstitutionKind.choices, *LegalPersonKind.choices]}


def _coordinate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def public_record(
    institution: Institution, initial: tuple[str, dt.datetime | None] | None = None
) -> PublicRecord:
    """The public fields of a filed institution (from ``public_institutions``) and its initial filing's
    (number, decided_at) — read here when not given (one institution). A home childcare point keeps its
    street-level location only: address, coordinates and phone are None."""
    if initial is None:
        initial = _initial_filing_facts([institution.pk]).get(institution.pk, ("", None))
    home = institution.kind == InstitutionKind.HOME_POINT
    labels = _labels(get_language())
    filing_number, filed_at = initial
    return PublicRecord(
        id=institution.pk,
        name=institution.name,
        uscc=institution.uscc,
        kind=institution.kind,
        kind_label=labels.get(institution.kind, institution.kind),
        legal_person_kind=institution.legal_person_kind,
        legal_person_kind_label=labels.get(institution.legal_person_kind, institution.legal_person_kind),
        is_for_profit=institution.is_for_profit,
        is_public=institution.is_public,
        is_affordable=institution.is_affordable,
        filing_number=filing_number or None,
        filed_on=timezone.localdate(filed_at) if filed_at else None,
        region_code=institution.region_id,
        location=location_name(institution.region),
        address=None if home else (institution.address or None),
        latitude=None if home else _coordinate(institution.latitude),
        longitude=None if home else _coordinate(institution.longitude),
        phone=None if home else (mask_phone(institution.phone) or None),
        service_types=[t.value for t in ServiceType if getattr(institution, f"offers_{t.value}")],
        min_age_months=institution.min_age_months,
        max_age_months=institution.max_age_months,
        capacity=institution.capacity,
        opening_hours=institution.opening_hours,
        serves_meals=institution.serves_meals,
    )


def csv_row(record: PublicRecord) -> list[Any]:
    values = vars(record)
    row: list[Any] = []
    for column in CSV_COLUMNS:
        value = values[column]
        if isinstance(value, list):
            value = ";".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        row.append(value)
    return row


def json_record(record: PublicRecord) -> dict[str, Any]:
    data = dict(vars(record))
    data["filed_on"] = record.filed_on.isoformat() if record.filed_on else None
    return data
