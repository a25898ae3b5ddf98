"""Web sign-in at /accounts/login/ through the real form and the real lockout (django-axes): audited,
locked after 5 failures for 15 minutes, and never revealing whether a username exists."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from tuoyu.audit.models import Event
from tuoyu.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Wrong-Password-2026"
LOCKED = "登录失败次数过多，该账号已被锁定15分钟。请稍后再试，或联系系统管理员。"
INVALID = "用户名或密码错误。连续5次错误将锁定15分钟。"


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def shown_messages(response: Any) -> list[str]:
    """The alerts and field errors the page shows, as text."""
    body = response.content.decode()
    found = re.findall(r'<div class="(?:alert [^"]*|invalid-feedback)"[^>]*>(.*?)</div>', body, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in found]


def answers(username: str, attempts: list[str]) -> list[tuple[int, list[str]]]:
    client = Client()
    return [(r.status_code, shown_messages(r)) for r in (sign_in(client, username, p) for p in attempts)]


def test_signing_in_logs_in_and_is_audited(cast: Any) -> None:
    client = Client()
    response = sign_in(client, "pat", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(cast.pat.pk)
    event = Event.objects.filter(action="auth.login").latest("id")
    assert event.actor_id == cast.pat.pk
    assert event.ip == "127.0.0.1"
    assert event.outcome == "success"


def test_a_wrong_password_is_refused_and_audited(cast: Any) -> None:
    client = Client()
    response = sign_in(client, "pat", WRONG)
    assert response.status_code == 200
    assert shown_messages(response) == [INVALID]
    assert "_auth_user_id" not in client.session
    event = Event.objects.filter(action="auth.login_failed").latest("id")
    assert (event.actor_id, event.actor_username, event.outcome) == (None, "pat", "failure")
    assert WRONG not in str(event.detail) and WRONG not in str(event.after)


def test_the_fifth_failure_locks_the_account_even_for_the_right_password(cast: Any) -> None:
    seen = answers("pat", [WRONG] * 5 + [PASSWORD])
    assert seen[:4] == [(200, [INVALID])] * 4
    assert seen[4:] == [(429, [LOCKED])] * 2
    assert Event.objects.filter(action="auth.lockout", actor_username="pat", outcome="denied").exists()
    assert Event.objects.filter(action="auth.login_failed", actor_username="pat").count() >= 5
    assert not Event.objects.filter(action="auth.login", actor_id=cast.pat.pk).exists()


def minutes_pass(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


def test_the_lock_lifts_after_15_minutes(cast: Any) -> None:
    answers("pat", [WRONG] * 5)
    minutes_pass(14)
    # Still locked; and an attempt during the lock starts the 15 minutes again (django-axes' default).
    assert sign_in(Client(), "pat", PASSWORD).status_code == 429
    minutes_pass(14)
    assert sign_in(Client(), "pat", PASSWORD).status_code == 429
    minutes_pass(16)
    response = sign_in(Client(), "pat", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_lock_is_per_username_not_per_office(cast: Any) -> None:
    # Everyone in an office shares one IP address behind NAT: one person's lockout is not theirs.
    answers("pat", [WRONG] * 5)
    assert sign_in(Client(), "ann", PASSWORD).status_code == 302


def test_an_unknown_username_gets_exactly_the_same_answers(cast: Any) -> None:
    attempts = [WRONG] * 5 + [PASSWORD, PASSWORD]
    known = answers("pat", attempts)
    unknown = answers("nobody-here", attempts)
    assert unknown == known
    assert Event.objects.filter(action="auth.lockout", actor_username="nobody-here").exists()


def test_an_inactive_account_gets_the_same_answer_as_a_wrong_password(cast: Any) -> None:
    cast.pat.is_active = False
    cast.pat.save(update_fields=["is_active"])
    response = sign_in(Client(), "pat", PASSWORD)
    assert (response.status_code, shown_messages(response)) == (200, [INVALID])


def test_signing_out_by_post_is_audited(cast: Any) -> None:
    client = Client()
    sign_in(client, "pat", PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    event = Event.objects.filter(action="auth.logout").latest("id")
    assert event.actor_id == cast.pat.pk


def test_signing_out_by_get_is_refused(cast: Any) -> None:
    client = Client()
    sign_in(client, "pat", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.session["_auth_user_id"] == str(cast.pat.pk)


def test_an_outside_next_address_is_not_followed(cast: Any) -> None:
    response = Client().post(
        "/accounts/login/?next=https://evil.example/", {"username": "pat", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
