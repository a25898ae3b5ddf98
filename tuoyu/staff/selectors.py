"""Reads of the staff register, always through core.scoping: what a viewer may see, nothing else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from tuoyu.accounts.models import Role
from tuoyu.accounts.scoping import institution_ids
from tuoyu.core.dates import add_months
from tuoyu.core.scoping import get_scoped_or_404, prefix_q, scoped
from tuoyu.institutions.models import CareClass, Institution
from tuoyu.staff.models import (
    HEALTH_CERTIFICATE_MONTHS,
    BackgroundCheck,
    Certificate,
    CheckKind,
    ClassAssignment,
    Employment,
    HealthCertificate,
    Person,
)

EXPIRING_DAYS = 30


def own_institution_ids(user: Any) -> list[int]:
    """The institutions whose admin the user is (their roster is theirs to keep)."""
    return institution_ids(user, {Role.INSTITUTION_ADMIN})


def staff_of(*, viewer: Any, institution: Institution, include_ended: bool = False) -> QuerySet[Employment]:
    """The employments of an institution the viewer may see, people and certificates prefetched."""
    qs = scoped(viewer, "view", Employment).filter(institution=institution)
    if not include_ended:
        qs = qs.filter(end_date__isnull=True)
    return (
        qs.select_related("person", "institution")
        .prefetch_related(
            Prefetch(
                "person__health_certificates", queryset=HealthCertificate.objects.order_by("-issued_on")
            ),
            Prefetch("person__background_checks", queryset=BackgroundCheck.objects.all()),
        )
        .order_by("end_date", "person__name", "id")
    )


# The sealed columns a roster row never shows (read, they would be decrypted per row for nothing).
SEALED_PERSON = ("person__id_number", "person__phone")


def roster_of(*, viewer: Any, institution: Institution) -> QuerySet[Employment]:
    """The roster's employments (its page and its API), ended ones too: each with its person's name but not
    the sealed ID number and phone (never shown there), and what its warnings need computed by the database
    — the latest health examination day (``health_issued_on``) and, per background check kind, whether one
    is on file (``has_<kind>``) — so a page of rows is one query, no prefetch."""
    latest = (
        HealthCertificate.objects.filter(person_id=OuterRef("person_id"))
        .order_by("-issued_on")
        .values("issued_on")[:1]
    )
    checks = {
        f"has_{k.value}": Exists(
            BackgroundCheck.objects.filter(person_id=OuterRef("person_id"), kind=k.value)
        )
        for k in CheckKind
    }
    return (
        scoped(viewer, "view", Employment)
        .filter(institution=institution)
        .select_related("person")
        .defer(*SEALED_PERSON)
        .annotate(health_issued_on=Subquery(latest), **checks)
        .order_by("end_date", "person__name", "id")
    )


@dataclass
class RosterRow:
    employment: Employment
    health_expires_on: dt.date | None
    health_expired: bool
    health_expiring: bool
    missing_checks: list[str] = field(default_factory=list)
    # The page's texts (staff.lists fills them once per row, for its row template).
    health_text: str = ""
    missing_texts: list[str] = field(default_factory=list)

    @property
    def person(self) -> Person:
        return self.employment.person


def roster(
    *,
    viewer: Any,
    institution: Institution,
    on: dt.date | None = None,
    employments: Iterable[Employment] | None = None,
) -> list[RosterRow]:
    """The roster with its warnings: health certificate expired or expiring within 30 days (or none),
    background checks missing (both kinds are required). ``employments``: one page of ``staff_of``."""
    on = on or timezone.localdate()
    if employments is None:
        employments = staff_of(viewer=viewer, institution=institution, include_ended=True)
    return [roster_row(employment, on) for employment in employments]


def roster_row(employment: Employment, on: dt.date) -> RosterRow:
    """One employment's roster warnings, from what ``roster_of`` annotated or ``staff_of`` prefetched (no
    query either way)."""
    if hasattr(employment, "health_issued_on"):  # roster_of
        issued = employment.health_issued_on
        expires = HealthCertificate.expiry_for(issued) if issued else None
        kinds = {k.value for k in CheckKind if getattr(employment, f"has_{k.value}")}
    else:
        person = employment.person
        latest = next(iter(person.health_certificates.all()), None)
        expires = latest.expires_on if latest else None
        kinds = {c.kind for c in person.background_checks.all()}
    return RosterRow(
        employment=employment,
        health_expires_on=expires,
        health_expired=expires is None or expires < on,
        health_expiring=expires is not None and on <= expires <= on + dt.timedelta(days=EXPIRING_DAYS),
        missing_checks=[str(k.label) for k in CheckKind if k.value not in kinds],
    )


def person_get(*, viewer: Any, person_id: int, action: str = "view") -> Person:
    return get_scoped_or_404(viewer, action, Person, pk=person_id)


def employments_of(*, viewer: Any, person: Person) -> QuerySet[Employment]:
    return (
        scoped(viewer, "view", Employment)
        .filter(person=person)
        .select_related("institution")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ClassAssignment.objects.select_related("care_class").order_by(
                    "end_date", "-start_date"
                ),
            )
        )
        .order_by("end_date", "-start_date")
    )


@dataclass
class Expiring:
    person: Person
    what: str
    expires_on: dt.date


def expiring_certificates(
    *, viewer: Any, institution: Institution, within_days: int = EXPIRING_DAYS, on: dt.date | None = None
) -> list[Expiring]:
    """Certificates and health certificates of the institution's active staff that expire within the
    window (already expired ones are not "expiring": the roster shows them as expired)."""
    on = on or timezone.localdate()
    until = on + dt.timedelta(days=within_days)
    active = scoped(viewer, "view", Employment).filter(institution=institution, end_date__isnull=True)
    found: list[Expiring] = []
    for c in (
        scoped(viewer, "view", Certificate)
        .filter(person_id__in=active.values("person_id"), expires_on__gte=on, expires_on__lte=until)
        .select_related("person")
        .only("kind", "expires_on", "person__name")  # the box shows names only: nothing sealed is read
    ):
        found.append(Expiring(person=c.person, what=c.get_kind_display(), expires_on=c.expires_on))
    # Each active employment's person with the day of their latest health examination (a subquery, as on
    # the roster: a person the viewer sees the employment of is a person they see).
    latest = (
        HealthCertificate.objects.filter(person_id=OuterRef("person_id"))
        .order_by("-issued_on")
        .values("issued_on")[:1]
    )
    # Only examinations that may still be valid on ``on``; the week's slack covers the month-end clamping.
    recent = add_months(on, -HEALTH_CERTIFICATE_MONTHS) - dt.timedelta(days=7)
    health = str(HealthCertificate._meta.verbose_name)
    for e in (
        active.select_related("person")
        .only("person__name")
        .annotate(health_issued_on=Subquery(latest))
        .filter(health_issued_on__gte=recent)
    ):
        expires = HealthCertificate.expiry_for(e.health_issued_on)
        if on <= expires <= until:
            found.append(Expiring(person=e.person, what=health, expires_on=expires))
    return sorted(found, key=lambda e: (e.expires_on, e.person.name))


def classes_of(user: Any, *, on: dt.date | None = None) -> QuerySet[CareClass]:
    """The active classes of the caregiver whose own account is ``user`` (a caregiver sees only these)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return CareClass.objects.none()
    on = on or timezone.localdate()
    return (
        CareClass.objects.filter(
            assignments__employment__person__user=user,
            assignments__employment__end_date__isnull=True,
            assignments__start_date__lte=on,
            assignments__end_date__isnull=True,
            closed_on__isnull=True,
        )
        .distinct()
        .order_by("name")
    )


ROSTER_READERS = {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}


def _roster_institutions_q(viewer: Any) -> Q | None:
    from tuoyu.accounts.scoping import region_prefixes

    q = prefix_q("region_prefix", region_prefixes(viewer, ROSTER_READERS))
    own = own_institution_ids(viewer)
    if own:
        q = Q(pk__in=own) if q is None else q | Q(pk__in=own)
    return q


def roster_institutions(*, viewer: Any) -> QuerySet[Institution]:
    """The institutions whose roster the viewer reads: their own (admin) or those of their region."""
    q = _roster_institutions_q(viewer)
    if q is None:
        return Institution.objects.none()
    return scoped(viewer, "view", Institution).filter(q).select_related("region").order_by("name", "id")


def roster_institution(*, viewer: Any, institution_id: int) -> Institution:
    """One institution whose roster the viewer reads, or 404 (a staff member of it reads only themself)."""
    q = _roster_institutions_q(viewer)
    qs = Institution.objects.filter(q) if q is not None else Institution.objects.none()
    return get_scoped_or_404(viewer, "view", qs.select_related("region"), pk=institution_id)


def certificate_get(*, viewer: Any, certificate_id: int, action: str = "view") -> Certificate:
    return get_scoped_or_404(viewer, action, Certificate, pk=certificate_id)
