"""A token cannot outlive the account state it was issued under (issue 9).

- A request authenticated with an API token may not mint tokens: a 30-day token could otherwise mint a
  180-day child that survives the parent's revocation and the owner's password change. Minting needs the
  browser session; the refusal is 403 ``token_cannot_mint`` and audited.
- A password change, deactivating the account and any change of its roles revoke every active token of the
  owner, in the same transaction, each revocation audited with its reason; the owner is told.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tuoyu.accounts.models import ApiToken, Membership, TokenRevocation
from tuoyu.accounts.services import api_token_create, api_token_revoke, membership_grant, password_change
from tuoyu.audit.models import Event, Outcome
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.notifications.models import Notification
from tuoyu.regions.models import Region
from tuoyu.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Renewed-Secret-26"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def works(secret: str) -> bool:
    status = Client().get("/api/v1/me", **bearer(secret)).status_code
    assert status in (200, 401)
    return status == 200


def tokens_of(user: Any) -> dict[str, tuple[ApiToken, str]]:
    """An active, an expired and an owner-revoked token of ``user``, by name."""
    active = api_token_create(user=user, name="有效")
    expired = api_token_create(user=user, name="已过期")
    ApiToken.objects.filter(pk=expired[0].pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    revoked = api_token_create(user=user, name="已吊销")
    api_token_revoke(user=user, token_id=revoked[0].pk)
    for token, _secret in (expired, revoked):
        token.refresh_from_db()
    return {"active": active, "expired": expired, "revoked": revoked}


def assert_only_active_revoked(tokens: dict[str, tuple[ApiToken, str]], reason: str, actor: Any) -> None:
    revoked_before = tokens["revoked"][0].revoked_at
    for t, _s in tokens.values():
        t.refresh_from_db()
    active = tokens["active"][0]
    assert active.revoked_at is not None and active.revoked_reason == reason
    # Already expired or revoked: left as they were.
    expired = tokens["expired"][0]
    assert (expired.revoked_at, expired.revoked_reason) == (None, "")
    revoked = tokens["revoked"][0]
    assert (revoked.revoked_at, revoked.revoked_reason) == (revoked_before, TokenRevocation.OWNER)
    event = Event.objects.get(action="api_token.revoke", object_id=str(active.pk))
    assert event.actor_id == actor.pk and event.detail == {"reason": reason}
    assert not Event.objects.filter(action="api_token.revoke", object_id=str(expired.pk)).exists()
    for _t, secret in tokens.values():
        assert not works(secret)


# --- a token cannot mint tokens -------------------------------------------------------------------


def test_a_30_day_token_cannot_mint_a_180_day_child(cast: Any) -> None:
    parent, secret = api_token_create(user=cast.alice, name="登记系统", days=30)
    response = Client().post(
        "/api/v1/tokens", {"name": "子令牌", "days": 180}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["type"] == "urn:tuoyu:problem:token_cannot_mint"
    assert "登录网页" in body["detail"]
    assert list(ApiToken.objects.all()) == [parent]
    refusal = Event.objects.get(action="api_token.create", outcome=Outcome.DENIED)
    assert refusal.actor_id == cast.alice.pk
    assert refusal.detail["reason"] == "token_cannot_mint" and refusal.detail["via_token"] == parent.pk
    assert secret not in json.dumps(refusal.detail)
    assert works(secret)  # refused to mint, not revoked


def test_a_token_sent_along_with_a_session_still_cannot_mint(cast: Any, login: Any) -> None:
    # The request is bound to the token when one is presented, whatever cookies come with it.
    _parent, secret = api_token_create(user=cast.alice, name="登记系统")
    browser = login(cast.alice)
    response = browser.post(
        "/api/v1/tokens", {"name": "子令牌"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 1
    # The same session without the token mints.
    assert (
        browser.post("/api/v1/tokens", {"name": "会话"}, content_type="application/json").status_code == 201
    )


def test_the_token_page_still_mints_with_the_session(cast: Any, login: Any) -> None:
    page = login(cast.alice)
    response = page.post("/accounts/tokens/", {"name": "网页创建", "days": 30})
    assert response.status_code == 200 and 'id="new-token"' in response.content.decode()
    assert ApiToken.objects.filter(user=cast.alice, name="网页创建").exists()


def test_a_token_cannot_revoke_another_users_token(cast: Any) -> None:
    bobs, bobs_secret = api_token_create(user=cast.bob, name="bob")
    _alices, secret = api_token_create(user=cast.alice, name="alice")
    response = Client().delete(f"/api/v1/tokens/{bobs.pk}", **bearer(secret))
    assert response.status_code == 404
    bobs.refresh_from_db()
    assert bobs.revoked_at is None and works(bobs_secret)


# --- a password change revokes ----------------------------------------------------------------------


@pytest.mark.parametrize("expired", [False, True], ids=["own change", "forced change of an expired one"])
def test_a_password_change_revokes_the_owners_active_tokens(
    cast: Any, login: Any, settings: Any, expired: bool
) -> None:
    tokens = tokens_of(cast.alice)
    bobs = api_token_create(user=cast.bob, name="bob")
    assert works(tokens["active"][1])
    client = login(cast.alice)
    if expired:
        settings.PASSWORD_MAX_AGE_DAYS = 90
        type(cast.alice).objects.filter(pk=cast.alice.pk).update(
            password_changed_at=timezone.now() - dt.timedelta(days=91)
        )
        assert client.get("/")["Location"] == "/accounts/password/?expired=1"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert_only_active_revoked(tokens, TokenRevocation.PASSWORD_CHANGE, cast.alice)
    assert works(bobs[1])  # nobody else's
    note = Notification.objects.get(recipient=cast.alice, kind="api_token.revoked")
    assert "密码已修改" in note.body and "1个" in note.body and note.link == "/accounts/tokens/"
    page = client.get("/accounts/tokens/").content.decode()
    assert "已吊销" in page and "密码已修改" in page


def test_a_refused_password_change_revokes_nothing(cast: Any) -> None:
    token, secret = api_token_create(user=cast.alice, name="登记系统")
    with pytest.raises(Exception):  # noqa: B017, PT011 - the policy's ValidationError
        password_change(user=cast.alice, new_password="short")
    token.refresh_from_db()
    assert token.revoked_at is None and works(secret)
    assert not Notification.objects.filter(kind="api_token.revoked").exists()


def test_a_password_change_without_tokens_sends_no_notification(cast: Any) -> None:
    password_change(user=cast.alice, new_password=NEW_PASSWORD)
    assert not Notification.objects.filter(kind="api_token.revoked").exists()


def test_a_child_minted_in_the_browser_dies_with_the_password_too(cast: Any, login: Any) -> None:
    """The issue's scenario end to end: whatever was minted before the change stops working."""
    api_token_create(user=cast.alice, name="父", days=30)
    child = login(cast.alice).post(
        "/api/v1/tokens", {"name": "子", "days": 180}, content_type="application/json"
    )
    secret = child.json()["token"]
    password_change(user=cast.alice, new_password=NEW_PASSWORD)
    assert not works(secret)
    assert not ApiToken.objects.filter(user=cast.alice, revoked_at__isnull=True).exists()


# --- deactivation and role removal revoke --------------------------------------------------------------


def test_deactivating_an_account_revokes_its_tokens_for_good(cast: Any, login: Any) -> None:
    tokens = tokens_of(cast.bob)
    admin = login(cast.sam)
    assert admin.post(f"/users/{cast.bob.pk}/active/", {"active": "0"}).status_code == 302
    assert_only_active_revoked(tokens, TokenRevocation.ACCOUNT_DISABLED, cast.sam)
    assert Notification.objects.filter(recipient=cast.bob, kind="api_token.revoked").exists()
    admin.post(f"/users/{cast.bob.pk}/active/", {"active": "1"})
    assert not works(tokens["active"][1])  # enabling the account again does not bring them back


def test_revoking_a_membership_revokes_the_users_tokens(cast: Any, login: Any) -> None:
    tokens = tokens_of(cast.bob)
    membership = Membership.objects.get(user=cast.bob, role="regulator")
    response = login(cast.sam).post(f"/users/{cast.bob.pk}/memberships/{membership.pk}/revoke/")
    assert response.status_code == 302
    assert_only_active_revoked(tokens, TokenRevocation.ROLE_CHANGE, cast.sam)
    note = Notification.objects.get(recipient=cast.bob, kind="api_token.revoked")
    assert "角色授权已变更" in note.body


def test_a_refused_membership_revoke_revokes_nothing(cast: Any, login: Any) -> None:
    token, secret = api_token_create(user=cast.sam, name="运维")
    own_admin = Membership.objects.get(user=cast.sam, role="system_admin")
    login(cast.sam).post(f"/users/{cast.sam.pk}/memberships/{own_admin.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None and works(secret)


def test_revoked_tokens_stay_refused_and_each_refusal_is_audited(cast: Any, login: Any) -> None:
    token, secret = api_token_create(user=cast.bob, name="登记系统")
    login(cast.sam).post(f"/users/{cast.bob.pk}/active/", {"active": "0"})
    login(cast.sam).post(f"/users/{cast.bob.pk}/active/", {"active": "1"})
    for _ in range(2):
        assert not works(secret)
    rejects = Event.objects.filter(action="api_token.reject", object_id=str(token.pk))
    assert [e.detail["reason"] for e in rejects] == ["revoked", "revoked"]


def test_a_new_role_revokes_the_users_tokens(cast: Any) -> None:
    # A token minted for a regulator's system must not become a system admin's credential.
    tokens = tokens_of(cast.alice)
    membership_grant(user=cast.alice, role="system_admin", by=cast.sam)
    assert_only_active_revoked(tokens, TokenRevocation.ROLE_CHANGE, cast.sam)


def test_granting_a_role_the_user_already_holds_keeps_the_tokens(cast: Any) -> None:
    token, secret = api_token_create(user=cast.alice, name="登记系统")
    membership_grant(user=cast.alice, role="regulator", region=Region.objects.get(code="430202"), by=cast.sam)
    token.refresh_from_db()
    assert token.revoked_at is None and works(secret)
