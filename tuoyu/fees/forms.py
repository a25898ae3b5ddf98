from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.fees.models import FeeKind, FeeUnit
from tuoyu.institutions.models import ServiceType


class ScheduleForm(forms.Form):
    effective_from = forms.DateField(label=_("执行日期"), widget=forms.DateInput(attrs={"type": "date"}))
    max_prepay_months = forms.IntegerField(label=_("最长预收期（月）"), min_value=0, max_value=12)
    guided_price = forms.DecimalField(
        label=_("政府指导价（元/月）"), required=False, min_value=0, max_digits=9, decimal_places=2
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("费用类别"), choices=FeeKind.choices)
    service_type = forms.ChoiceField(
        label=_("服务类型"), choices=[("", "—"), *ServiceType.choices], required=False
    )
    name = forms.CharField(label=_("项目名称"), max_length=100)
    amount = forms.DecimalField(
        label=_("金额（元）"), min_value=0, max_value=100000, max_digits=9, decimal_places=2
    )
    unit = forms.ChoiceField(label=_("计价单位"), choices=FeeUnit.choices)
    includes = forms.CharField(label=_("包含内容"), max_length=300, required=False)

    def has_changed(self) -> bool:
        # A row whose dropdowns keep their defaults but has no name, amount or content is an empty row.
        return any(self.data.get(self.add_prefix(k), "").strip() for k in ("name", "amount", "includes"))


ItemFormSet: Any = forms.formset_factory(ItemForm, extra=6, max_num=20, validate_max=True)
