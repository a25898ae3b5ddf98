"""Writes of the compliance engine: the stored ``ComplianceResult`` of each filed institution.

``reevaluate`` runs after a change to an evaluated input (a filing accepted, a room or class saved or
deleted); ``evaluate_all`` runs nightly from ``tuoyu tick`` over every filed institution in batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tuoyu.audit.services import audit_record
from tuoyu.institutions.models import FilingStatus, Institution
from tuoyu.standards.engine import Evaluation, evaluate, evaluate_loaded, loaded
from tuoyu.standards.models import ComplianceResult

__all__ = ["evaluate", "evaluate_all", "reevaluate", "reevaluate_on_commit"]

BATCH = 500
RESULT_FIELDS = [
    "region_prefix",
    "evaluated_at",
    "outcomes",
    "failures",
    "warnings",
    "not_applicable",
    "risk_score",
    "failing_rules",
]


def _result(evaluation: Evaluation, at: dt.datetime) -> ComplianceResult:
    return ComplianceResult(
        institution_id=evaluation.institution.pk,
        region_prefix=evaluation.institution.region_prefix,
        evaluated_at=at,
        outcomes=[o.as_dict() for o in evaluation.outcomes],
        failures=evaluation.failures,
        warnings=evaluation.warnings,
        not_applicable=evaluation.not_applicable,
        risk_score=evaluation.risk_score,
        failing_rules=(" " + " ".join(evaluation.failing_rules) + " ") if evaluation.failing_rules else "",
    )


def _save(results: list[ComplianceResult]) -> None:
    ComplianceResult.objects.bulk_create(
        results, update_conflicts=True, unique_fields=["institution"], update_fields=RESULT_FIELDS
    )


@transaction.atomic
def reevaluate(institution_id: int, *, on: dt.date | None = None) -> ComplianceResult | None:
    """Evaluate one institution again and store the result; an institution that is not (or no longer)
    filed has none. Audited when the outcome changed (risk score or the failing rules)."""
    institution = loaded(Institution.objects.filter(pk=institution_id)).first()
    if institution is None or institution.filing_status != FilingStatus.FILED:
        ComplianceResult.objects.filter(institution_id=institution_id).delete()
        return None
    previous = ComplianceResult.objects.filter(institution_id=institution_id).first()
    result = _result(evaluate_loaded(institution, on=on), timezone.now())
    _save([result])
    if previous is None or (previous.risk_score, previous.failing_rules) != (
        result.risk_score,
        result.failing_rules,
    ):
        audit_record(
            "compliance.reevaluated",
            obj=institution,
            before={"risk_score": previous.risk_score, "failing": previous.failing_rules.split()}
            if previous
            else None,
            after={"risk_score": result.risk_score, "failing": result.failing_rules.split()},
        )
    return ComplianceResult.objects.get(institution_id=institution_id)


def reevaluate_on_commit(institution_id: int) -> None:
    """Re-evaluate after the surrounding transaction commits (the change is then visible and final). Robust:
    a failure is logged and never undoes or fails the change that triggered it (the nightly run repairs it)."""
    transaction.on_commit(lambda: reevaluate(institution_id), robust=True)


@dataclass
class RunSummary:
    evaluated: int
    removed: int
    seconds: float


def evaluate_all(
    *,
    progress: Callable[[int, int], None] | None = None,
    on: dt.date | None = None,
    batch_size: int = BATCH,
) -> RunSummary:
    """Evaluate every filed institution in batches (five queries and one upsert per batch) and drop the
    results of institutions no longer filed. ``progress(done, total)`` is called after each batch."""
    started = timezone.now()
    ids = list(
        Institution.objects.filter(filing_status=FilingStatus.FILED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total, done = len(ids), 0
    for start in range(0, total, batch_size):
        chunk = ids[start : start + batch_size]
        at = timezone.now()
        with transaction.atomic():
            batch = loaded(Institution.objects.filter(pk__in=chunk).order_by("pk"))
            _save([_result(evaluate_loaded(i, on=on), at) for i in batch])
        done += len(chunk)
        if progress:
            progress(done, total)
    with transaction.atomic():
        removed, _ = ComplianceResult.objects.exclude(institution__filing_status=FilingStatus.FILED).delete()
        seconds = (timezone.now() - started).total_seconds()
        audit_record(
            "compliance.evaluated_all",
            object_type="standards.complianceresult",
            detail={"evaluated": total, "removed": removed, "seconds": round(seconds, 1)},
        )
    return RunSummary(evaluated=total, removed=removed, seconds=seconds)
