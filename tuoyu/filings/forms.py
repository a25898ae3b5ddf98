"""Forms of the filing pages. They only parse input; the rules are in filings.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.core.uploads import MaterialFileField
from tuoyu.filings.changes import GROUP_CHOICES
from tuoyu.filings.models import MaterialKind

# What a reviewer may name when returning a filing: every material, and the parts that are not files.
RETURN_FIELDS = [
    ("facts", _("备案书填报内容")),
    ("declaration", _("备案承诺书")),
    ("settlement_plan", _("安置方案")),
    ("general", _("其他事项")),
]


def return_item_label(item: str) -> str:
    labels = dict(MaterialKind.choices) | dict(RETURN_FIELDS) | dict(GROUP_CHOICES)
    return str(labels.get(item, item))


def change_return_choices(items: list[str]) -> list[tuple[str, Any]]:
    """A change filing is returned only for its changed groups and their materials."""
    return [("", "—")] + [(i, return_item_label(i)) for i in items]


class MaterialUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=MaterialKind.choices)
    file = MaterialFileField(label=_("文件"))


class VersionForm(forms.Form):
    """The version the user saw: a stale one is refused by the service (someone acted first)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea)


class SubmitForm(VersionForm):
    declaration = forms.BooleanField(label=_("我已阅读并承诺遵守上述备案承诺书"), required=False)


class ReturnReasonForm(forms.Form):
    item = forms.ChoiceField(
        label=_("事项"),
        required=False,
        choices=[("", "—")] + list(MaterialKind.choices) + RETURN_FIELDS,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, items: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].choices = change_return_choices(items)

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("item")) != bool((data.get("reason") or "").strip()):
            raise forms.ValidationError(_("请同时选择事项并填写原因。"))
        return data


ReturnReasonFormSet = forms.formset_factory(ReturnReasonForm, extra=3, max_num=20, absolute_max=20)


class ChangeGroupsForm(forms.Form):
    """Step one of a change filing: which groups of facts change."""

    groups = forms.MultipleChoiceField(
        label=_("变更事项"),
        choices=GROUP_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class CancellationForm(forms.Form):
    """注销备案: the settlement plan for the enrolled children and the staff (FIL-07)."""

    settlement_plan = forms.CharField(
        label=_("在托婴幼儿和工作人员安置方案"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text=_("写明在托婴幼儿转托、退费安排和工作人员安置（至少20字）。"),
    )
    stop_date = forms.DateField(
        label=_("计划停止服务日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    parents_notified = forms.BooleanField(
        label=_("已书面告知全部在托婴幼儿家长停止服务及安置安排"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        error_messages={"required": _("注销前须书面告知在托婴幼儿家长（FIL-07）。")},
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class NoticeForm(forms.Form):
    """核查不符通知 (FIL-05): what was found on site, what to do, by when."""

    found_on = forms.DateField(
        label=_("核查发现日期"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    items = forms.CharField(
        label=_("不符事项（每行一项）"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    required_action = forms.CharField(
        label=_("整改要求"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    rectify_by = forms.DateField(
        label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class NoticeResponseForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    response = forms.CharField(
        label=_("整改情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
