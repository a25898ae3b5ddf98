"""The compliance engine's nightly evaluation of every filed institution."""

from __future__ import annotations

from typing import Any

from tuoyu.core.progress import Progress
from tuoyu.core.registry import job
from tuoyu.standards.services import evaluate_all


def _evaluate(out: Any) -> str:
    bar = Progress("tick", out)
    compliance = evaluate_all(progress=lambda done, total: bar("compliance", done, total))
    return f"compliance: evaluated {compliance.evaluated} filed institutions in {compliance.seconds:.1f} s"


job(name="compliance", order=40, run=_evaluate)
