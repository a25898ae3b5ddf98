"""Staff indicators for regulators (从业人员指标): three shares of the staff employed on a day, by institution
and by region.

- 持证上岗率 (certified-staff rate): of the active employments in a post that needs a qualification, those
  whose person holds a current certificate (issued on or before the day, not expired) of a kind accepted for
  *every* such post they hold. Posts and accepted kinds are the one table ``staff.models.POST_CERTIFICATES``, which
  the compliance rules STF-02 and STF-04 read too:

  ========== ===================================================================
  保育人员    保育师, 育婴员, 教师资格
  保健人员    保健员培训（妇幼保健机构）
  保安        保安员证
  负责人      any of the above, or “其他” — where the director's training certificate (托育机构负责人培训)
              is recorded, the register having no kind of its own for it
  ========== ===================================================================

  Cooks and “other” posts need no qualification certificate: an employment holding only those is not
  counted in this rate (neither numerator nor denominator).
- 健康证有效率 (health-certificate validity): of all active employments, those whose person has a health
  certificate valid on the day (12 months from the examination).
- 背景审查覆盖率 (background-check coverage): of all active employments, those whose person has both a clear
  no-criminal-record certificate and a clear sexual-offence record query, and no check that found a record.

An employment is active on a day when it started on or before it and has not ended by then (an employment
ended today no longer counts). A person employed by two institutions counts in each.

Every figure is a numerator and a denominator, computed in SQL: one grouped query with ``Exists``
subqueries and filtered counts (by institution, or by the region prefix cut to the length of the child
regions' prefixes), never a loop over people — so a city's 40,000 staff are a handful of queries. A rate
with no denominator is shown as “—”, never divided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast, Substr
from django.db.models.lookups import Contains
from django.http import Http404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from tuoyu.accounts.scoping import region_prefixes
from tuoyu.core.excel import Column, Kind, Sheet
from tuoyu.core.scoping import scoped
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.staff.models import (
    POST_CERTIFICATES,
    BackgroundCheck,
    Certificate,
    CheckKind,
    CheckResult,
    Employment,
    HealthCertificate,
)
from tuoyu.staff.selectors import ROSTER_READERS


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)

    def __str__(self) -> str:
        return "—" if self.percent is None else f"{self.percent:.1f}%"

    def __sub__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator - other.numerator, self.denominator - other.denominator)


@dataclass(frozen=True)
class Figures:
    staff: int
    certified: Ratio  # 持证上岗率
    health: Ratio  # 健康证有效率
    background: Ratio  # 背景审查覆盖率

    def __sub__(self, other: Figures) -> Figures:
        return Figures(
            self.staff - other.staff,
            self.certified - other.certified,
            self.health - other.health,
            self.background - other.background,
        )


EMPTY = Figures(0, Ratio(0, 0), Ratio(0, 0), Ratio(0, 0))


def _holds(role: str) -> Contains:
    # ``roles`` is a JSON list; its text form holds each post as a quoted string ("caregiver") on SQLite and
    # PostgreSQL alike, and no post's code is part of another's.
    return Contains(Cast("roles", output_field=TextField()), f'"{role}"')


def _aggregates(on: dt.date) -> dict[str, Any]:
    person = OuterRef("person_id")
    current = Q(issued_on__lte=on) & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    needs = Q()
    qualified = Q()
    for role, kinds in POST_CERTIFICATES.items():
        has = Exists(Certificate.objects.filter(current, person=person, kind__in=kinds))
        needs |= Q(_holds(role))
        qualified &= ~Q(_holds(role)) | Q(has)
    health = Exists(
        HealthCertificate.objects.filter(
            person=person, issued_on__lte=on, issued_on__gte=HealthCertificate.issued_since(on)
        )
    )
    checks = BackgroundCheck.objects.filter(person=person, checked_on__lte=on)
    background = (
        Q(Exists(checks.filter(kind=CheckKind.NO_CRIMINAL_RECORD, result=CheckResult.CLEAR)))
        & Q(Exists(checks.filter(kind=CheckKind.SEXUAL_OFFENCE, result=CheckResult.CLEAR)))
        & ~Q(Exists(checks.filter(result=CheckResult.FOUND)))
    )
    return {
        "staff": Count("pk"),
        "needs": Count("pk", filter=needs),
        "certified": Count("pk", filter=needs & qualified),
        "health": Count("pk", filter=Q(health)),
        "background": Count("pk", filter=background),
    }


def _figures(row: dict[str, Any]) -> Figures:
    staff = row["staff"]
    return Figures(
        staff=staff,
        certified=Ratio(row["certified"], row["needs"]),
        health=Ratio(row["health"], staff),
        background=Ratio(row["background"], staff),
    )


def active_employments(*, viewer: Any, on: dt.date) -> QuerySet[Employment]:
    """The employments active on ``on`` that the viewer may see (core.scoping)."""
    return scoped(viewer, "view", Employment).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on), start_date__lte=on
    )


def _grouped(employments: QuerySet[Employment], key: Any, on: dt.date) -> dict[Any, Figures]:
    rows = employments.values(key=key).annotate(**_aggregates(on)).order_by()
    return {row["key"]: _figures(row) for row in rows}


def _total(employments: QuerySet[Employment], on: dt.date) -> Figures:
    row = employments.aggregate(**_aggregates(on))
    return _figures(row)


# --- who may read, and where ---------------------------------------------------------------------------


def reader_prefixes(viewer: Any) -> list[str]:
    """The region prefixes whose indicators the viewer reads: the health bureau and partner inspectors of
    a region (the readers of its rosters). Institution admins read their own roster instead: none here."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    return region_prefixes(viewer, ROSTER_READERS)


def is_reader(viewer: Any) -> bool:
    return bool(reader_prefixes(viewer))


def own_regions(viewer: Any) -> list[Region]:
    """The regions of the viewer's reader memberships (the tops of their jurisdiction), by code."""
    regions = {
        m.region.code: m.region
        for m in viewer.active_memberships()
        if m.role in ROSTER_READERS and m.region_id
    }
    return [regions[c] for c in sorted(regions)]


def region_for(*, viewer: Any, code: str = "") -> Region:
    """The region the viewer reads: ``code`` inside their jurisdiction, else (no code) their own first
    region. 404 for a reader's region outside it, an unknown code, and anyone who is not a reader."""
    prefixes = reader_prefixes(viewer)
    if not prefixes:
        raise Http404
    if not code:
        return own_regions(viewer)[0]
    if len(code) > 12 or not code.isdigit():
        raise Http404
    region = Region.objects.filter(code=code).first()
    if region is None or not any(region.prefix.startswith(p) for p in prefixes):
        raise Http404
    return region


# --- the indicators -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionRow:
    region: Region | None  # None: institutions placed in the region itself, not in one of its children
    figures: Figures


@dataclass(frozen=True)
class RegionIndicators:
    region: Region
    on: dt.date
    total: Figures
    children: list[RegionRow]
    ancestors: list[Region]


def region_indicators(*, viewer: Any, region: Region, on: dt.date | None = None) -> RegionIndicators:
    """The region's figures and those of each child region (rolled up by prefix in SQL)."""
    on = on or timezone.localdate()
    employments = active_employments(viewer=viewer, on=on).filter(
        institution__region_prefix__startswith=region.prefix
    )
    total = _total(employments, on)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    by_prefix: dict[str, Figures] = {}
    for length in sorted({len(c.prefix) for c in children}):
        by_prefix.update(_grouped(employments, Substr("institution__region_prefix", 1, length), on))
    rows = [RegionRow(c, by_prefix.get(c.prefix, EMPTY)) for c in children]
    rest = total
    for row in rows:
        rest = rest - row.figures
    if rest.staff:
        rows.append(RegionRow(None, rest))
    prefixes = reader_prefixes(viewer)
    ancestors = [a for a in region.ancestors() if any(a.prefix.startswith(p) for p in prefixes)]
    return RegionIndicators(region=region, on=on, total=total, children=rows, ancestors=ancestors)


def institutions_in(*, viewer: Any, region: Region) -> QuerySet[Institution]:
    """The institutions of the region the viewer reads, in a stable order for paging."""
    return (
        scoped(viewer, "view", Institution)
        .filter(region_prefix__startswith=region.prefix)
        .select_related("region")
        .order_by("region_prefix", "name", "id")
    )


def institution_figures(
    *, viewer: Any, institutions: Iterable[Institution], on: dt.date | None = None
) -> list[tuple[Institution, Figures]]:
    """Each institution with its figures (one grouped query for all of them; no staff: all “—”)."""
    on = on or timezone.localdate()
    ids = institutions.values("pk") if isinstance(institutions, QuerySet) else [i.pk for i in institutions]
    employments = active_employments(viewer=viewer, on=on).filter(institution_id__in=ids)
    figures = _grouped(employments, F("institution_id"), on)
    return [(i, figures.get(i.pk, EMPTY)) for i in institutions]


# --- export -------------------------------------------------------------------------------------------


def _ratio_columns(key: str, title: Any) -> list[Column]:
    return [
        Column(f"{key}_rate", title),
        Column(f"{key}_numerator", format_lazy("{}（{}）", title, gettext_lazy("分子")), kind=Kind.INTEGER),
        Column(f"{key}_denominator", format_lazy("{}（{}）", title, gettext_lazy("分母")), kind=Kind.INTEGER),
    ]


EXPORT_SHEET = Sheet(
    name=gettext_lazy("从业人员指标"),
    max_rows=100_000,
    columns=[
        Column("institution", gettext_lazy("机构名称")),
        Column("uscc", gettext_lazy("统一社会信用代码")),
        Column("region", gettext_lazy("所在区划")),
        Column("region_code", gettext_lazy("区划代码")),
        Column("staff", gettext_lazy("在职人数"), kind=Kind.INTEGER),
        *_ratio_columns("certified", gettext_lazy("持证上岗率")),
        *_ratio_columns("health", gettext_lazy("健康证有效率")),
        *_ratio_columns("background", gettext_lazy("背景审查覆盖率")),
    ],
)


def export_rows(*, viewer: Any, region: Region, on: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per institution of the region (no personal data: counts only)."""
    rows = []
    institutions = institutions_in(viewer=viewer, region=region)
    for institution, f in institution_figures(viewer=viewer, institutions=institutions, on=on):
        row: dict[str, Any] = {
            "institution": institution.name,
            "uscc": institution.uscc,
            "region": institution.region.name,
            "region_code": institution.region_id,
            "staff": f.staff,
        }
        for key in ("certified", "health", "background"):
            ratio: Ratio = getattr(f, key)
            row[f"{key}_rate"] = str(ratio)
            row[f"{key}_numerator"] = ratio.numerator
            row[f"{key}_denominator"] = ratio.denominator
        rows.append(row)
    return rows
