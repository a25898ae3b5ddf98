"""The compliance rule catalogue (合规规则目录): each machine-checkable rule of the national standards as data
(id, titles, basis, confidence, severity, parameters) plus one ``check`` function, declared beside it in the
module of its topic:

- ``base.py``: what a rule is made of (``Rule``, ``Context``, ``Outcome``, the statuses, the sources cited);
- ``staffing.py`` STF-01…08, ``siting.py`` SIT-01…06, ``safety.py`` SAF-01/02, ``classes.py`` CLS-01…06,
  ``ratios.py`` RAT-01/02, ``bans.py`` BAN-01, ``filing.py`` FIL-01…03;
- the parameters' table and the cities' overrides: ``tuoyu/standards/parameters.py``.

A rule reads only the ``Context`` (an institution with its rooms, classes and accepted filings already
loaded) and returns an ``Outcome``: pass, fail, warn or not applicable — never a pass when its inputs are
missing.

``RULES`` below is the one list of every rule, in the order the engine evaluates them and the rule catalogue
page lists them. Adding a rule: in its topic's module write ``def _xxx(ctx, params) -> Outcome`` and declare
``XXX_NN = Rule(...)`` under it, load what it needs in ``engine.loaded`` (one prefetch, so the query count
stays fixed), and add it to ``RULES``. Evidence that lists several findings goes through ``_sentences``
(translatable separators), a list of names or ages through ``_series``.
"""

from __future__ import annotations

from tuoyu.standards import parameters
from tuoyu.standards.rules import bans, classes, filing, ratios, safety, siting, staffing
from tuoyu.standards.rules.base import (
    BLOCK,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    SEVERITY_FAIL,
    SEVERITY_WARN,
    SEVERITY_WEIGHTS,
    STATUSES,
    WARN,
    Check,
    Context,
    Outcome,
    Rule,
)

__all__ = [
    "BLOCK",
    "FAIL",
    "NOT_APPLICABLE",
    "PASS",
    "RULES",
    "RULES_BY_ID",
    "SEVERITY_FAIL",
    "SEVERITY_WARN",
    "SEVERITY_WEIGHTS",
    "STATUSES",
    "WARN",
    "Check",
    "Context",
    "Outcome",
    "Rule",
]

RULES: list[Rule] = [
    staffing.STF_01,
    siting.SIT_01,
    siting.SIT_02,
    siting.SIT_03,
    siting.SIT_04,
    siting.SIT_05,
    siting.SIT_06,
    safety.SAF_01,
    safety.SAF_02,
    classes.CLS_05,
    staffing.STF_05,
    staffing.STF_06,
    ratios.RAT_02,
    classes.CLS_01,
    classes.CLS_02,
    classes.CLS_03,
    classes.CLS_04,
    classes.CLS_06,
    ratios.RAT_01,
    staffing.STF_02,
    staffing.STF_03,
    staffing.STF_04,
    staffing.STF_07,
    staffing.STF_08,
    bans.BAN_01,
    filing.FIL_01,
    filing.FIL_02,
    filing.FIL_03,
]
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
parameters.declare(RULES)
