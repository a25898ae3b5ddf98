"""What the compliance engine answers through ``core.registry`` for apps that must not import it (imported by
``StandardsConfig.ready``):

- ``rule_params(rule_id, region_prefix)`` (hook ``standards.rule_params``): a rule's parameters in force for a
  region — the filing form's SIT-01 lease minimum and RAT-02 home-point size, enrolment's CLS-04/05/06 and
  RAT-02 caps and ages — with the city's overrides.
- ``run_guards("filing.submit", filing, proposed=…, field=…)``: the blocking rules of a filing (``guards.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tuoyu.core import registry
from tuoyu.standards.guards import filing_guard
from tuoyu.standards.parameters import params_for
from tuoyu.standards.rules import RULES_BY_ID


@registry.answer("standards.rule_params")
def rule_params(rule_id: str, region_prefix: str) -> dict[str, Any]:
    return params_for(RULES_BY_ID[rule_id], region_prefix)


@registry.guard("filing.submit", name="standards.filing_guard")
def on_filing_submit(filing: Any, *, proposed: Mapping[str, Any], field: str) -> None:
    """An initial or change filing is refused by the rules that block it, on the institution as the
    filing's ``proposed`` values would make it."""
    filing_guard(filing.institution_id, proposed, field=field)
