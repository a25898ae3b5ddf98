"""Forms of the children pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.children.models import ConsentScope, Relationship, Sex
from tuoyu.core.forms import CHOOSE, choose_first
from tuoyu.institutions.models import CareClass

DATE = forms.DateInput(attrs={"type": "date"})


def _class_field(classes: Any, *, required: bool) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("班级"),
        queryset=classes,
        required=required,
        empty_label=_("（暂不分班）") if not required else CHOOSE,
    )


class ChildForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    sex = forms.ChoiceField(label=_("性别"), choices=choose_first(Sex.choices))
    birth_date = forms.DateField(label=_("出生日期"), widget=DATE)
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50)
    guardian_relationship = forms.ChoiceField(
        label=_("与幼儿关系"), choices=choose_first(Relationship.choices)
    )
    guardian_phone = forms.CharField(label=_("监护人手机号"), max_length=20)
    consent_scope = forms.MultipleChoiceField(
        label=_("监护人同意的范围"),
        choices=ConsentScope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "监护人签署告知同意书后勾选；未勾选“基本信息”时只保存最少信息，不能填写身份证号（《个人信息保护法》第三十一条）。"
        ),
    )
    consent_text_version = forms.CharField(label=_("告知同意书版本"), max_length=32, required=False)
    id_number = forms.CharField(label=_("幼儿身份证号"), max_length=30, required=False)
    care_class = forms.ModelChoiceField(label=_("班级"), queryset=CareClass.objects.none(), required=False)
    start_date = forms.DateField(label=_("入班日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, classes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_class"] = _class_field(classes, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("care_class") and not data.get("start_date"):
            self.add_error("start_date", _("选择班级时请填写入班日期。"))
        return data


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("监护人姓名"), max_length=50)
    relationship = forms.ChoiceField(label=_("与幼儿关系"), choices=choose_first(Relationship.choices))
    phone = forms.CharField(label=_("监护人手机号"), max_length=20)
    id_number = forms.CharField(label=_("监护人身份证号"), max_length=30, required=False)


class ConsentForm(forms.Form):
    guardian = forms.ModelChoiceField(label=_("监护人"), queryset=None, empty_label=CHOOSE)
    scope = forms.MultipleChoiceField(
        label=_("同意范围"), choices=ConsentScope.choices, widget=forms.CheckboxSelectMultiple
    )
    text_version = forms.CharField(label=_("告知同意书版本"), max_length=32)

    def __init__(self, *args: Any, child: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = child.guardians.all()


class EnrollForm(forms.Form):
    care_class = forms.ModelChoiceField(label=_("班级"), queryset=None, empty_label=CHOOSE)
    start_date = forms.DateField(label=_("入班（转班）日期"), widget=DATE)

    def __init__(self, *args: Any, classes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_class"] = _class_field(classes, required=True)


class LeaveForm(forms.Form):
    end_date = forms.DateField(label=_("离园日期"), widget=DATE)
