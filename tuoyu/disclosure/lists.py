"""The public list's declaration (core.lists): the filed institutions (信息公示), one FilterSet shared by the
page, its htmx refresh, the open-data downloads (CSV, JSON) and the API operation.

The FilterSet validates the eight parameters (q, region, service_type, kind, affordable, age, min_capacity and
the preset ``sort``); the query itself stays the selector's (``selectors.public_institutions`` and
``selectors.narrow``: one statement, public columns only). Each page's rows become public records in one more
query (``prepare``: ``selectors.public_records``); a card shows them (``row_template``).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuoyu.core.lists import Column, FilterSet, FlagField, ListSpec, SortChoice
from tuoyu.disclosure import selectors
from tuoyu.institutions.models import Institution, InstitutionKind, ServiceType

NO_INVISIBLE_CHARACTERS = RegexValidator(r"^[^\x00-\x1f]*$", _("名称中含有不可见字符。"))
AFFORDABLE_CHOICES = [("", _("不限")), ("1", _("普惠性")), ("0", _("非普惠性"))]


class RegionField(forms.CharField):
    """A region code of any level (市、县、街道) → the Region; a code that is no region is a field error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=12, **kwargs)

    def clean(self, value: Any) -> Any:
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        region = selectors.region_by_code(code)  # one query, once per request
        if region is None:
            raise ValidationError(_("没有这个行政区划代码。"), code="unknown_region")
        return region


class AffordableField(FlagField):
    """普惠性: a select on the page (1 / 0), ``true``/``false`` in the API — the same field for both."""

    widget = forms.Select
    choices = AFFORDABLE_CHOICES


class RegionFilter(django_filters.Filter):
    field_class = RegionField


class AffordableFilter(django_filters.Filter):
    field_class = AffordableField


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class PublicFilterSet(FilterSet):
    """名称、地区、服务类型、类型、普惠性、月龄、最少托位数: the public list's filters (page, downloads, API)."""

    q = django_filters.CharFilter(label=_("机构名称"), max_length=50, validators=[NO_INVISIBLE_CHARACTERS])
    region = RegionFilter(label=_("所在地区"))
    service_type = django_filters.ChoiceFilter(
        label=_("服务类型"), choices=ServiceType.choices, empty_label=_("不限")
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=InstitutionKind.choices, empty_label=_("不限")
    )
    affordable = AffordableFilter(label=_("普惠性"))
    age = IntegerFilter(label=_("婴幼儿月龄"), min_value=0, max_value=36, help_text=_("0–36个月"))
    min_capacity = IntegerFilter(label=_("最少托位数"), min_value=0, max_value=2000)

    class Meta:
        model = Institution
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Institution]) -> QuerySet[Institution]:
        """The validated filters, applied by the selector (one query, whatever is asked)."""
        data = self.form.cleaned_data
        return selectors.narrow(queryset, {name: data.get(name) for name in self.filters})


def _prepare(institutions: list[Institution]) -> None:
    """The page's institutions as public records (their filing numbers in one query) and each card's facts,
    formatted here once rather than by ``|date`` and ``{% blocktranslate %}`` in the row loop."""
    labels = {t.value: str(t.label) for t in ServiceType}
    for institution, record in zip(institutions, selectors.public_records(institutions), strict=True):
        facts = ["、".join(labels[v] for v in record.service_types)]
        if record.min_age_months is not None and record.max_age_months is not None:
            facts.append(
                gettext("%(a)s–%(b)s个月") % {"a": record.min_age_months, "b": record.max_age_months}
            )
        if record.capacity is not None:
            facts.append(gettext("托位 %(n)s 个") % {"n": record.capacity})
        if record.filed_on:
            facts.append(gettext("%(d)s 备案") % {"d": record.filed_on.isoformat()})
        institution.record = record  # type: ignore[attr-defined]
        institution.facts = " · ".join(f for f in facts if f)  # type: ignore[attr-defined]


PUBLIC = ListSpec(
    name="public_institutions",
    title=_("托育机构信息公示"),
    filterset=PublicFilterSet,
    columns=(  # what a card shows (disclosure/_public_card.html)
        Column("name", _("机构名称"), "record.name", link=("disclosure:detail", "pk")),
        Column("kind", _("类型"), "record.kind_label"),
        Column("affordable", _("普惠性"), "record.is_affordable"),
        Column("location", _("所在地区"), "record.location"),
        Column("address", _("地址"), "record.address"),
        Column("facts", _("服务类型"), "facts"),
    ),
    sort_choices=tuple(
        SortChoice(key, label, selectors.SORTS[key])
        for key, label in (
            ("-filed_on", _("最新备案在前")),
            ("filed_on", _("最早备案在前")),
            ("name", _("按名称")),
            ("-capacity", _("托位数从多到少")),
            ("capacity", _("托位数从少到多")),
        )
    ),
    ordering=(),  # each sort choice carries its tie-break
    page_size=30,
    empty=_("没有符合条件的机构。"),
    count=_("共 %(n)s 家"),
    prepare=_prepare,
    template="disclosure/_results.html",
    row_template="disclosure/_public_card.html",
    table_id="public-list",
)
