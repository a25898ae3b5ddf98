"""Personal API tokens in the web UI (/accounts/tokens/): shown once, stored only as a hash, listed with
prefix and last use, revocable by their owner alone, and audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from tuoyu.accounts.models import ApiToken
from tuoyu.audit.models import Event

pytestmark = pytest.mark.django_db


def create(client: Any, name: str = "市场监管局登记系统") -> tuple[ApiToken, str]:
    response = client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 200
    secret = re.search(r'id="new-token"[^>]*>([^<]+)<', response.content.decode()).group(1)
    return ApiToken.objects.get(key_prefix=secret.split("_")[1]), secret


def every_stored_value() -> str:
    """Every row of every table, as text: what a database dump would hold."""
    parts = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(repr(row) for row in cur.fetchall())
    return "\n".join(parts)


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(cast: Any, login: Any) -> None:
    client = login(cast.alice)
    token, secret = create(client)
    assert secret.startswith(f"tuoyu_{token.key_prefix}_") and len(secret) > 40
    assert token.user_id == cast.alice.pk and token.key_hash == ApiToken.hash(secret)
    dump = every_stored_value()
    assert secret not in dump
    assert secret.rsplit("_", 1)[1] not in dump  # not even the random part
    assert secret not in client.get("/accounts/tokens/").content.decode()


def test_creating_a_token_is_audited_without_the_secret(cast: Any, login: Any) -> None:
    token, secret = create(login(cast.alice))
    event = Event.objects.get(action="api_token.create", object_id=str(token.pk))
    assert event.actor_id == cast.alice.pk
    assert event.after == {"name": "市场监管局登记系统", "prefix": token.key_prefix}
    # The lifetime is recorded too; never the secret.
    assert event.detail == {"days": 180, "expires_at": token.expires_at.isoformat()}


def test_a_token_needs_a_name(cast: Any, login: Any) -> None:
    response = login(cast.alice).post("/accounts/tokens/", {"name": "   "})
    assert response.status_code == 200
    assert 'id="new-token"' not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_prefix_and_last_use(cast: Any, login: Any, client: Any) -> None:
    page = login(cast.alice)
    token, secret = create(page)
    body = page.get("/accounts/tokens/").content.decode()
    assert f"tuoyu_{token.key_prefix}…" in body
    assert "市场监管局登记系统" in body
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    shown = timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M")
    assert shown in page.get("/accounts/tokens/").content.decode()


def test_the_list_shows_only_ones_own_tokens(cast: Any, login: Any) -> None:
    alices, _ = create(login(cast.alice), "alice 的令牌")
    body = login(cast.bob).get("/accounts/tokens/").content.decode()
    assert alices.key_prefix not in body and "alice 的令牌" not in body


def test_revoking_a_token_stops_it_and_is_audited(cast: Any, login: Any, client: Any) -> None:
    page = login(cast.alice)
    token, secret = create(page)
    response = page.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Event.objects.filter(
        action="api_token.revoke", object_id=str(token.pk), actor_id=cast.alice.pk
    ).exists()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert Event.objects.filter(action="api_token.reject", object_id=str(token.pk), outcome="denied").exists()
    assert "已吊销" in page.get("/accounts/tokens/").content.decode()


def test_nobody_can_revoke_another_users_token(cast: Any, login: Any) -> None:
    token, _secret = create(login(cast.alice))
    for other in (cast.bob, cast.sam, cast.audrey):
        assert login(other).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not Event.objects.filter(action="api_token.revoke").exists()


def test_a_missing_token_answers_like_a_forbidden_one(cast: Any, login: Any) -> None:
    assert login(cast.bob).post("/accounts/tokens/999999/revoke/").status_code == 404


def test_revoking_needs_a_post(cast: Any, login: Any) -> None:
    page = login(cast.alice)
    token, _secret = create(page)
    assert page.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
