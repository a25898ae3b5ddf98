"""Evaluation: load an institution with everything the rules read in a fixed number of queries, then run
every rule of the catalogue with the parameters in force for its region."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.institutions.models import CareClass, Institution, Room
from tuoyu.standards.parameters import params_for
from tuoyu.standards.rules import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    RULES,
    SEVERITY_WEIGHTS,
    STATUSES,
    WARN,
    Context,
    Outcome,
    Rule,
)
from tuoyu.standards.rules.base import PERSON_RECORDS


@dataclass
class Evaluation:
    institution: Institution
    on: dt.date
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> int:
        return self.count(FAIL)

    @property
    def warnings(self) -> int:
        return self.count(WARN)

    @property
    def not_applicable(self) -> int:
        return self.count(NOT_APPLICABLE)

    @property
    def passes(self) -> int:
        return self.count(PASS)

    @property
    def risk_score(self) -> int:
        return sum(SEVERITY_WEIGHTS.get(o.severity, 0) for o in self.outcomes if o.status in (FAIL, WARN))

    @property
    def failing_rules(self) -> list[str]:
        return [o.rule_id for o in self.outcomes if o.status in (FAIL, WARN)]

    def grouped(self) -> list[tuple[str, list[Outcome]]]:
        return [(s, [o for o in self.outcomes if o.status == s]) for s in STATUSES]

    def outcome(self, rule_id: str) -> Outcome:
        return next(o for o in self.outcomes if o.rule_id == rule_id)


def loaded(qs: QuerySet[Institution] | None = None) -> QuerySet[Institution]:
    """Institutions with what the rules read, in a fixed number of prefetch queries for any number of
    institutions: the region; rooms; classes with their enrolments (and each child's birth date) and their
    caregivers' class assignments (with the employment); active employments with each person's health
    certificates, background checks, certificates and training records; the open ban alerts of employed
    people (BAN-01); and the accepted initial filing with its materials."""
    from tuoyu.bans.services import open_match_alerts
    from tuoyu.children.models import Enrollment
    from tuoyu.staff.models import ClassAssignment, Employment

    qs = qs if qs is not None else Institution.objects.all()
    since = timezone.localdate() - dt.timedelta(days=366)  # rows that can still count on a recent day
    recent = Q(end_date__isnull=True) | Q(end_date__gt=since)
    classes = CareClass.objects.order_by("name", "id").prefetch_related(
        Prefetch(
            "enrollments",
            # the child's birth date only: the encrypted ID number is not decrypted for the rules
            queryset=Enrollment.objects.filter(recent).select_related("child").defer("child__id_number"),
            to_attr="standard_enrollments",
        ),
        Prefetch(
            "assignments",
            queryset=ClassAssignment.objects.filter(recent, employment__end_date__isnull=True).select_related(
                "employment"
            ),
            to_attr="standard_assignments",
        ),
    )
    return qs.select_related("region").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("floor", "name", "id"), to_attr="standard_rooms"),
        Prefetch("classes", queryset=classes, to_attr="standard_classes"),
        Prefetch(
            "employments",
            queryset=Employment.objects.filter(end_date__isnull=True)
            .select_related("person")
            # The rules read a person's name and blind index, never the sealed ID number or phone: not
            # decrypting them saves two AES-GCM openings per employee (10,000 for a 5,000-row import).
            .defer("person__id_number", "person__phone")
            # Lists on each person (to_attr), not a related manager's queryset per person and relation:
            # that cost more than the four queries for a roster of thousands (an import's re-evaluation).
            .prefetch_related(
                *(Prefetch(f"person__{name}", to_attr=f"standard_{name}") for name in PERSON_RECORDS)
            )
            .order_by("person__name", "id"),
            to_attr="standard_employments",
        ),
        Prefetch("ban_alerts", queryset=open_match_alerts(), to_attr="standard_ban_alerts"),
        Prefetch(
            "filings",
            queryset=Filing.objects.filter(kind=FilingKind.INITIAL, state=FilingState.ACCEPTED)
            .order_by("-decided_at", "-id")
            .prefetch_related("materials"),
            to_attr="standard_filings",
        ),
    )


def context(institution: Institution, *, on: dt.date | None = None) -> Context:
    """What the rules read, for an institution that came from ``loaded()``."""
    return Context(
        institution=institution,
        rooms=list(institution.standard_rooms),
        classes=list(institution.standard_classes),
        employments=list(institution.standard_employments),
        ban_alerts=list(institution.standard_ban_alerts),
        accepted_initial=next(iter(institution.standard_filings), None),
        on=on or timezone.localdate(),
    )


def outcome(rule: Rule, ctx: Context) -> Outcome:
    """One rule's outcome, with the parameters in force for the institution's region."""
    return rule.check(ctx, params_for(rule, ctx.institution.region_prefix))


def evaluate_loaded(institution: Institution, *, on: dt.date | None = None) -> Evaluation:
    """Run every rule on an institution that came from ``loaded()``."""
    ctx = context(institution, on=on)
    return Evaluation(institution=institution, on=ctx.on, outcomes=[outcome(rule, ctx) for rule in RULES])


def evaluate(institution: Institution | int, *, on: dt.date | None = None) -> Evaluation:
    """Evaluate one institution (an instance or a primary key), loading it afresh with what the rules read."""
    pk = institution if isinstance(institution, int) else institution.pk
    return evaluate_loaded(loaded().get(pk=pk), on=on)


def evaluate_many(institutions: Iterable[Institution], *, on: dt.date | None = None) -> list[Evaluation]:
    return [evaluate_loaded(i, on=on) for i in institutions]
