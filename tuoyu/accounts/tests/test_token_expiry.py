"""API tokens expire (等保2.0: credentials have a lifetime): every new token gets ``expires_at``
(TUOYU_API_TOKEN_DAYS, 180 by default, or fewer days chosen by its creator); an expired token is refused exactly
like a revoked one; tokens from before expiry existed (no ``expires_at``) work until revoked; tick tells the
owner once, 14 days ahead."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import API_TOKEN_REMINDER_DAYS, ApiToken
from tuoyu.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_expiry_reminders_send,
    api_token_revoke,
)
from tuoyu.audit.models import Event, Outcome
from tuoyu.core.errors import DomainError
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.notifications.models import Notification

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def expire(token: ApiToken, *, ago: dt.timedelta = DAY) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - ago)
    token.refresh_from_db()


def make_legacy(token: ApiToken) -> None:
    """A token as it was before expiry existed: no expires_at."""
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    token.refresh_from_db()


# --- the service: lifetime ------------------------------------------------------------------------


def test_a_new_token_lives_180_days_by_default(cast: Any) -> None:
    token, _secret = api_token_create(user=cast.alice, name="登记系统")
    assert token.expires_at - token.created_at == dt.timedelta(days=180)
    assert token.is_active and not token.is_expired
    event = Event.objects.get(action="api_token.create", object_id=str(token.pk))
    assert event.detail == {"days": 180, "expires_at": token.expires_at.isoformat()}


def test_the_default_lifetime_follows_the_setting(cast: Any, settings: Any) -> None:
    settings.API_TOKEN_DAYS = 30
    token, _secret = api_token_create(user=cast.alice, name="登记系统")
    assert token.expires_at - token.created_at == dt.timedelta(days=30)


@pytest.mark.parametrize("days", [1, 30, 180])
def test_the_creator_may_choose_a_lifetime_up_to_the_setting(cast: Any, days: int) -> None:
    token, _secret = api_token_create(user=cast.alice, name="登记系统", days=days)
    assert token.expires_at - token.created_at == dt.timedelta(days=days)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.expires_at == token.expires_at
    assert Event.objects.get(action="api_token.create", object_id=str(token.pk)).detail["days"] == days


@pytest.mark.parametrize("days", [0, -1, 181, 730, True, "30", 30.0])
def test_a_lifetime_outside_one_to_the_setting_is_refused_and_nothing_is_saved(cast: Any, days: Any) -> None:
    with pytest.raises(DomainError) as refused:
        api_token_create(user=cast.alice, name="登记系统", days=days)
    assert refused.value.code == "token_days_out_of_range"
    assert refused.value.field == "days"
    assert "180" in refused.value.message
    assert not ApiToken.objects.exists()
    assert not Event.objects.filter(action="api_token.create").exists()


def test_a_stricter_setting_lowers_the_maximum(cast: Any, settings: Any) -> None:
    settings.API_TOKEN_DAYS = 90
    api_token_create(user=cast.alice, name="九十天", days=90)
    with pytest.raises(DomainError):
        api_token_create(user=cast.alice, name="九十一天", days=91)
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["九十天"]


# --- the setting ----------------------------------------------------------------------------------


def start_with(value: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter, as start-up does, with TUOYU_API_TOKEN_DAYS=value."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tuoyu.settings",
        "TUOYU_VAR_DIR": str(tmp_path),
        "TUOYU_API_TOKEN_DAYS": value,
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.API_TOKEN_DAYS)"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "between 1 and 730"), ("731", "between 1 and 730"), ("half a year", "must be an integer")],
)
def test_a_bad_token_lifetime_setting_stops_start_up(value: str, message: str, tmp_path: Path) -> None:
    started = start_with(value, tmp_path)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and "TUOYU_API_TOKEN_DAYS" in started.stderr
    assert message in started.stderr


def test_a_good_token_lifetime_setting_is_read(tmp_path: Path) -> None:
    started = start_with("730", tmp_path)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "730"


# --- authentication -------------------------------------------------------------------------------


def test_a_valid_token_authenticates_its_owner(cast: Any) -> None:
    _token, secret = api_token_create(user=cast.alice, name="登记系统", days=1)
    assert api_token_authenticate(secret).user == cast.alice
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200


def test_an_expired_token_is_refused_exactly_like_a_revoked_one(cast: Any) -> None:
    expired, expired_secret = api_token_create(user=cast.alice, name="过期")
    revoked, revoked_secret = api_token_create(user=cast.alice, name="吊销")
    expire(expired, ago=dt.timedelta(seconds=1))
    api_token_revoke(user=cast.alice, token_id=revoked.pk)
    assert not expired.is_active and expired.is_expired

    answers = [Client().get("/api/v1/me", **bearer(s)) for s in (expired_secret, revoked_secret)]
    unknown = Client().get("/api/v1/me", **bearer("tuoyu_00000000_" + "A" * 43))
    for response in (*answers, unknown):
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert response["WWW-Authenticate"] == answers[0]["WWW-Authenticate"]
    # Same status, headers and words: nothing tells the caller that the token existed or why it failed.
    assert json.loads(answers[0].content) == json.loads(answers[1].content) == json.loads(unknown.content)

    reject = Event.objects.get(action="api_token.reject", object_id=str(expired.pk))
    assert reject.outcome == Outcome.DENIED
    assert reject.detail["reason"] == "expired"  # the auditor, not the caller, learns why
    assert expired_secret not in json.dumps(reject.detail)
    assert (
        Event.objects.get(action="api_token.reject", object_id=str(revoked.pk)).detail["reason"] == "revoked"
    )


def test_a_token_is_refused_from_the_moment_it_expires(cast: Any) -> None:
    token, secret = api_token_create(user=cast.alice, name="登记系统")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(minutes=5))
    assert api_token_authenticate(secret) == token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert api_token_authenticate(secret) is None


def test_a_legacy_token_without_expiry_still_works_until_revoked(cast: Any) -> None:
    token, secret = api_token_create(user=cast.alice, name="旧令牌")
    make_legacy(token)
    assert token.is_active and not token.is_expired and not token.expires_soon
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200
    api_token_revoke(user=cast.alice, token_id=token.pk)
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401


# --- the token page -------------------------------------------------------------------------------


def created_secret(response: Any) -> str:
    return re.search(r'id="new-token"[^>]*>([^<]+)<', response.content.decode()).group(1)


def test_the_page_shows_each_tokens_expiry_and_status(cast: Any, login: Any) -> None:
    page = login(cast.alice)
    fresh, _ = api_token_create(user=cast.alice, name="新令牌")
    soon, _ = api_token_create(user=cast.alice, name="快到期", days=3)
    old, _ = api_token_create(user=cast.alice, name="已过期的令牌")
    legacy, _ = api_token_create(user=cast.alice, name="旧令牌")
    expire(old)
    make_legacy(legacy)
    body = page.get("/accounts/tokens/").content.decode()
    assert "有效期至" in body
    assert timezone.localtime(fresh.expires_at).strftime("%Y-%m-%d %H:%M") in body
    assert timezone.localtime(old.expires_at).strftime("%Y-%m-%d %H:%M") in body
    assert "已过期" in body and "即将过期" in body and "吊销前一直有效" in body

    def row(name: str) -> str:
        return re.search(rf"<tr>\s*<td>{name}</td>.*?</tr>", body, re.S).group(0)

    assert "已过期" in row("已过期的令牌") and "吊销" not in row("已过期的令牌").replace("已吊销", "")
    assert "即将过期" in row("快到期") and f"/accounts/tokens/{soon.pk}/revoke/" in row("快到期")
    assert "有效" in row("新令牌") and "过期" not in row("新令牌")
    assert "吊销前一直有效" in row("旧令牌") and f"/accounts/tokens/{legacy.pk}/revoke/" in row("旧令牌")


def test_creating_on_the_page_with_a_chosen_lifetime_shows_its_expiry(cast: Any, login: Any) -> None:
    response = login(cast.alice).post("/accounts/tokens/", {"name": "三十天", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(key_prefix=created_secret(response).split("_")[1])
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    shown = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    assert f"有效期至 {shown}" in response.content.decode()


def test_creating_on_the_page_without_a_lifetime_takes_the_default(cast: Any, login: Any) -> None:
    page = login(cast.alice)
    form = page.get("/accounts/tokens/").content.decode()
    assert re.search(r'name="days"[^>]*value="180"', form) and 'max="180"' in form
    response = page.post("/accounts/tokens/", {"name": "默认", "days": ""})
    token = ApiToken.objects.get(key_prefix=created_secret(response).split("_")[1])
    assert token.expires_at - token.created_at == dt.timedelta(days=180)


@pytest.mark.parametrize("days", ["0", "181", "-5", "abc", "1.5"])
def test_a_bad_lifetime_on_the_page_is_shown_next_to_the_field(cast: Any, login: Any, days: str) -> None:
    response = login(cast.alice).post("/accounts/tokens/", {"name": "登记系统", "days": days})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="new-token"' not in body
    assert re.search(r'id="id_days-error">有效天数须为1至180之间的整数。', body)
    assert not ApiToken.objects.exists()


# --- the API --------------------------------------------------------------------------------------


def same_instant(shown: str, stored: dt.datetime) -> bool:
    """The API's JSON carries milliseconds; the database keeps microseconds."""
    return abs(dt.datetime.fromisoformat(shown) - stored) < dt.timedelta(milliseconds=1)


def api_client(cast: Any, login: Any) -> Client:
    """Alice's browser session calling the API (tokens are minted with a session, never with a token), with
    a long-standing legacy token of hers already listed."""
    token, _secret = api_token_create(user=cast.alice, name="自动化")
    make_legacy(token)
    return login(cast.alice)


def test_the_api_creates_a_token_with_a_chosen_lifetime(cast: Any, login: Any) -> None:
    response = api_client(cast, login).post(
        "/api/v1/tokens", {"name": "三十天", "days": 30}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    assert same_instant(body["expires_at"], token.expires_at)


def test_the_api_gives_the_default_lifetime_and_lists_expiry(cast: Any, login: Any) -> None:
    machine = api_client(cast, login)
    created = machine.post("/api/v1/tokens", {"name": "默认"}, content_type="application/json").json()
    token = ApiToken.objects.get(pk=created["id"])
    assert token.expires_at - token.created_at == dt.timedelta(days=180)
    listed = {t["id"]: t for t in machine.get("/api/v1/tokens").json()["items"]}
    assert same_instant(listed[token.pk]["expires_at"], token.expires_at)
    assert [t["expires_at"] for t in listed.values() if t["name"] == "自动化"] == [None]


@pytest.mark.parametrize(("days", "status"), [(181, 400), (0, 422), (731, 422), ("many", 422)])
def test_the_api_refuses_a_bad_lifetime_with_a_field_error(
    cast: Any, login: Any, days: Any, status: int
) -> None:
    machine = api_client(cast, login)
    before = ApiToken.objects.count()
    response = machine.post("/api/v1/tokens", {"name": "坏", "days": days}, content_type="application/json")
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert [e["field"] for e in response.json()["errors"]] == ["days"]
    assert ApiToken.objects.count() == before


# --- tick: one reminder per token -----------------------------------------------------------------


def token_expiring_in(user: Any, name: str, delta: dt.timedelta) -> ApiToken:
    token, _secret = api_token_create(user=user, name=name)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + delta)
    token.refresh_from_db()
    return token


def test_tick_reminds_the_owner_once_of_a_token_expiring_within_14_days(cast: Any) -> None:
    due = token_expiring_in(cast.alice, "十天后到期", dt.timedelta(days=10))
    token_expiring_in(cast.alice, "二十天后到期", dt.timedelta(days=API_TOKEN_REMINDER_DAYS + 6))
    token_expiring_in(cast.alice, "已过期", -DAY)
    revoked = token_expiring_in(cast.bob, "已吊销", dt.timedelta(days=3))
    api_token_revoke(user=cast.bob, token_id=revoked.pk)
    make_legacy(token_expiring_in(cast.bob, "旧令牌", DAY))

    out = io.StringIO()
    call_command("tick", stdout=out)
    assert "api tokens: reminded owners of 1 tokens expiring soon" in out.getvalue()
    notes = Notification.objects.filter(kind="api_token.expiring")
    assert [n.recipient_id for n in notes] == [cast.alice.pk]
    note = notes.get()
    assert f"tuoyu_{due.key_prefix}…" in note.body
    assert timezone.localtime(due.expires_at).strftime("%Y-%m-%d") in note.body
    assert note.link == "/accounts/tokens/"
    due.refresh_from_db()
    assert due.expiry_notified_at is not None
    assert Event.objects.filter(action="api_token.expiry_reminder", object_id=str(due.pk)).count() == 1

    again = io.StringIO()
    call_command("tick", stdout=again)
    assert "api tokens: reminded owners of 0 tokens expiring soon" in again.getvalue()
    assert Notification.objects.filter(kind="api_token.expiring").count() == 1


def test_each_expiring_token_gets_its_own_reminder(cast: Any) -> None:
    token_expiring_in(cast.alice, "甲", dt.timedelta(days=2))
    token_expiring_in(cast.alice, "乙", dt.timedelta(days=13))
    token_expiring_in(cast.bob, "丙", dt.timedelta(hours=5))
    assert api_token_expiry_reminders_send() == 3
    assert Notification.objects.filter(kind="api_token.expiring", recipient=cast.alice).count() == 2
    assert Notification.objects.filter(kind="api_token.expiring", recipient=cast.bob).count() == 1
    assert api_token_expiry_reminders_send() == 0


def test_a_token_entering_the_window_later_is_reminded_then(cast: Any) -> None:
    token = token_expiring_in(cast.alice, "二十天", dt.timedelta(days=20))
    assert api_token_expiry_reminders_send() == 0
    assert api_token_expiry_reminders_send(now=timezone.now() + dt.timedelta(days=7)) == 1
    token.refresh_from_db()
    assert token.expiry_notified_at is not None


def test_no_reminder_for_a_deactivated_owner(cast: Any) -> None:
    token_expiring_in(cast.alice, "停用账号的令牌", dt.timedelta(days=5))
    cast.alice.is_active = False
    cast.alice.save(update_fields=["is_active"])
    assert api_token_expiry_reminders_send() == 0
    assert not Notification.objects.filter(kind="api_token.expiring").exists()


def test_the_page_warns_and_the_model_knows_when_a_token_expires_soon(cast: Any) -> None:
    soon = token_expiring_in(cast.alice, "快到期", dt.timedelta(days=API_TOKEN_REMINDER_DAYS - 1))
    later = token_expiring_in(cast.alice, "还早", dt.timedelta(days=API_TOKEN_REMINDER_DAYS + 1))
    assert soon.expires_soon and soon.is_active
    assert not later.expires_soon and later.is_active
