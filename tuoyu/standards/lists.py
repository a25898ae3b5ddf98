"""The standards app's declared list (core.lists): the regulators' risk list, one FilterSet shared by the
page and the API operation."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tuoyu.core import lists
from tuoyu.core.lists import Column, FilterSet, ListSpec
from tuoyu.standards import selectors
from tuoyu.standards.models import ComplianceResult
from tuoyu.standards.rules import RULES

REGION_CODE = RegexValidator(r"^\d{6,12}$", _("请输入6至12位数字的区划代码。"))


def rule_choices() -> list[tuple[str, str]]:
    """Each rule as "SIT-02 title" in the request's language (evaluated when the form is made)."""
    english = (get_language() or "").startswith("en")
    return [(r.id, f"{r.id} {r.title_en if english else r.title_zh}") for r in RULES]


class RiskFilterSet(FilterSet):
    """未通过的规则、区划 (the viewer's regions: another region lists nothing, as a region without results)."""

    rule = django_filters.ChoiceFilter(
        label=_("规则"), choices=[(r.id, r.id) for r in RULES], empty_label=_("全部规则"), method="failing"
    )
    region = django_filters.CharFilter(
        label=_("区划"), max_length=12, validators=[REGION_CODE], method="in_region"
    )

    class Meta:
        model = ComplianceResult
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["rule"].extra["choices"] = rule_choices()  # with titles, in the request's language

    def failing(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return selectors.failing(queryset, value)

    def in_region(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return selectors.in_region(queryset, viewer=self.request.user, code=value)


def _evaluated(result: ComplianceResult) -> str:
    return timezone.localtime(result.evaluated_at).strftime("%Y-%m-%d %H:%M") if result.evaluated_at else ""


RISK = ListSpec(
    name="risk",
    title=_("合规风险排序"),
    filterset=RiskFilterSet,
    columns=(
        Column(
            "institution",
            _("机构名称"),
            "institution_name",
            sort=("institution__name",),
            link=("standards:institution", "institution_id"),
        ),
        Column("region", _("所在区划"), "region_name", sort=("region_prefix",)),
        Column("risk_score", _("风险分"), "risk_score", sort=("risk_score",), css="num"),
        Column(
            "failing_rules",
            _("未通过规则"),
            lambda r: r.failing_rules.strip() or None,
            format=lists.small,
        ),
        Column(
            "evaluated_at",
            _("评估时间"),
            _evaluated,
            sort=("evaluated_at",),
            format=lists.small,
        ),
    ),
    ordering=("-risk_score", "institution_id"),
    page_size=30,
    count=None,  # the page says it with the weights
    empty=_("没有符合条件的机构。"),
    table_id="risk-list",
)
