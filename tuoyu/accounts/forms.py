from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        # One message for a wrong password and an unknown user: existence is never revealed.
        "invalid_login": _("用户名或密码错误。连续5次错误将锁定15分钟。"),
        "inactive": _("用户名或密码错误。连续5次错误将锁定15分钟。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("当前密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=" ".join(str(t) for t in password_validators_help_texts()),
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise ValidationError(_("当前密码不正确。"), code="password_incorrect")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error(
                "new_password2", ValidationError(_("两次输入的新密码不一致。"), code="password_mismatch")
            )
        elif p1:
            try:
                validate_password(p1, self.user)
            except ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class TokenForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().replace(" ", "")


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100, help_text=_("例如：市场监管局登记系统"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The longest lifetime is the deployment's setting, so the field is built per form, not per class.
        longest = settings.API_TOKEN_DAYS
        out_of_range = _("有效天数须为1至%(max)d之间的整数。") % {"max": longest}
        self.fields["days"] = forms.IntegerField(
            label=_("有效天数"),
            required=False,
            min_value=1,
            max_value=longest,
            initial=longest,
            help_text=_("到期后令牌自动失效。留空即%(max)d天（最长）。") % {"max": longest},
            error_messages={"invalid": out_of_range, "min_value": out_of_range, "max_value": out_of_range},
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
