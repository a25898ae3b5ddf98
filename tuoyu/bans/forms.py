from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.bans.models import BanScope
from tuoyu.bans.services import BanData


class BanForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    reason = forms.CharField(label=_("禁入事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    decision_authority = forms.CharField(label=_("决定机关"), max_length=100)
    decision_number = forms.CharField(label=_("决定文号"), max_length=100)
    decision_date = forms.DateField(label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ChoiceField(label=_("禁入范围"), choices=BanScope.choices, initial=BanScope.CITY)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def ban_data(self) -> BanData:
        d = self.cleaned_data
        return BanData(**{k: d[k] for k in BanData.__dataclass_fields__})


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("解除原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
