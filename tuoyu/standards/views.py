"""Compliance pages: an institution's own outcomes, the regulators' risk list and one institution's
explanation, and the rule catalogue with the parameters in force for the viewer's city."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tuoyu.core import lists
from tuoyu.institutions.acting import acting_context, acting_institution_id
from tuoyu.standards import selectors
from tuoyu.standards.engine import Evaluation
from tuoyu.standards.lists import RISK
from tuoyu.standards.rules import (
    BLOCK,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    RULES_BY_ID,
    SEVERITY_FAIL,
    SEVERITY_WARN,
    SEVERITY_WEIGHTS,
    WARN,
)

PAGE_SIZE = 30

STATUS_LABELS = {
    FAIL: _("不符合"),
    WARN: _("需关注"),
    NOT_APPLICABLE: _("无数据或不适用"),
    PASS: _("符合"),
}
SEVERITY_LABELS = {BLOCK: _("否决项（阻止备案）"), SEVERITY_FAIL: _("不符合项"), SEVERITY_WARN: _("提示项")}


def _evaluation_page(
    request: HttpRequest, evaluation: Evaluation, *, own: bool, acting: dict[str, Any] | None = None
) -> HttpResponse:
    groups = [
        (
            status,
            STATUS_LABELS[status],
            [(o, RULES_BY_ID[o.rule_id], SEVERITY_LABELS[RULES_BY_ID[o.rule_id].severity]) for o in outcomes],
        )
        for status, outcomes in evaluation.grouped()
        if outcomes
    ]
    context = {
        "evaluation": evaluation,
        "groups": groups,
        "own": own,
        "severity_labels": SEVERITY_LABELS,
        "weights": SEVERITY_WEIGHTS,
        **(acting or {}),
    }
    return render(request, "standards/evaluation.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    ids = selectors.own_institution_ids(request.user)
    chosen = acting_institution_id(request, ids)  # one of several: chosen in the page header
    evaluation = selectors.own_evaluation(viewer=request.user, institution_id=chosen)
    return _evaluation_page(request, evaluation, own=True, acting=acting_context(request, ids, chosen))


@login_required
def institution(request: HttpRequest, institution_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(viewer=request.user, institution_id=institution_id)
    return _evaluation_page(request, evaluation, own=False)


@login_required
def risk(request: HttpRequest) -> HttpResponse:
    """The regulators' risk list (declared in standards.lists). The page shows an institution's name and
    region only (selectors.risk_list: its other columns, sealed ID numbers among them, are not loaded)."""
    bound = RISK.bind(request.GET, selectors.risk_list(viewer=request.user), request=request)
    rule, region = bound.form["rule"], bound.form["region"]
    regions = [("", _("全部辖区"))] + [(r.code, r.name) for r in selectors.regions_for_filter(request.user)]
    context = {
        # the filters' options made in Python (dozens of rules and regions: a template loop per option)
        "rule_options": lists.options(rule.field.choices, rule.value()),
        "region_options": lists.options(regions, region.value()),
        "weights": SEVERITY_WEIGHTS,
    }
    return bound.render(request, "standards/risk.html", context)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    prefix, in_force = selectors.rules_in_force(request.user)
    rows = [
        (
            rule,
            SEVERITY_LABELS[rule.severity],
            [(p, values[p.name], values[p.name] != p.default) for p in rule.params],
        )
        for rule, values in in_force
    ]
    context = {"prefix": prefix, "rows": rows, "severity_labels": SEVERITY_LABELS}
    return render(request, "standards/rules.html", context)
