"""API: the compliance rule catalogue, one institution's evaluation, and the regulators' risk list.

No ``from __future__ import annotations`` here: ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from tuoyu.core.apitypes import DbId
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.standards import selectors
from tuoyu.standards.lists import RISK

router = Router(tags=["standards"])

RULE_ID = r"^[A-Z]{2,4}-\d{2}$"


class ParamOut(Schema):
    name: str
    label: str
    national: float
    in_force: float = Field(description="本地现行值 / the value in force for the viewer's city")
    stricter: str = Field(description="higher 或 lower：更严格的方向 / which direction is stricter")
    local: bool = Field(description="本地可自由设定 / a city may set it freely")


class RuleOut(Schema):
    id: str
    title_zh: str
    title_en: str
    basis: str
    confidence: str
    severity: str = Field(description="block / fail / warn")
    params: list[ParamOut]


class RulesOut(Schema):
    region_prefix: str = Field(description="参数所依据的区划前缀，空为全国 / '' = national defaults")
    rules: list[RuleOut]


class OutcomeOut(Schema):
    rule_id: str
    status: str = Field(description="pass / fail / warn / not_applicable")
    evidence: str
    fix: str
    severity: str = Field(description="未通过时计分的级别 / the severity weighed when not passing")


class EvaluationOut(Schema):
    institution_id: int
    institution_name: str
    on: dt.date
    risk_score: int
    failures: int
    warnings: int
    not_applicable: int
    outcomes: list[OutcomeOut]


class RiskOut(Schema):
    institution_id: int
    institution_name: str
    region_code: str
    risk_score: int
    failures: int
    warnings: int
    failing_rules: list[str]
    evaluated_at: dt.datetime

    @staticmethod
    def resolve_institution_name(obj: Any) -> str:
        return obj.institution_name  # selectors.risk_list's annotation

    @staticmethod
    def resolve_region_code(obj: Any) -> str:
        return obj.region_code

    @staticmethod
    def resolve_failing_rules(obj: Any) -> list[str]:
        return obj.failing_rules.split()


@router.get("/rules", response=RulesOut, summary="规则目录 / the rule catalogue with the parameters in force")
def rule_list(request: HttpRequest) -> dict:
    prefix, in_force = selectors.rules_in_force(request.user)
    return {
        "region_prefix": prefix,
        "rules": [
            {
                "id": r.id,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "basis": r.basis,
                "confidence": r.confidence,
                "severity": r.severity,
                "params": [
                    {
                        "name": p.name,
                        "label": p.label,
                        "national": p.default,
                        "in_force": values[p.name],
                        "stricter": p.stricter,
                        "local": p.name in r.local_params,
                    }
                    for p in r.params
                ],
            }
            for r, values in in_force
        ],
    }


@router.get(
    "/institutions/{institution_id}",
    response=EvaluationOut,
    summary="机构合规评估 / one institution's evaluation",
    description="机构本身及辖区内的监管部门可查看；其他人404 / the institution and its regulators; others 404.",
)
def institution_evaluation(request: HttpRequest, institution_id: DbId) -> dict:
    e = selectors.evaluation_get(viewer=request.user, institution_id=institution_id)
    return {
        "institution_id": e.institution.pk,
        "institution_name": e.institution.name,
        "on": e.on,
        "risk_score": e.risk_score,
        "failures": e.failures,
        "warnings": e.warnings,
        "not_applicable": e.not_applicable,
        "outcomes": [o.as_dict() for o in e.outcomes],
    }


@router.get(
    "/risk",
    response=list[RiskOut],
    summary="风险排序 / filed institutions of the jurisdiction, highest risk first",
    description="监管部门（市、区县、核查人员）；其他人404 / regulators only; others 404.",
)
@paginate(LimitOffset)
def risk_list(request: HttpRequest, filters: Query[RISK.query_schema]):  # noqa: ANN201
    return RISK.api_queryset(request, selectors.risk_list(viewer=request.user))


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/standards", router, order=90),
]
