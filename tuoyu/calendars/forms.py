"""Forms of the holiday-table pages; the rules themselves are checked in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.calendars.models import DayKind
from tuoyu.calendars.services import NAME_MAX, SOURCE_MAX


class DateInput(forms.DateInput):
    input_type = "date"  # the browser's date picker; it submits YYYY-MM-DD


class DateForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput(format="%Y-%m-%d"), input_formats=["%Y-%m-%d"])
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices)
    name = forms.CharField(label=_("节日名称"), max_length=NAME_MAX, help_text=_("如 春节、国庆节"))


class ImportForm(forms.Form):
    text = forms.CharField(
        label=_("节假日安排"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_("每行一天：日期,类型,名称。类型为 holiday（放假）或 workday（调休上班）。"),
    )
    replace = forms.BooleanField(label=_("替换已录入日期"), required=False)


class PublishForm(forms.Form):
    source = forms.CharField(
        label=_("依据"),
        max_length=SOURCE_MAX,
        help_text=_("通知名称与文号，如：国务院办公厅关于2027年部分节假日安排的通知 国办发明电〔2026〕X号"),
    )
