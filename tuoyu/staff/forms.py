"""Forms of the staff pages. They check shapes only; the rules are the services' (errors come back next to
the field they name)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuoyu.staff.models import CertificateKind, CheckKind, CheckResult, Sex, StaffRole, TrainingKind

DATE = forms.DateInput(attrs={"type": "date"})


class HireForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    sex = forms.ChoiceField(label=_("性别"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("出生日期"), widget=DATE)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    roles = forms.MultipleChoiceField(
        label=_("岗位"), choices=StaffRole.choices, widget=forms.CheckboxSelectMultiple
    )
    full_time = forms.TypedChoiceField(
        label=_("用工形式"),
        choices=[("1", _("专职")), ("0", _("兼职"))],
        coerce=lambda value: value == "1",
        required=False,  # left out: 专职, the default
        empty_value=True,
        initial="1",
        widget=forms.RadioSelect,
        help_text=_("保健人员按专职人数计算配备比例（每150名幼儿至少1名专职）。"),
    )
    start_date = forms.DateField(label=_("入职日期"), widget=DATE)


class EndForm(forms.Form):
    end_date = forms.DateField(label=_("离职日期"), widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("证书类别"), choices=CertificateKind.choices)
    number = forms.CharField(label=_("证书编号"), max_length=100)
    level = forms.CharField(label=_("等级"), max_length=50, required=False)
    issuer = forms.CharField(label=_("发证机关"), max_length=100)
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE, required=False)


class HealthCertificateForm(forms.Form):
    issued_on = forms.DateField(label=_("体检日期"), widget=DATE)
    issuer = forms.CharField(label=_("体检机构"), max_length=100)


class BackgroundCheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("审查类别"), choices=CheckKind.choices)
    checked_on = forms.DateField(label=_("查询日期"), widget=DATE)
    result = forms.ChoiceField(label=_("结果"), choices=CheckResult.choices)
    authority = forms.CharField(label=_("出具机关"), max_length=100)


class TrainingForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("培训类别"),
        choices=TrainingKind.choices,
        help_text=_("负责人的岗位培训学时计入合规评估（STF-08）；其他培训只作记录。"),
    )
    hours = forms.DecimalField(label=_("学时"), min_value=0, max_value=2000, max_digits=5, decimal_places=1)
    topic = forms.CharField(label=_("培训内容"), max_length=200)


class AssignForm(forms.Form):
    care_class = forms.TypedChoiceField(label=_("班级"), coerce=int, choices=())
    start_date = forms.DateField(label=_("开始日期"), widget=DATE, required=False)

    def __init__(self, *args: object, classes: list[tuple[int, str]] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["care_class"].choices = list(classes)


RECORD_FORMS: dict[str, type[forms.Form]] = {
    "certificate": CertificateForm,
    "health": HealthCertificateForm,
    "background": BackgroundCheckForm,
    "training": TrainingForm,
}
