"""The public list's filters, as GET parameters: one form for the page, the CSV and the JSON."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.disclosure import selectors
from tuoyu.institutions.models import InstitutionKind, ServiceType

SORT_CHOICES = [
    ("-filed_on", _("最新备案在前")),
    ("filed_on", _("最早备案在前")),
    ("name", _("按名称")),
    ("-capacity", _("托位数从多到少")),
    ("capacity", _("托位数从少到多")),
]
AFFORDABLE_CHOICES = [("", _("不限")), ("1", _("普惠性")), ("0", _("非普惠性"))]


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("机构名称"), max_length=50, required=False, strip=True)
    region = forms.CharField(label=_("所在地区"), max_length=12, required=False)
    service_type = forms.ChoiceField(
        label=_("服务类型"), choices=[("", _("不限"))] + list(ServiceType.choices), required=False
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("不限"))] + list(InstitutionKind.choices), required=False
    )
    affordable = forms.TypedChoiceField(
        label=_("普惠性"),
        choices=AFFORDABLE_CHOICES,
        required=False,
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    age = forms.IntegerField(
        label=_("婴幼儿月龄"), min_value=0, max_value=36, required=False, help_text=_("0–36个月")
    )
    min_capacity = forms.IntegerField(label=_("最少托位数"), min_value=0, max_value=2000, required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)

    def clean_q(self) -> str:
        q = self.cleaned_data["q"]
        if any(ord(c) < 32 for c in q):
            raise forms.ValidationError(_("名称中含有不可见字符。"), code="invalid")
        return q

    def clean_region(self) -> Any:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = selectors.region_by_code(code)
        if region is None:
            raise forms.ValidationError(_("没有这个行政区划代码。"), code="unknown_region")
        return region

    def filters(self) -> dict[str, Any]:
        """The validated filters, for ``selectors.public_institutions`` (call after ``is_valid()``)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
