"""Writes of the compliance engine: the stored ``ComplianceResult`` of each filed institution.

``reevaluate`` runs after a change to an evaluated input (a filing accepted; a room, class, employment,
certificate, check, enrolment, child or ban saved or deleted — see ``signals.py``), once per institution per
transaction; ``evaluate_all`` runs nightly from ``tuoyu tick`` over every filed institution in batches.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from tuoyu.audit.services import audit_record
from tuoyu.institutions.models import FilingStatus, Institution
from tuoyu.standards.engine import Evaluation, evaluate, evaluate_loaded, loaded
from tuoyu.standards.models import ComplianceResult

__all__ = ["evaluate", "evaluate_all", "reevaluate", "reevaluate_on_commit", "reevaluation_deferred"]

BATCH = 500
logger = logging.getLogger(__name__)
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


def _flush(connection: BaseDatabaseWrapper) -> None:
    """Evaluate the institutions the committed transaction changed, each once. The first of a transaction's
    callbacks does the work; the ones after it find nothing left."""
    ids: set[int] = getattr(connection, "_tuoyu_compliance_pending", set())
    connection._tuoyu_compliance_pending = set()
    for institution_id in sorted(ids):
        try:
            reevaluate(institution_id)
        except Exception:  # one institution's failure must not keep the others stale
            logger.exception("compliance re-evaluation of institution %s failed", institution_id)


def reevaluate_on_commit(*institution_ids: int | None) -> None:
    """Re-evaluate after the surrounding transaction commits (the change is then visible and final), each
    institution once however many of its rows the transaction saved: enrolling 15 children in one import is
    one evaluation, not 15. Outside a transaction it runs at once. Robust: a failure is logged and never undoes
    or fails the change that triggered it (the nightly run repairs it)."""
    ids = {i for i in institution_ids if i is not None}
    if not ids:
        return
    collecting = getattr(_deferred, "ids", None)
    if collecting is not None:
        collecting.update(ids)
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "_tuoyu_compliance_pending", None)
    if pending is None:
        pending = connection._tuoyu_compliance_pending = set()
    pending.update(ids)
    # One callback per call (Django drops those of a rolled-back savepoint, so each must carry its own): the
    # first to run evaluates everything pending. Ids left by a rolled-back transaction are evaluated with the
    # next commit, which costs an evaluation and changes nothing.
    transaction.on_commit(partial(_flush, connection), robust=True)


_deferred = threading.local()


@contextmanager
def reevaluation_deferred() -> Iterator[None]:
    """For bulk jobs that commit many small transactions (the demo's hires, each screened against the ban
    list in its own transaction): collect the institutions they change and evaluate each once when the block
    ends. After an exception nothing is evaluated here; the nightly run repairs it."""
    if getattr(_deferred, "ids", None) is not None:  # nested: the outer block evaluates
        yield
        return
    _deferred.ids = set()
    try:
        yield
        ids = sorted(_deferred.ids)
    finally:
        _deferred.ids = None
    for institution_id in ids:
        reevaluate(institution_id)


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
