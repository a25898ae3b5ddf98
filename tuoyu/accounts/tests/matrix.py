"""The permission-matrix rows of accounts: signing in and out, one's own account and API tokens, and account
administration (tuoyu/accounts/urls.py, user_urls.py, api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tuoyu.accounts.models import ApiToken, Role
from tuoyu.accounts.services import membership_grant, user_create
from tuoyu.audit.models import Event
from tuoyu.testing.matrix import (
    SIGNED_IN,
    Check,
    Env,
    SignedInSelf,
    no_foreign,
    problem,
    self_client,
    status_of,
    to_login,
)


class AnonymousOnlyLogin(Check):
    """The login form is for anonymous visitors; a signed-in user is sent home."""

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get("/accounts/login/")
        if role == "anonymous":
            status_of(response, role, "GET login", 200)
        else:
            status_of(response, role, "GET login", 302)
            assert response["Location"] == "/"


class Logout(Check):
    """POST only; afterwards the client is anonymous."""

    def __call__(self, env: Env, role: str) -> None:
        c = self_client(env, role)
        status_of(c.get("/accounts/logout/"), role, "GET logout", 405)
        status_of(c.post("/accounts/logout/"), role, "POST logout", 302)
        assert c.get("/api/v1/me").status_code == 401


class MfaPage(Check):
    """Enrolment and challenge: for signed-in users; which one they land on depends on their device."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get(self.path)
        if role == "anonymous":
            to_login(response, role, self.path)
            return
        has_device = env.user(role).requires_mfa  # the login fixture enrols exactly these
        expected_page = "/accounts/mfa/verify/" if has_device else "/accounts/mfa/setup/"
        if self.path == expected_page:
            status_of(response, role, self.path, 200)
        else:
            status_of(response, role, self.path, 302)
            assert response["Location"].startswith(expected_page)


class PiiReveal(Check):
    """POST only: the user's own full value, audited; GET is refused."""

    def __init__(self, path: str, action: str) -> None:
        self.path, self.action = path, action

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        if role == "anonymous":
            to_login(c.post(self.path), role, self.path)
            return
        status_of(c.get(self.path), role, f"GET {self.path}", 405)
        status_of(c.post(self.path), role, f"POST {self.path}", 200)
        event = Event.objects.filter(action=self.action).order_by("-id").first()
        assert event is not None and event.object_id == str(env.user(role).pk)


class TokenRevokeWeb(Check):
    """POST /accounts/tokens/<id>/revoke/: one's own token only; another's answers 404 and stays active."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        theirs = env.token_of(env.other_than(role))
        url = f"/accounts/tokens/{theirs.pk}/revoke/"
        if role == "anonymous":
            to_login(c.post(url), role, url)
        else:
            status_of(c.get(url), role, f"GET {url}", 405)
            status_of(c.post(url), role, f"POST {url} (another's)", 404)
            own = env.token_of(role)
            status_of(c.post(f"/accounts/tokens/{own.pk}/revoke/"), role, "POST revoke (own)", 302)
            own.refresh_from_db()
            assert own.revoked_at is not None
        theirs.refresh_from_db()
        assert theirs.revoked_at is None, f"{role} revoked someone else's token"


class SystemAdminOnly(Check):
    """Account administration: the system admin only; everyone else 404 and nothing changes."""

    def __init__(self, path: str, method: str = "get", admin_status: int = 200) -> None:
        self.path, self.method, self.admin_status = path, method, admin_status

    def __call__(self, env: Env, role: str) -> None:
        target = user_create(username=f"target-{role}", password="x", phone="13900139000", validate=False)
        membership = membership_grant(user=target, role=Role.PARENT)
        path = self.path.format(user_id=target.pk, membership_id=membership.pk)
        data = {"active": "0"} if self.method == "post" else None
        response = getattr(env.client(role), self.method)(path, data)
        what = f"{self.method.upper()} {path}"
        if role == "anonymous":
            to_login(response, role, what)
        elif role == "sam":
            status_of(response, role, what, self.admin_status)
        else:
            status_of(response, role, what, 404)
        if role != "sam":
            target.refresh_from_db()
            membership.refresh_from_db()
            assert target.is_active and membership.is_active, f"{role} changed an account via {what}"


@dataclass
class ApiSelf(Check):
    """Any signed-in user or token, about themselves; anonymous 401."""

    method: str
    path: str
    status: int = 200

    def __call__(self, env: Env, role: str) -> None:
        for r in SIGNED_IN:
            if not ApiToken.objects.filter(user=env.user(r)).exists():
                env.token_of(r)
        c = env.client(role)
        what = f"{self.method} {self.path}"
        if self.method == "POST":
            response = c.post(self.path, {"name": f"{role}-新令牌"}, content_type="application/json")
        else:
            response = c.generic(self.method, self.path)
        if role == "anonymous":
            problem(response, role, what, 401)
            return
        status_of(response, role, what, self.status)
        no_foreign(response, role, what, env)
        body = response.json()
        if self.path == "/api/v1/me":
            assert body["username"] == role
        elif self.method == "POST":
            assert ApiToken.objects.get(pk=body["id"]).user == env.user(role)
        else:
            names = {t["name"] for t in body["items"]}
            assert names == {f"{role}-令牌"}, f"{role} {what}: {names}"


class ApiTokenRevoke(Check):
    """DELETE /api/v1/tokens/{id}: one's own only; another's 404 and stays active; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        theirs = env.token_of(env.other_than(role))
        if role == "anonymous":
            problem(c.delete(f"/api/v1/tokens/{theirs.pk}"), role, "DELETE token", 401)
        else:
            problem(c.delete(f"/api/v1/tokens/{theirs.pk}"), role, "DELETE another's token", 404)
            own = env.token_of(role)
            status_of(c.delete(f"/api/v1/tokens/{own.pk}"), role, "DELETE own token", 204)
            own.refresh_from_db()
            assert own.revoked_at is not None
        theirs.refresh_from_db()
        assert theirs.revoked_at is None, f"{role} revoked someone else's token"


ROWS: dict[str, Check] = {
    # signing in and out
    "accounts/login/": AnonymousOnlyLogin(),
    "accounts/logout/": Logout(),
    "accounts/mfa/setup/": MfaPage("/accounts/mfa/setup/"),
    "accounts/mfa/verify/": MfaPage("/accounts/mfa/verify/"),
    "accounts/password/": SignedInSelf("/accounts/password/"),
    "accounts/profile/": SignedInSelf("/accounts/profile/"),
    "accounts/profile/phone/": PiiReveal("/accounts/profile/phone/", "user.phone_reveal"),
    "accounts/profile/id-number/": PiiReveal("/accounts/profile/id-number/", "user.id_number_reveal"),
    "accounts/tokens/": SignedInSelf("/accounts/tokens/", expect_text="{role}-令牌"),
    "accounts/tokens/<int:token_id>/revoke/": TokenRevokeWeb(),
    # the system admin
    "users/": SystemAdminOnly("/users/"),
    "users/new/": SystemAdminOnly("/users/new/"),
    "users/<int:user_id>/": SystemAdminOnly("/users/{user_id}/"),
    "users/<int:user_id>/active/": SystemAdminOnly("/users/{user_id}/active/", "post", 302),
    "users/<int:user_id>/memberships/<int:membership_id>/revoke/": SystemAdminOnly(
        "/users/{user_id}/memberships/{membership_id}/revoke/", "post", 302
    ),
    # the API
    "GET /api/v1/me": ApiSelf("GET", "/api/v1/me"),
    "GET /api/v1/tokens": ApiSelf("GET", "/api/v1/tokens"),
    "POST /api/v1/tokens": ApiSelf("POST", "/api/v1/tokens", 201),
    "DELETE /api/v1/tokens/{token_id}": ApiTokenRevoke(),
}
