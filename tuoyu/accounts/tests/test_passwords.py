"""Password policy (等保2.0 三级 身份鉴别): length, character classes, no username, no reuse of the last 5,
argon2 hashing, and optional expiry."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.services import password_change
from tuoyu.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

CLASSES = "密码须包含大写字母、小写字母、数字、符号中的至少3类。"
USERNAME = "密码不能包含用户名。"
REUSED = "新密码不能与最近5次使用过的密码相同。"


def refusal(password: str, user: Any) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        password_change(user=user, new_password=password)
    return exc.value.messages


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in message)


def test_a_password_shorter_than_12_characters_is_refused(cast: Any) -> None:
    assert refusal("Sh0rt-Pass!", cast.pat) == ["密码太短，至少需要12个字符。"]  # 11 characters, 4 classes
    validate_password("Long-Enough1", cast.pat)  # 12 is enough


def test_fewer_than_three_character_classes_are_refused(cast: Any) -> None:
    assert refusal("onlylowercaseletters", cast.pat) == [CLASSES]
    assert refusal("lowercase1234567", cast.pat) == [CLASSES]
    assert refusal("UPPERCASE-ONLY!!", cast.pat) == [CLASSES]


def test_three_of_four_character_classes_are_enough(cast: Any) -> None:
    for password in ("lowercase-1234", "UPPERCASE-1234", "UpperLower1234", "Upper-Lower-Only"):
        validate_password(password, cast.pat)


def test_a_password_containing_the_username_is_refused(cast: Any) -> None:
    assert refusal("My-PAT-Password-2026", cast.pat) == [USERNAME]


def test_messages_together_when_several_rules_fail(cast: Any) -> None:
    messages = refusal("pat", cast.pat)
    assert CLASSES in messages and USERNAME in messages
    assert all(is_chinese(m) for m in messages)


def test_none_of_the_last_five_passwords_may_be_reused(cast: Any) -> None:
    user = cast.pat  # created with PASSWORD
    used = [f"Rotation-{i}-Secret!" for i in range(1, 6)]
    for password in used:
        password_change(user=user, new_password=password)
    # The current one and the four before it are the last five ...
    for password in used:
        assert refusal(password, user) == [REUSED]
    # ... and the original one is the sixth-oldest, so it may come back.
    password_change(user=user, new_password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # Now "Rotation-1" has become the sixth-oldest, and is allowed again; "Rotation-2" is not.
    assert refusal(used[1], user) == [REUSED]
    password_change(user=user, new_password=used[0])


def test_history_keeps_only_what_the_rule_needs(cast: Any) -> None:
    for i in range(8):
        password_change(user=cast.pat, new_password=f"Rotation-{i}-Secret!")
    assert cast.pat.password_history.count() == 5


def test_a_password_change_is_audited_without_the_password(cast: Any) -> None:
    from tuoyu.audit.models import Event

    password_change(user=cast.pat, new_password="Brand-New-Secret-1")
    event = Event.objects.filter(action="user.password_change").latest("id")
    assert event.actor_id == cast.pat.pk
    stored = f"{event.before}{event.after}{event.detail}"
    assert "Brand-New-Secret-1" not in stored and "password" not in stored


def test_the_web_form_shows_the_policy_errors_in_chinese(cast: Any, login: Any) -> None:
    response = login(cast.pat).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "patpatpatpat", "new_password2": "patpatpatpat"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert CLASSES in body and USERNAME in body


def test_the_web_form_checks_the_current_password(cast: Any, login: Any) -> None:
    response = login(cast.pat).post(
        "/accounts/password/",
        {"old_password": "not-it", "new_password1": "Fine-Secret-2026", "new_password2": "Fine-Secret-2026"},
    )
    assert "当前密码不正确。" in response.content.decode()
    cast.pat.refresh_from_db()
    assert cast.pat.check_password(PASSWORD)


def test_argon2_hashes_passwords_outside_the_test_run(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"TUOYU_FAST_HASHER", "DJANGO_SETTINGS_MODULE"}}
    env["TUOYU_VAR_DIR"] = str(tmp_path)
    script = (
        "import tuoyu.settings as s; from django.contrib.auth.hashers import Argon2PasswordHasher as A;"
        "print(s.PASSWORD_HASHERS[0]); print(A().encode('x', A().salt()).split('$')[0]);"
        "print(any('MD5' in h for h in s.PASSWORD_HASHERS))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out == ["django.contrib.auth.hashers.Argon2PasswordHasher", "argon2", "False"]


# --- Expiry ------------------------------------------------------------------------------------


def age_password(user: Any, days: int) -> None:
    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=days))


def test_password_expiry_is_off_by_default(cast: Any, login: Any, settings: Any) -> None:
    assert settings.PASSWORD_MAX_AGE_DAYS == 0
    age_password(cast.alice, 1000)
    assert login(cast.alice).get("/").status_code == 200


def test_an_expired_password_must_be_changed_before_anything_else(
    cast: Any, login: Any, settings: Any
) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(cast.alice, 91)
    client: Client = login(cast.alice)
    for url in ("/", "/regions/", "/regions/430202/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/password/?expired=1"
    page = client.get("/accounts/password/?expired=1")
    assert "您的密码已过期，请先修改密码。" in page.content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Renewed-Secret-26",
            "new_password2": "Renewed-Secret-26",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in, second factor still passed


def test_a_password_younger_than_the_limit_is_not_expired(cast: Any, login: Any, settings: Any) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age_password(cast.alice, 89)
    assert login(cast.alice).get("/").status_code == 200
