"""The registration form: one parser for the clerk's web form, the Excel batch and the API payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuoyu.core.validators import validate_id_number, validate_mobile, validate_official_name, validate_uscc
from tuoyu.institutions.models import InstitutionKind, LegalPersonKind, RegistrationAuthority
from tuoyu.institutions.services import RegistrationData, registration_problems
from tuoyu.regions.models import Region

BOOL_CHOICES = [("true", _("营利性")), ("false", _("非营利性"))]


def _phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if value.replace("-", "").isdigit() and value.startswith("0"):
        if not 10 <= len(value.replace("-", "")) <= 12:
            raise ValidationError(_("固定电话应为区号加号码，如 0731-22881234。"), code="phone")
        return value
    return validate_mobile(value)


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=200, validators=[validate_official_name])
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30, validators=[validate_uscc])
    kind = forms.ChoiceField(label=_("类型"), choices=InstitutionKind.choices)
    legal_person_kind = forms.ChoiceField(label=_("法人类型"), choices=LegalPersonKind.choices)
    is_for_profit = forms.TypedChoiceField(
        label=_("营利性质"), choices=BOOL_CHOICES, coerce=lambda v: v in (True, "true", "True", "1")
    )
    authority = forms.ChoiceField(label=_("登记机关"), choices=RegistrationAuthority.choices)
    registration_date = forms.DateField(label=_("登记日期"), widget=forms.DateInput(attrs={"type": "date"}))
    business_scope = forms.CharField(
        label=_("经营（业务）范围"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    legal_rep_name = forms.CharField(label=_("法定代表人"), max_length=50)
    legal_rep_id_number = forms.CharField(
        label=_("法定代表人身份证号"), max_length=30, validators=[validate_id_number]
    )
    address = forms.CharField(label=_("地址"), max_length=300)
    region = forms.CharField(
        label=_("所在区划代码"), max_length=12, help_text=_("县（区）或街道（乡镇）代码，如 430202001")
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def clean_uscc(self) -> str:
        return validate_uscc(self.cleaned_data["uscc"])

    def clean_legal_rep_id_number(self) -> str:
        return validate_id_number(self.cleaned_data["legal_rep_id_number"])

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""))

    def __init__(self, *args: Any, regions: Mapping[str, Region] | None = None, **kwargs: Any) -> None:
        # ``regions``: the regions by code, read once for a whole batch (the import) instead of once per form.
        super().__init__(*args, **kwargs)
        self._regions = regions

    def rebind(self, data: Mapping[str, Any]) -> RegistrationForm:
        """This form bound to another row's data, for a batch: ``Form.__init__`` deep-copies every field,
        most of what one row's validation costs; the fields hold no state between cleans."""
        self.data, self.is_bound, self._errors = data, True, None
        self._bound_fields_cache = {}
        return self

    def _clean_fields(self) -> None:
        """``Form._clean_fields`` without making a BoundField per field (a batch cleans thousands of rows, and
        the bound fields were most of a row's cost): the same ``field.clean`` of the widget's value and the
        same ``clean_<name>``, in field order, errors added the same way."""
        if any(field.disabled for field in self.fields.values()):
            super()._clean_fields()
            return
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            try:
                self.cleaned_data[name] = field.clean(value)
                clean_name = getattr(self, f"clean_{name}", None)
                if clean_name is not None:
                    self.cleaned_data[name] = clean_name()
            except ValidationError as exc:
                self.add_error(name, exc)

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"].strip()
        if not code.isdigit():
            region = None
        elif self._regions is not None:
            region = self._regions.get(code)
        else:
            region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("没有这个区划代码。"), code="unknown_region")
        return region

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            for field, code, message in registration_problems(self.registration_data()):
                self.add_error(field if field in self.fields else None, ValidationError(message, code=code))
        return data

    def registration_data(self) -> RegistrationData:
        d = self.cleaned_data
        return RegistrationData(
            name=d["name"].strip(),
            uscc=d["uscc"],
            kind=d["kind"],
            legal_person_kind=d["legal_person_kind"],
            is_for_profit=d["is_for_profit"],
            authority=d["authority"],
            registration_date=d["registration_date"],
            business_scope=d["business_scope"].strip(),
            legal_rep_name=d["legal_rep_name"].strip(),
            legal_rep_id_number=d["legal_rep_id_number"],
            address=d["address"].strip(),
            region=d["region"],
            phone=d.get("phone", ""),
        )


class InvitationForm(forms.Form):
    invitee_name = forms.CharField(label=_("被邀请人姓名"), max_length=50)
    invitee_phone = forms.CharField(label=_("被邀请人手机号"), max_length=20, validators=[validate_mobile])


class InvitationAcceptForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[A-Za-z0-9._-]{3,150}$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 . _ -，至少3个字符。")},
    )
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, validators=[validate_mobile])
    password1 = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("确认密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error(
                "password2", ValidationError(_("两次输入的密码不一致。"), code="password_mismatch")
            )
        return data


# --- rooms and classes (园舍与班级) -------------------------------------------------------------------


class RoomForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        from tuoyu.institutions.models import Room

        model = Room
        fields = [
            "name",
            "floor",
            "below_ground",
            "floor_area_m2",
            "window_area_m2",
            "use",
            "camera_count",
            "beds",
        ]


class CareClassForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        from tuoyu.institutions.models import CareClass

        model = CareClass
        fields = ["name", "class_type", "room", "planned_size"]

    def __init__(self, *args: Any, institution: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from tuoyu.institutions.models import class_types_for

        self.fields["room"].queryset = institution.rooms.all()
        self.fields["room"].empty_label = _("（暂不指定房间）")
        self.fields["class_type"].choices = [(t.value, t.label) for t in class_types_for(institution)]


# --- region transfers (跨辖区区划变更) -----------------------------------------------------------------


class RegionTransferDecisionForm(forms.Form):
    """The reviewer's opinion on one request; required to reject (the service says so)."""

    comment = forms.CharField(
        label=_("审核意见"),
        max_length=2000,
        required=False,
        help_text=_("驳回时必填"),
        widget=forms.TextInput(attrs={"maxlength": "2000"}),
    )
