"""Forms of the filing pages. They only parse input; the rules are in filings.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.core.uploads import MaterialFileField
from tuoyu.filings.models import MaterialKind

# What a reviewer may name when returning a filing: every material, and the parts that are not files.
RETURN_FIELDS = [
    ("facts", _("备案书填报内容")),
    ("declaration", _("备案承诺书")),
    ("settlement_plan", _("安置方案")),
    ("general", _("其他事项")),
]


def return_item_label(item: str) -> str:
    labels = dict(MaterialKind.choices) | dict(RETURN_FIELDS)
    return str(labels.get(item, item))


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

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("item")) != bool((data.get("reason") or "").strip()):
            raise forms.ValidationError(_("请同时选择事项并填写原因。"))
        return data


ReturnReasonFormSet = forms.formset_factory(ReturnReasonForm, extra=3, max_num=20, absolute_max=20)
