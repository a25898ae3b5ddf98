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
from tuoyu.standards.catalogue import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    RULES,
    SEVERITY_WEIGHTS,
    STATUSES,
    WARN,
    Context,
    Outcome,
    params_for,
)


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
    """Institutions with their region, rooms, classes (with their enrolments), active employments (with
    each person's health certificates and background checks) and the accepted initial filing (with its
    materials): a fixed number of prefetch queries for any number of institutions."""
    from tuoyu.children.models import Enrollment
    from tuoyu.staff.models import Employment

    qs = qs if qs is not None else Institution.objects.all()
    since = timezone.localdate() - dt.timedelta(days=366)  # enrolments that can still count on a recent day
    classes = CareClass.objects.order_by("name", "id").prefetch_related(
        Prefetch(
            "enrollments",
            queryset=Enrollment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=since)),
            to_attr="standard_enrollments",
        )
    )
    return qs.select_related("region").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("floor", "name", "id"), to_attr="standard_rooms"),
        Prefetch("classes", queryset=classes, to_attr="standard_classes"),
        Prefetch(
            "employments",
            queryset=Employment.objects.filter(end_date__isnull=True)
            .select_related("person")
            .prefetch_related("person__health_certificates", "person__background_checks")
            .order_by("person__name", "id"),
            to_attr="standard_employments",
        ),
        Prefetch(
            "filings",
            queryset=Filing.objects.filter(kind=FilingKind.INITIAL, state=FilingState.ACCEPTED)
            .order_by("-decided_at", "-id")
            .prefetch_related("materials"),
            to_attr="standard_filings",
        ),
    )


def evaluate_loaded(institution: Institution, *, on: dt.date | None = None) -> Evaluation:
    """Run every rule on an institution that came from ``loaded()``."""
    on = on or timezone.localdate()
    ctx = Context(
        institution=institution,
        rooms=list(institution.standard_rooms),
        classes=list(institution.standard_classes),
        employments=list(institution.standard_employments),
        accepted_initial=next(iter(institution.standard_filings), None),
        on=on,
    )
    prefix = institution.region_prefix
    outcomes = [rule.check(ctx, params_for(rule, prefix)) for rule in RULES]
    return Evaluation(institution=institution, on=on, outcomes=outcomes)


def evaluate(institution: Institution | int, *, on: dt.date | None = None) -> Evaluation:
    """Evaluate one institution (an instance or a primary key), loading it afresh with what the rules read."""
    pk = institution if isinstance(institution, int) else institution.pk
    return evaluate_loaded(loaded().get(pk=pk), on=on)


def evaluate_many(institutions: Iterable[Institution], *, on: dt.date | None = None) -> list[Evaluation]:
    return [evaluate_loaded(i, on=on) for i in institutions]
