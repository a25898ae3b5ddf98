"""Password policy (等保2.0 三级 身份鉴别): length, character classes, no username, no reuse of the last 5."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator:
    """At least ``min_length`` characters. (Django's own message lost its Chinese translation in 5.2,
    when its msgid changed, so the policy states it here.)"""

    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要%(n)d个字符。"), code="password_too_short", params={"n": self.min_length}
            )

    def get_help_text(self) -> str:
        return _("密码至少需要%(n)d个字符。") % {"n": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c in string.ascii_uppercase for c in password),
            any(c in string.ascii_lowercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。"),
                code="password_classes",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes}


class UsernameNotContainedValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")


class PasswordHistoryValidator:
    """The new password may not be the current one nor any of the last ``history`` ones."""

    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        hashes = list(user.password_history.values_list("password", flat=True)[: self.history])
        if user.password and user.password not in hashes:
            hashes.insert(0, user.password)
        for encoded in hashes[: self.history]:
            if check_password(password, encoded):
                raise ValidationError(
                    _("新密码不能与最近%(n)d次使用过的密码相同。"),
                    code="password_reused",
                    params={"n": self.history},
                )

    def get_help_text(self) -> str:
        return _("新密码不能与最近%(n)d次使用过的密码相同。") % {"n": self.history}
