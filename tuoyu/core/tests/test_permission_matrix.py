"""The permission matrix: every URL and API operation × every role × an object inside and outside its reach.

Every URL pattern of ``tuoyu.urls`` and every operation of the API must have a row in ``MATRIX``. A new URL
fails ``test_every_url_and_api_operation_is_classified`` until someone decides who may open it and writes
the row; the row's check then proves the decision for the whole cast (see tuoyu/testing/fixtures.py).

Jurisdiction is probed with four regions: 430202001 (月塘街道, a street of 株洲 荷塘区), 430203 (株洲 芦淞区),
430200 (株洲市) and 410611 (鹤壁 淇滨区). Missing and forbidden objects answer alike: 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tuoyu.accounts.models import ApiToken, Membership, Role, User
from tuoyu.accounts.services import api_token_create, membership_grant, user_create
from tuoyu.audit.models import Event
from tuoyu.core import scoping
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.institutions.models import Institution
from tuoyu.notifications.models import Notification
from tuoyu.notifications.services import notify
from tuoyu.regions.models import Region, RegionPopulation
from tuoyu.testing.filings import fill_form
from tuoyu.testing.fixtures import Cast

ROLES = [
    "anonymous",
    "zhou",
    "alice",
    "bob",
    "carol",
    "ivan",
    "clerk",
    "audrey",
    "sam",
    "ann",
    "ben",
    "stacy",
    "pat",
]
SIGNED_IN = ROLES[1:]

# The probe regions each role may see. Regions are for regulators (in their jurisdiction) and the system admin.
PROBES = ["430202001", "430203", "430200", "410611"]
SIGHT: dict[str, set[str]] = {
    "zhou": {"430202001", "430203", "430200"},
    "alice": {"430202001"},
    "bob": {"430203"},
    "carol": {"410611"},
    "ivan": {"430202001"},
    "clerk": {"430202001", "430203", "430200"},
    "sam": set(PROBES),
}
# The prefixes every region a role sees must start with (None: everything).
JURISDICTION: dict[str, tuple[str, ...] | None] = {
    "zhou": ("4302",),
    "alice": ("430202",),
    "bob": ("430203",),
    "carol": ("4106",),
    "ivan": ("430202",),
    "clerk": ("4302",),
    "sam": None,
}
# Names that must not appear on a role's own pages (another jurisdiction's regions or institutions).
FOREIGN: dict[str, list[str]] = {
    "zhou": ["淇滨区", "鹤壁"],
    "alice": ["淇滨区", "鹤壁", "芦淞区"],
    "bob": ["淇滨区", "鹤壁", "荷塘区"],
    "carol": ["株洲", "荷塘区", "芦淞区"],
    "ivan": ["淇滨区", "鹤壁", "芦淞区"],
    "clerk": ["淇滨区", "鹤壁"],
    "audrey": ["荷塘区", "芦淞区", "淇滨区"],
    "sam": [],
    "ann": ["芦淞区", "淇滨区"],
    "ben": ["荷塘区", "淇滨区"],
    "stacy": ["芦淞区", "淇滨区"],
    "pat": ["荷塘区", "芦淞区", "淇滨区"],
}


# --- walking the URLconf and the API ----------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _api_operations() -> dict[str, set[str]]:
    """OpenAPI path (``/api/v1/regions/{code}``) → its methods, from the API's own schema."""
    from tuoyu.api import api

    schema = api.get_openapi_schema()
    return {path: {m.upper() for m in ops} for path, ops in schema["paths"].items()}


def _route_to_openapi(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def endpoints() -> set[str]:
    """Every web route (``regions/<str:code>/``) and every API operation (``GET /api/v1/regions/{code}``)."""
    operations = _api_operations()
    found: set[str] = set()
    for route in _walk(get_resolver().url_patterns):
        path = _route_to_openapi(route)
        if path in operations:
            found |= {f"{method} {path}" for method in operations[path]}
        else:
            found.add(route)
    for path, methods in operations.items():  # an operation with no URL would be a bug in itself
        found |= {f"{method} {path}" for method in methods}
    return found


# --- the environment a check runs in ----------------------------------------------------------------


@dataclass
class Env:
    cast: Cast
    login: Any
    clients: dict[str, Client] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return getattr(self.cast, role)

    def client(self, role: str) -> Client:
        if role not in self.clients:
            self.clients[role] = Client() if role == "anonymous" else self.login(self.user(role))
        return self.clients[role]

    def token_of(self, role: str) -> ApiToken:
        token, _ = api_token_create(user=self.user(role), name=f"{role}-令牌")
        return token

    def other_than(self, role: str) -> str:
        return "bob" if role == "alice" else "alice"


def status_of(response: Any, role: str, what: str, expected: int) -> None:
    assert response.status_code == expected, (
        f"{role} {what}: expected {expected}, got {response.status_code} {response.content[:200]!r}"
    )


def to_login(response: Any, role: str, what: str) -> None:
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (
        f"{role} {what}: expected a redirect to the login page, got {response.status_code}"
    )


def problem(response: Any, role: str, what: str, expected: int) -> None:
    status_of(response, role, what, expected)
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE, f"{role} {what}: not problem+json"


def no_foreign(response: Any, role: str, what: str, env: Env) -> None:
    text = response.content.decode()
    for marker in FOREIGN[role]:
        assert marker not in text, f"{role} {what}: shows {marker}, outside their reach"
    for other in SIGNED_IN:
        if other != role:
            assert f"{other}-令牌" not in text, f"{role} {what}: shows {other}'s API token"


# --- the classifications ----------------------------------------------------------------------------


class Check:
    def __call__(self, env: Env, role: str) -> None:
        raise NotImplementedError


@dataclass
class Public(Check):
    """Anyone, signed in or not, gets the same answer (health checks, the API's schema and docs)."""

    path: str
    status: int = 200

    def __call__(self, env: Env, role: str) -> None:
        status_of(env.client(role).get(self.path), role, f"GET {self.path}", self.status)


@dataclass
class ApiNotFound(Check):
    """The catch-all under /api/: 404 problem+json for everyone."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        problem(env.client(role).get(self.path), role, f"GET {self.path}", 404)


class SetLanguage(Check):
    """Anyone may switch the language (POST only)."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        status_of(c.post("/i18n/setlang/", {"language": "en", "next": "/"}), role, "POST setlang", 302)
        c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})


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


def self_client(env: Env, role: str) -> Client:
    """A fresh client of its own, for checks that change the session."""
    return Client() if role == "anonymous" else env.login(env.user(role))


@dataclass
class SignedInSelf(Check):
    """Any signed-in user, about their own account only; anonymous visitors go to the login page."""

    path: str
    method: str = "get"
    expect_text: str | None = None

    def __call__(self, env: Env, role: str) -> None:
        for r in SIGNED_IN:
            if not ApiToken.objects.filter(user=env.user(r)).exists():
                env.token_of(r)
        response = getattr(env.client(role), self.method)(self.path)
        what = f"{self.method.upper()} {self.path}"
        if role == "anonymous":
            to_login(response, role, what)
            return
        status_of(response, role, what, 200)
        no_foreign(response, role, what, env)
        if self.expect_text:
            assert self.expect_text.format(role=role) in response.content.decode(), f"{role} {what}"


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


class RegionTree(Check):
    """The region tree: regulators (their jurisdiction) and the system admin; everyone else 404."""

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get("/regions/")
        if role == "anonymous":
            to_login(response, role, "/regions/")
        elif role in SIGHT:
            status_of(response, role, "GET /regions/", 200)
            no_foreign(response, role, "/regions/", env)
            for m in env.user(role).active_memberships():
                if m.region is not None:
                    assert m.region.code in response.content.decode(), f"{role} /regions/: no {m.region}"
        else:
            status_of(response, role, "GET /regions/", 404)


class RegionPage(Check):
    """/regions/<code>/: 200 inside the jurisdiction, 404 outside (the same as a code that does not exist)."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for code in PROBES:
            response = c.get(f"/regions/{code}/")
            if role == "anonymous":
                to_login(response, role, f"/regions/{code}/")
            else:
                status_of(response, role, f"/regions/{code}/", 200 if code in SIGHT.get(role, ()) else 404)
                if response.status_code == 200:
                    no_foreign(response, role, f"/regions/{code}/", env)
        if role != "anonymous":
            status_of(c.get("/regions/999999/"), role, "/regions/999999/", 404)


class AuditorOnly(Check):
    """The audit trail: the auditor only (三员分立 — not even the system admin)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get(self.path)
        if role == "anonymous":
            to_login(response, role, self.path)
        else:
            status_of(response, role, self.path, 200 if role == "audrey" else 404)


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


# --- API operations ---------------------------------------------------------------------------------


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


class ApiRegionList(Check):
    """GET /api/v1/regions: only codes inside the jurisdiction; nothing for roles without regions."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        if role == "anonymous":
            problem(c.get("/api/v1/regions"), role, "GET regions", 401)
            return
        for code in PROBES:
            body = c.get(f"/api/v1/regions?within={code}&limit=200").json()
            listed = code in {r["code"] for r in body["items"]}
            assert listed == (code in SIGHT.get(role, ())), f"{role} list within {code}: listed={listed}"
        body = c.get("/api/v1/regions?limit=200").json()
        prefixes = JURISDICTION.get(role, ())
        if prefixes is None:
            assert body["count"] == Region.objects.count()
        else:
            assert all(r["code"].startswith(prefixes) for r in body["items"]), f"{role} sees outside"
            expected = sum(Region.objects.filter(prefix__startswith=p).count() for p in prefixes)
            assert body["count"] == expected, f"{role}: {body['count']} regions, expected {expected}"


class ApiRegionDetail(Check):
    """GET /api/v1/regions/{code}: 200 inside, 404 problem outside and for a missing code; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for code in PROBES:
            response = c.get(f"/api/v1/regions/{code}")
            if role == "anonymous":
                problem(response, role, f"GET region {code}", 401)
            elif code in SIGHT.get(role, ()):
                status_of(response, role, f"GET region {code}", 200)
                children = {ch["code"] for ch in response.json()["children"]}
                prefixes = JURISDICTION[role]
                assert prefixes is None or all(ch.startswith(prefixes) for ch in children)
            else:
                problem(response, role, f"GET region {code}", 404)


# --- institutions and registrations -----------------------------------------------------------------

# The cast's institutions each role may see: inst_a (荷塘区), inst_b (芦淞区), inst_hebi (鹤壁 淇滨区).
INSTITUTION_SIGHT: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "carol": {"inst_hebi"},
    "ivan": {"inst_a"},
    "clerk": {"inst_a", "inst_b"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
    "stacy": {"inst_a"},
}
# Who may reveal the full ID numbers on an institution: the health bureau, and the institution's own admin.
INSTITUTION_REVEAL: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "carol": {"inst_hebi"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
}
INSTITUTIONS = ["inst_a", "inst_b", "inst_hebi"]


class InstitutionListPage(Check):
    """/institutions/: the institutions in reach, nothing else; roles with none get 404."""

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get("/institutions/")
        if role == "anonymous":
            to_login(response, role, "/institutions/")
            return
        sight = INSTITUTION_SIGHT.get(role, set())
        status_of(response, role, "GET /institutions/", 200 if sight else 404)
        if sight:
            text = response.content.decode()
            for name in INSTITUTIONS:
                shown = getattr(env.cast, name).name in text
                assert shown == (name in sight), f"{role} /institutions/: {name} shown={shown}"


class InstitutionPage(Check):
    """/institutions/<id>/: 200 in reach, 404 outside (as for a missing id)."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in INSTITUTIONS:
            url = f"/institutions/{getattr(env.cast, name).pk}/"
            response = c.get(url)
            if role == "anonymous":
                to_login(response, role, url)
            else:
                status_of(response, role, url, 200 if name in INSTITUTION_SIGHT.get(role, ()) else 404)
        if role != "anonymous":
            status_of(c.get("/institutions/99999999/"), role, "missing institution", 404)


class InstitutionReveal(Check):
    """POST /institutions/<id>/reveal/<field>/: the health bureau and the institution's admin; audited."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in INSTITUTIONS:
            inst = getattr(env.cast, name)
            url = f"/institutions/{inst.pk}/reveal/legal_rep_id_number/"
            if role == "anonymous":
                to_login(c.post(url), role, url)
                continue
            status_of(c.get(url), role, f"GET {url}", 405)
            allowed = name in INSTITUTION_REVEAL.get(role, ())
            status_of(c.post(url), role, f"POST {url}", 200 if allowed else 404)
            if allowed:
                assert Event.objects.filter(
                    action="institution.legal_rep_id_number_reveal",
                    object_id=str(inst.pk),
                    actor=env.user(role),
                ).exists()
        if role in INSTITUTION_REVEAL:
            own = getattr(env.cast, sorted(INSTITUTION_REVEAL[role])[0])
            status_of(c.post(f"/institutions/{own.pk}/reveal/password/"), role, "reveal a non-PII field", 404)


@dataclass
class RolesOnly(Check):
    """A page for some roles only; everyone else 404; anonymous to the login page."""

    path: str
    roles: tuple[str, ...]

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get(self.path)
        if role == "anonymous":
            to_login(response, role, self.path)
        else:
            status_of(response, role, self.path, 200 if role in self.roles else 404)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                no_foreign(response, role, self.path, env)


class ApiInstitutionList(Check):
    """GET /api/v1/institutions: exactly the institutions in reach; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get("/api/v1/institutions?limit=200")
        if role == "anonymous":
            problem(response, role, "GET institutions", 401)
            return
        status_of(response, role, "GET institutions", 200)
        listed = {i["id"] for i in response.json()["items"]}
        expected = {getattr(env.cast, n).pk for n in INSTITUTION_SIGHT.get(role, set())}
        assert listed == expected, f"{role} GET /api/v1/institutions: {listed} != {expected}"


class ApiInstitutionDetail(Check):
    """GET /api/v1/institutions/{id}: 200 in reach; 404 problem outside; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in INSTITUTIONS:
            response = c.get(f"/api/v1/institutions/{getattr(env.cast, name).pk}")
            if role == "anonymous":
                problem(response, role, f"GET institution {name}", 401)
            elif name in INSTITUTION_SIGHT.get(role, ()):
                status_of(response, role, f"GET institution {name}", 200)
                assert (
                    "*" in response.json()["legal_rep_id_number_masked"]
                    or not getattr(env.cast, name).legal_rep_id_number
                )
            else:
                problem(response, role, f"GET institution {name}", 404)


class ApiRegistrationPush(Check):
    """POST /api/v1/registrations: a registration clerk, for their own authority and region only."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.institutions.tests.factories import registration_payload

        c = env.client(role)
        inside = registration_payload(seq=ROLES.index(role) * 2, region="430202001")
        outside = registration_payload(seq=ROLES.index(role) * 2 + 1, region="410611")
        # An existing institution outside the clerk's reach, named with a region inside it (issue 9).
        hebi = env.cast.inst_hebi
        takeover = registration_payload(seq=ROLES.index(role) * 2 + 40, uscc=hebi.uscc, region="430202001")
        before = Institution.objects.count()
        r_in = c.post("/api/v1/registrations", inside, content_type="application/json")
        r_out = c.post("/api/v1/registrations", outside, content_type="application/json")
        r_take = c.post("/api/v1/registrations", takeover, content_type="application/json")
        hebi.refresh_from_db()
        assert (hebi.region_id, hebi.name) == ("410611", "鹤壁市淇滨区乐育托育中心"), (
            f"{role} moved inst_hebi"
        )
        if role == "anonymous":
            problem(r_in, role, "push", 401)
            problem(r_out, role, "push", 401)
            problem(r_take, role, "push", 401)
        elif role == "clerk":
            status_of(r_in, role, "push inside", 201)
            problem(r_out, role, "push outside", 403)
            problem(r_take, role, "push over another city's institution", 403)
            assert Institution.objects.count() == before + 1
            return
        else:
            problem(r_in, role, "push inside", 403)
            problem(r_out, role, "push outside", 403)
            problem(r_take, role, "push over another city's institution", 403)
        assert Institution.objects.count() == before, f"{role} created an institution"


# The declared lists' exports (core.lists, ?format=csv|xlsx on the list page): who reads the region's list.
INSTITUTION_EXPORT: dict[str, set[str]] = {
    role: sight
    for role, sight in INSTITUTION_SIGHT.items()
    if role in {"zhou", "alice", "bob", "carol", "ivan", "clerk"}
}
PENDING_ROLES = ("zhou", "alice", "bob", "carol")


@dataclass
class Checks(Check):
    """Several checks for one row: a page and its export parameters."""

    checks: tuple[Check, ...]

    def __call__(self, env: Env, role: str) -> None:
        for check in self.checks:
            check(env, role)


def _exported_names(response: Any) -> set[str]:
    import csv
    import io

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}


def _institution_names(env: Env) -> dict[str, str]:
    return {n: getattr(env.cast, n).name for n in INSTITUTIONS}


@dataclass
class ListExport(Check):
    """``<list>?format=csv`` (and xlsx): the rows the role may export (``sight``: role → the keys of
    ``names(env)`` it may see), audited; without the export right 404; anonymous to the login page."""

    path: str
    action: str
    sight: dict[str, set[str]]
    names: Any = _institution_names

    def __call__(self, env: Env, role: str) -> None:
        names = self.names(env)  # (makes the rows the check looks for)
        c = env.client(role)
        url = f"{self.path}?format=csv"
        response = c.get(url)
        if role == "anonymous":
            to_login(response, role, url)
            return
        allowed = self.sight.get(role)
        status_of(response, role, url, 200 if allowed is not None else 404)
        status_of(c.get(f"{self.path}?format=xlsx"), role, "xlsx", 200 if allowed is not None else 404)
        status_of(c.get(f"{self.path}?format=html"), role, "an unknown format", 404)
        if allowed is None:
            assert not Event.objects.filter(action=self.action, actor=env.user(role)).exists(), role
            return
        exported = _exported_names(response)
        shown = {key for key, name in names.items() if name in exported}
        assert shown == shown & allowed, f"{role} {url}: exported {shown - allowed}"
        assert Event.objects.filter(action=self.action, actor=env.user(role)).count() >= 2, role


# --- region transfers (跨辖区区划变更): the city over both regions decides ----------------------------

# Who reads the requests: the health bureau of the old or the new region, and the registering authority's
# clerks of the old region. Who decides: the city admin whose region holds both.
TRANSFER_SIGHT: dict[str, set[str]] = {
    "zhou": {"inside"},
    "alice": {"inside"},
    "bob": {"inside"},
    "carol": {"outside"},
    "clerk": {"inside"},
}
TRANSFER_DECIDE: dict[str, set[str]] = {"zhou": {"inside"}, "carol": {"outside"}}


def region_transfers(env: Env) -> dict[str, Any]:
    """A pending move inside 株洲 (inst_a, 荷塘区 → 芦淞区) and one inside 鹤壁 (inst_hebi, 淇滨区 → 鹤山区)."""
    from tuoyu.institutions.models import RegionTransfer, Registration, TransferStatus

    out = {}
    for name, inst, to in (("inside", env.cast.inst_a, "430203"), ("outside", env.cast.inst_hebi, "410602")):
        RegionTransfer.objects.filter(institution=inst, status=TransferStatus.PENDING).update(
            status=TransferStatus.SUPERSEDED
        )
        Institution.objects.filter(pk=inst.pk).update(
            region_id=inst.region_id, region_prefix=inst.region_prefix
        )
        registration = Registration.objects.create(
            institution=inst,
            authority="market_regulation",
            source="api",
            payload={"region": to},
            payload_hash="-",
            outcome="unchanged",
            recorded_by=env.cast.clerk,
        )
        out[name] = RegionTransfer.objects.create(
            institution=inst,
            from_region=inst.region,
            to_region=Region.objects.get(code=to),
            registration=registration,
            requested_by=env.cast.clerk,
        )
    return out


def _transfer_status(transfer: Any) -> str:
    transfer.refresh_from_db()
    return transfer.status


class RegionTransferPage(Check):
    """/institutions/region-transfers/: the city admins, each with the requests over their city only."""

    def __call__(self, env: Env, role: str) -> None:
        transfers = region_transfers(env)
        response = env.client(role).get("/institutions/region-transfers/")
        path = "/institutions/region-transfers/"
        if role == "anonymous":
            to_login(response, role, path)
            return
        status_of(response, role, path, 200 if role in TRANSFER_DECIDE else 404)
        if response.status_code == 200:
            no_foreign(response, role, path, env)
            text = response.content.decode()
            for name, t in transfers.items():
                shown = f'id="transfer-{t.pk}"' in text
                assert shown == (name in TRANSFER_DECIDE[role]), f"{role} {path}: {name} shown={shown}"


@dataclass
class RegionTransferDecideWeb(Check):
    """POST /institutions/region-transfers/<id>/approve|reject/: the city over both regions; else 404."""

    action: str

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name, t in region_transfers(env).items():
            url = f"/institutions/region-transfers/{t.pk}/{self.action}/"
            response = c.post(url, {f"t{t.pk}-comment": "经核实"})
            if role == "anonymous":
                to_login(response, role, url)
            else:
                allowed = name in TRANSFER_DECIDE.get(role, ())
                status_of(response, role, f"POST {url}", 302 if allowed else 404)
            expected = "pending"
            if role in TRANSFER_DECIDE and name in TRANSFER_DECIDE[role]:
                expected = "approved" if self.action == "approve" else "rejected"
            assert _transfer_status(t) == expected, f"{role} {self.action} {name}"
        if role != "anonymous":
            status_of(c.get(f"/institutions/region-transfers/{t.pk}/{self.action}/"), role, "GET", 405)


class ApiRegionTransferList(Check):
    """GET /api/v1/region-transfers: exactly the requests in reach; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        transfers = region_transfers(env)
        response = env.client(role).get("/api/v1/region-transfers?status=pending&limit=200")
        if role == "anonymous":
            problem(response, role, "GET region-transfers", 401)
            return
        status_of(response, role, "GET region-transfers", 200)
        listed = {i["id"] for i in response.json()["items"]}
        expected = {transfers[n].pk for n in TRANSFER_SIGHT.get(role, set())}
        assert listed == expected, f"{role} GET /api/v1/region-transfers: {listed} != {expected}"


@dataclass
class ApiRegionTransferDecide(Check):
    """POST /api/v1/region-transfers/{id}/approve|reject: the city over both regions; 404 problem else."""

    action: str

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name, t in region_transfers(env).items():
            path = f"/api/v1/region-transfers/{t.pk}/{self.action}"
            response = c.post(path, {"comment": "经核实"}, content_type="application/json")
            allowed = name in TRANSFER_DECIDE.get(role, ())
            if role == "anonymous":
                problem(response, role, path, 401)
            elif allowed:
                status_of(response, role, path, 200)
            else:
                problem(response, role, path, 404)
            expected = "pending"
            if allowed and role != "anonymous":
                expected = "approved" if self.action == "approve" else "rejected"
            assert _transfer_status(t) == expected, f"{role} {self.action} {name}"


# --- notifications: everyone's inbox is their own ----------------------------------------------------


def tell(env: Env, role: str) -> Notification:
    """A new unread notification for ``role``."""
    (n,) = notify(recipients=[env.user(role)], kind="test.matrix", title=f"«{role}»的消息", body="", link="/")
    return n


def everyone_told(env: Env) -> None:
    for r in SIGNED_IN:
        if not Notification.objects.filter(recipient=env.user(r)).exists():
            tell(env, r)


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def refused_anonymous(response: Any, path: str) -> None:
    if is_api(path):
        problem(response, "anonymous", path, 401)
    else:
        to_login(response, "anonymous", path)


@dataclass
class OwnInbox(Check):
    """The inbox (web page or API list): one's own notifications, never another's — not even for the system
    admin or the auditor. Anonymous: the login page (web) or 401 (API)."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        everyone_told(env)
        response = env.client(role).get(self.path)
        if role == "anonymous":
            refused_anonymous(response, self.path)
            return
        what = f"GET {self.path}"
        status_of(response, role, what, 200)
        text = (
            json.dumps(response.json(), ensure_ascii=False)
            if is_api(self.path)
            else response.content.decode()
        )
        assert f"«{role}»的消息" in text, f"{role} {what}: own notification missing"
        for other in SIGNED_IN:
            if other != role:
                assert f"«{other}»的消息" not in text, f"{role} {what}: shows {other}'s notification"


@dataclass
class MarkOwnNotification(Check):
    """POST …/{id}/open/ (web) or …/{id}/read (API): one's own marks it read; another's answers 404 and stays
    unread; GET is refused on the web; anonymous to the login page (web) or 401 (API)."""

    path: str
    own_status: int

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        theirs = tell(env, env.other_than(role))
        url = self.path.format(notification_id=theirs.pk)
        if role == "anonymous":
            refused_anonymous(c.post(url), url)
        else:
            if not is_api(url):
                status_of(c.get(url), role, f"GET {url}", 405)
            response = c.post(url)
            status_of(response, role, f"POST {url} (another's)", 404)
            own = tell(env, role)
            status_of(c.post(self.path.format(notification_id=own.pk)), role, "POST (own)", self.own_status)
            own.refresh_from_db()
            assert own.read_at is not None, f"{role}: own notification still unread"
        theirs.refresh_from_db()
        assert theirs.read_at is None, f"{role} marked someone else's notification read"


@dataclass
class MarkAllOwnNotifications(Check):
    """POST read-all: marks one's own, nobody else's; anonymous to the login page (web) or 401 (API)."""

    path: str
    own_status: int

    def __call__(self, env: Env, role: str) -> None:
        everyone_told(env)
        Notification.objects.update(read_at=None)
        response = env.client(role).post(self.path)
        read_by = set(
            Notification.objects.filter(read_at__isnull=False).values_list("recipient_id", flat=True)
        )
        if role == "anonymous":
            refused_anonymous(response, self.path)
            assert not read_by
            return
        status_of(response, role, f"POST {self.path}", self.own_status)
        assert read_by == {env.user(role).pk}, f"{role} POST {self.path}: marked others' notifications read"


# --- the holiday table (calendar) -------------------------------------------------------------------

# Regulators read the holiday table (their deadlines are counted with it); only the system admin changes it.
CALENDAR_READERS = {"zhou", "alice", "bob", "carol", "ivan", "clerk", "sam"}


@dataclass
class CalendarRead(Check):
    """A holiday-table page: the system admin and regulators read it; everyone else 404."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get(self.path)
        if role == "anonymous":
            to_login(response, role, self.path)
        elif role in CALENDAR_READERS:
            status_of(response, role, self.path, 200)
            no_foreign(response, role, self.path, env)
        else:
            status_of(response, role, self.path, 404)


class CalendarWrite(Check):
    """A change to the holiday table (POST only): the system admin; regulators and everyone else 404, and
    the table stays as it was. Each role works on a year of its own."""

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(self, env: Env, role: str) -> None:
        import datetime as dt

        from tuoyu.calendars.models import HolidayDate, HolidayYear
        from tuoyu.calendars.services import holiday_date_add

        year = 2030 + ROLES.index(role)
        day = holiday_date_add(by=env.cast.sam, date=dt.date(year, 1, 1), kind="holiday", name="元旦")
        path, data, changed = {
            "add": (
                f"/calendar/{year}/dates/",
                {"date": f"{year}-10-01", "kind": "holiday", "name": "国庆节"},
                lambda: HolidayDate.objects.filter(date=dt.date(year, 10, 1)).exists(),
            ),
            "remove": (
                f"/calendar/{year}/dates/{day.pk}/remove/",
                {},
                lambda: not HolidayDate.objects.filter(pk=day.pk).exists(),
            ),
            "import": (
                f"/calendar/{year}/import/",
                {"text": f"{year}-05-01,holiday,劳动节"},
                lambda: HolidayDate.objects.filter(date=dt.date(year, 5, 1)).exists(),
            ),
            "publish": (
                f"/calendar/{year}/publish/",
                {"source": f"国务院办公厅关于{year}年部分节假日安排的通知"},
                lambda: HolidayYear.objects.get(year=year).published,
            ),
        }[self.action]
        c = env.client(role)
        response = c.post(path, data)
        if role == "anonymous":
            to_login(response, role, path)
        elif role == "sam":
            status_of(response, role, f"POST {path}", 302)
            assert changed(), f"sam: POST {path} changed nothing"
        else:
            status_of(c.get(path), role, f"GET {path}", 405)
            status_of(response, role, f"POST {path}", 404)
        if role != "sam":
            assert not changed(), f"{role} changed the holiday table via POST {path}"


class ApiWorkdays(Check):
    """GET /api/v1/calendar/workdays: a calculator over the published schedule, for anyone signed in."""

    def __call__(self, env: Env, role: str) -> None:
        path = "/api/v1/calendar/workdays?start=2025-09-26&n=5"
        response = env.client(role).get(path)
        if role == "anonymous":
            problem(response, role, path, 401)
        else:
            status_of(response, role, path, 200)
            assert response.json()["deadline"] == "2025-10-10"


class ApiCalendarYears(Check):
    """GET /api/v1/calendar/years: the system admin and regulators; everyone else 404; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        path = "/api/v1/calendar/years"
        response = env.client(role).get(path)
        if role == "anonymous":
            problem(response, role, path, 401)
        elif role in CALENDAR_READERS:
            status_of(response, role, path, 200)
            assert 2026 in {y["year"] for y in response.json()["items"]}
        else:
            problem(response, role, path, 404)


class InstitutionInvite(Check):
    """POST /institutions/<id>/invite/: the health bureau of the institution's region only."""

    INVITERS = {"zhou": {"inst_a", "inst_b"}, "alice": {"inst_a"}, "bob": {"inst_b"}, "carol": {"inst_hebi"}}

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.institutions.models import Invitation

        c = env.client(role)
        for name in INSTITUTIONS:
            inst = getattr(env.cast, name)
            url = f"/institutions/{inst.pk}/invite/"
            before = Invitation.objects.count()
            response = c.post(url, {"invitee_name": "王芳", "invitee_phone": "13912345678"})
            if role == "anonymous":
                to_login(response, role, url)
                continue
            allowed = name in self.INVITERS.get(role, ())
            status_of(response, role, f"POST {url}", 200 if allowed else 404)
            assert Invitation.objects.count() == before + (1 if allowed else 0), f"{role} {url}"
            status_of(c.get(url), role, f"GET {url}", 405)


class InvitationLink(Check):
    """/invitations/<token>/: anyone holding a valid link; an invalid one is 404 for everyone."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.institutions.services import invitation_create

        _, token = invitation_create(
            by=env.cast.alice,
            institution_id=env.cast.inst_a.pk,
            invitee_name="王芳",
            invitee_phone="13912345678",
        )
        c = env.client(role)
        status_of(c.get(f"/invitations/{token}/"), role, "GET valid invitation", 200)
        status_of(c.get("/invitations/forged-token/"), role, "GET forged invitation", 404)


class ImportReport(Check):
    """The last failed batch's report lives in the uploader's own session: nobody else has one."""

    def __call__(self, env: Env, role: str) -> None:
        path = "/institutions/registrations/import/report.xlsx"
        response = env.client(role).get(path)
        if role == "anonymous":
            to_login(response, role, path)
        else:
            status_of(response, role, path, 404)


# --- filings (备案) -----------------------------------------------------------------------------------

# Who reads a filing of inst_a / inst_b: its institution's admin and staff, the health bureau and the
# partner inspector of its county, the city admin. Who acts: the institution's admin (filer) and the
# bureau (reviewer) only.
FILING_SIGHT: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "ivan": {"inst_a"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
    "stacy": {"inst_a"},
}
FILING_FILER: dict[str, set[str]] = {"ann": {"inst_a"}, "ben": {"inst_b"}}
FILING_REVIEWER: dict[str, set[str]] = {"zhou": {"inst_a", "inst_b"}, "alice": {"inst_a"}, "bob": {"inst_b"}}
FILED = ["inst_a", "inst_b"]
MATRIX_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submitted_filing(env: Env, name: str) -> Any:
    """A submitted filing of the cast's institution ``name`` (made once per test, through the services)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuoyu.filings import services
    from tuoyu.filings.models import Filing

    institution = getattr(env.cast, name)
    existing = Filing.objects.filter(institution=institution).first()
    if existing is not None:
        return existing
    admin = env.user("ann" if name == "inst_a" else "ben")
    filing = services.filing_start(by=admin, institution_id=institution.pk)
    filing = fill_form(admin, filing)
    for kind in services.required_materials(filing):
        upload = SimpleUploadedFile("材料.pdf", MATRIX_PDF, content_type="application/pdf")
        services.filing_attach(by=admin, filing_id=filing.pk, kind=kind, upload=upload)
    return services.filing_submit(
        by=admin, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )


class FilingRead(Check):
    """GET /filings/<id>/ and its material downloads: in sight 200, otherwise 404 (as for a missing id)."""

    def __init__(self, material: bool = False) -> None:
        self.material = material

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            filing = submitted_filing(env, name)
            url = f"/filings/{filing.pk}/"
            if self.material:
                url += f"materials/{filing.materials.first().pk}/"
            response = c.get(url)
            if role == "anonymous":
                to_login(response, role, url)
                continue
            status_of(response, role, url, 200 if name in FILING_SIGHT.get(role, ()) else 404)
            if response.status_code == 200 and not self.material:
                no_foreign(response, role, url, env)
        if role != "anonymous":
            status_of(c.get("/filings/99999999/"), role, "missing filing", 404)


class FilingAct(Check):
    """POST /filings/<id>/<action>/: the filer or reviewer of that filing gets past the door (here to a
    refusal that changes nothing: a stale version or a bad file); everyone else 404, nothing changed."""

    def __init__(self, action: str, who: dict[str, set[str]], allowed_status: int) -> None:
        self.action, self.who, self.allowed_status = action, who, allowed_status

    def data(self) -> dict[str, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        base: dict[str, Any] = {"version": 999, "declaration": "on"}
        if self.action == "materials":
            return {"kind": "fire_safety", "file": SimpleUploadedFile("x.pdf", b"MZ" + b"\x00" * 64)}
        if self.action == "return":
            base |= {
                "reasons-TOTAL_FORMS": "1",
                "reasons-INITIAL_FORMS": "0",
                "reasons-0-item": "general",
                "reasons-0-reason": "补正",
            }
        return base

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            filing = submitted_filing(env, name)
            url = f"/filings/{filing.pk}/{self.action}/"
            before = (filing.version, filing.state, filing.materials.count())
            response = c.post(url, self.data())
            if role == "anonymous":
                to_login(response, role, url)
            else:
                allowed = name in self.who.get(role, ())
                status_of(response, role, f"POST {url}", self.allowed_status if allowed else 404)
            filing.refresh_from_db()
            assert (filing.version, filing.state, filing.materials.count()) == before, f"{role} changed {url}"


class FilingStart(Check):
    """POST /filings/start/: an institution's admin for their own institution; everyone else 404."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.filings.models import Filing

        c = env.client(role)
        for name in ("inst_a", "inst_b"):
            institution = getattr(env.cast, name)
            response = c.post("/filings/start/", {"institution": institution.pk})
            if role == "anonymous":
                to_login(response, role, "POST /filings/start/")
                continue
            allowed = name in FILING_FILER.get(role, ())
            status_of(response, role, f"POST /filings/start/ {name}", 302 if allowed else 404)
            assert Filing.objects.filter(institution=institution).exists() == allowed
            Filing.objects.filter(institution=institution).delete()


class FilingQueue(Check):
    """GET /filings/review/: the bureau (regulators, city admins), showing only filings in jurisdiction."""

    def __call__(self, env: Env, role: str) -> None:
        for name in FILED:
            submitted_filing(env, name)
        response = env.client(role).get("/filings/review/")
        if role == "anonymous":
            to_login(response, role, "/filings/review/")
            return
        reviewer = role in {"zhou", "alice", "bob", "carol"}
        status_of(response, role, "GET /filings/review/", 200 if reviewer else 404)
        if reviewer:
            no_foreign(response, role, "/filings/review/", env)
            text = response.content.decode()
            for name in FILED:
                shown = getattr(env.cast, name).name in text
                assert shown == (name in FILING_REVIEWER.get(role, ())), f"{role} queue: {name} shown={shown}"


def accepted_filing(env: Env, name: str) -> Any:
    """The cast institution's filing, accepted by its county bureau (made once per test)."""
    from tuoyu.filings import services
    from tuoyu.filings.models import FilingState

    filing = submitted_filing(env, name)
    if filing.state == FilingState.SUBMITTED:
        reviewer = env.user("alice" if name == "inst_a" else "bob")
        filing = services.filing_accept(by=reviewer, filing_id=filing.pk, version=filing.version)
    return filing


class FilingReceipt(Check):
    """GET /filings/<id>/receipt.pdf: whoever may read the accepted filing; others 404."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            url = f"/filings/{accepted_filing(env, name).pk}/receipt.pdf"
            response = c.get(url)
            if role == "anonymous":
                to_login(response, role, url)
            else:
                status_of(response, role, url, 200 if name in FILING_SIGHT.get(role, ()) else 404)


class FilingVerify(Check):
    """GET /verify/<number>/: public — a real number 200 for everyone, an unknown one 404."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        number = accepted_filing(env, "inst_a").number
        status_of(c.get(f"/verify/{number}/"), role, "verify a real number", 200)
        status_of(c.get("/verify/000000-2026-0000/"), role, "verify an unknown number", 404)


# --- public disclosure (信息公示) ------------------------------------------------------------------------

PUBLIC_SECRET_ID = "430202199001011234"
PUBLIC_HOME_ADDRESS = "淇滨区秘密小区9栋"


def public_world(env: Env) -> None:
    """inst_a filed (accepted filing) with a legal rep's ID number; inst_b submitted only (not filed);
    inst_hebi a filed home childcare point with a street address that must stay private. Made once a test."""
    from tuoyu.institutions.models import FilingStatus, InstitutionKind

    accepted_filing(env, "inst_a")
    submitted_filing(env, "inst_b")
    inst_a = Institution.objects.get(pk=env.cast.inst_a.pk)
    if inst_a.legal_rep_id_number != PUBLIC_SECRET_ID:
        inst_a.legal_rep_id_number = PUBLIC_SECRET_ID
        inst_a.save()
    Institution.objects.filter(pk=env.cast.inst_hebi.pk).update(
        kind=InstitutionKind.HOME_POINT,
        filing_status=FilingStatus.FILED,
        address=PUBLIC_HOME_ADDRESS,
        phone="13912345678",
    )


def public_secrets(env: Env) -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:  # the stored ciphertext, as the database holds it
        cur.execute(
            "SELECT legal_rep_id_number FROM institutions_institution WHERE id = %s", [env.cast.inst_a.pk]
        )
        ciphertext = str(cur.fetchone()[0])
    return [PUBLIC_SECRET_ID, ciphertext, PUBLIC_HOME_ADDRESS, "13912345678", env.cast.inst_b.name]


class PublicDisclosure(Check):
    """The public disclosure (信息公示), no login: anonymous and every role alike get 200 for a filed
    institution and 404 for one not filed (inst_b, submitted only) or missing; lists, CSV and JSON hold
    filed institutions only and never an ID number, a ciphertext or a home point's address or phone."""

    def __init__(self, path: str, *, single: bool = False, problem_json: bool = False) -> None:
        self.path, self.single, self.problem_json = path, single, problem_json

    def __call__(self, env: Env, role: str) -> None:
        public_world(env)
        c = env.client(role)
        if self.single:
            for name, expected in (("inst_a", 200), ("inst_hebi", 200), ("inst_b", 404)):
                url = self.path.format(institution_id=getattr(env.cast, name).pk)
                response = c.get(url)
                check = problem if self.problem_json and expected == 404 else status_of
                check(response, role, url, expected)
                if expected == 200:
                    self.nothing_private(response, role, url, env)
            missing = self.path.format(institution_id=99999999)
            (problem if self.problem_json else status_of)(c.get(missing), role, missing, 404)
            return
        response = c.get(self.path)
        status_of(response, role, self.path, 200)
        text = self.nothing_private(response, role, self.path, env)
        for name in ("inst_a", "inst_hebi"):
            assert getattr(env.cast, name).name in text, f"{role} {self.path}: filed {name} missing"

    def nothing_private(self, response: Any, role: str, url: str, env: Env) -> str:
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        if raw.startswith(b"\x89PNG"):
            return ""
        text = raw.decode("utf-8-sig")
        if "json" in response["Content-Type"]:  # the API escapes non-ASCII: compare the decoded values
            text = json.dumps(json.loads(text), ensure_ascii=False)
        for secret in public_secrets(env):
            assert secret not in text, f"{role} {url}: shows {secret!r}"
        return text


# --- filings, fees, pending, invitations and revisions through the API (filingapi) ------------------

# Who lists filings through the API: the institution's admin (own) and the health bureau (jurisdiction).
API_FILING_LISTERS: dict[str, set[str]] = {**FILING_FILER, **FILING_REVIEWER, "carol": set()}
# Who invites an institution's admin: the health bureau of the institution's region.
INVITERS: dict[str, set[str]] = InstitutionInvite.INVITERS


def api_get(env: Env, role: str, url: str, allowed: bool, status: int = 200) -> Any:
    """GET ``url`` as ``role``: anonymous 401, allowed ``status``, everyone else 404 — all problem+json."""
    response = env.client(role).get(url)
    if role == "anonymous":
        problem(response, role, f"GET {url}", 401)
    elif allowed:
        status_of(response, role, f"GET {url}", status)
    else:
        problem(response, role, f"GET {url}", 404)
    return response


@dataclass
class ApiSignedIn(Check):
    """Anyone signed in (reference text); anonymous 401."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        api_get(env, role, self.path, True)


class ApiFilingList(Check):
    """GET /api/v1/filings: exactly the filings the caller files or reviews; other roles 404."""

    def __call__(self, env: Env, role: str) -> None:
        for name in FILED:
            submitted_filing(env, name)
        response = api_get(env, role, "/api/v1/filings?limit=200", role in API_FILING_LISTERS)
        if response.status_code == 200:
            listed = {f["institution"]["id"] for f in response.json()["items"]}
            expected = {getattr(env.cast, n).pk for n in API_FILING_LISTERS[role]}
            assert listed == expected, f"{role} GET /api/v1/filings: {listed} != {expected}"


class ApiFilingQueue(Check):
    """GET /api/v1/filings/review-queue: the bureau, filings in its jurisdiction only; others 404."""

    def __call__(self, env: Env, role: str) -> None:
        for name in FILED:
            submitted_filing(env, name)
        reviewer = role in {"zhou", "alice", "bob", "carol"}
        response = api_get(env, role, "/api/v1/filings/review-queue", reviewer)
        if response.status_code == 200:
            listed = {f["institution"]["id"] for f in response.json()["items"]}
            expected = {getattr(env.cast, n).pk for n in FILING_REVIEWER.get(role, set())}
            assert listed == expected, f"{role} review queue: {listed} != {expected}"


class ApiFilingRead(Check):
    """GET /api/v1/filings/{id}[/materials/{id} | /receipt.pdf]: in sight 200, else 404 (as a missing id)."""

    def __init__(self, suffix: str = "", *, accepted: bool = False) -> None:
        self.suffix, self.accepted = suffix, accepted

    def __call__(self, env: Env, role: str) -> None:
        for name in FILED:
            filing = accepted_filing(env, name) if self.accepted else submitted_filing(env, name)
            url = f"/api/v1/filings/{filing.pk}" + self.suffix.format(material_id=filing.materials.first().pk)
            api_get(env, role, url, name in FILING_SIGHT.get(role, ()))
        if role != "anonymous":
            problem(env.client(role).get("/api/v1/filings/99999999"), role, "missing filing", 404)


class ApiFilingStart(Check):
    """POST /api/v1/filings: an institution's admin for their own institution (201); others 404, nothing
    created; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.filings.models import Filing

        c = env.client(role)
        for name in FILED:
            institution = getattr(env.cast, name)
            Filing.objects.filter(institution=institution).delete()
            response = c.post(
                "/api/v1/filings", {"institution_id": institution.pk}, content_type="application/json"
            )
            what = f"POST /api/v1/filings {name}"
            allowed = name in FILING_FILER.get(role, ())
            if role == "anonymous":
                problem(response, role, what, 401)
            elif allowed:
                status_of(response, role, what, 201)
            else:
                problem(response, role, what, 404)
            assert Filing.objects.filter(institution=institution).exists() == (
                allowed and role != "anonymous"
            )
            Filing.objects.filter(institution=institution).delete()


class ApiFilingAct(Check):
    """POST /api/v1/filings/{id}/<action>: the filer or reviewer of that filing gets past the door (to a
    refusal that changes nothing: a stale version 409, an executable 422); others 404; anonymous 401."""

    def __init__(self, action: str, who: dict[str, set[str]], allowed_status: int) -> None:
        self.action, self.who, self.allowed_status = action, who, allowed_status

    def send(self, c: Client, url: str) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        if self.action == "materials":
            exe = SimpleUploadedFile("x.pdf", b"MZ" + b"\x00" * 64)
            return c.post(url, {"kind": "fire_safety", "file": exe})
        body: dict[str, Any] = {"version": 999, "declaration_accepted": True}
        if self.action == "return":
            body["reasons"] = [{"item": "general", "reason": "补正"}]
        return c.post(url, body, content_type="application/json")

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            filing = submitted_filing(env, name)
            url = f"/api/v1/filings/{filing.pk}/{self.action}"
            before = (filing.version, filing.state, filing.materials.count())
            response = self.send(c, url)
            if role == "anonymous":
                problem(response, role, f"POST {url}", 401)
            elif name in self.who.get(role, ()):
                problem(response, role, f"POST {url}", self.allowed_status)
            else:
                problem(response, role, f"POST {url}", 404)
            filing.refresh_from_db()
            assert (filing.version, filing.state, filing.materials.count()) == before, f"{role} changed {url}"


@dataclass
class ApiInstitutionRead(Check):
    """GET an institution's sub-resource (fee schedules, change history): whoever sees the institution."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        for name in INSTITUTIONS:
            url = self.path.format(institution_id=getattr(env.cast, name).pk)
            api_get(env, role, url, name in INSTITUTION_SIGHT.get(role, ()))


class ApiFeePublish(Check):
    """POST /api/v1/fees/schedules: the institution's admin only (201); others 404, nothing published."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.fees.models import FeeSchedule

        c = env.client(role)
        for name in FILED:
            institution = getattr(env.cast, name)
            body = {
                "institution_id": institution.pk,
                "effective_from": "2026-11-01",
                "max_prepay_months": 1,
                "items": [{"kind": "monthly", "name": "保育费", "amount": "2000", "unit": "month"}],
            }
            before = FeeSchedule.objects.filter(institution=institution).count()
            response = c.post("/api/v1/fees/schedules", body, content_type="application/json")
            allowed = name in FILING_FILER.get(role, ())
            if role == "anonymous":
                problem(response, role, "POST fees", 401)
            elif allowed:
                status_of(response, role, f"POST fees {name}", 201)
            else:
                problem(response, role, f"POST fees {name}", 404)
            after = FeeSchedule.objects.filter(institution=institution).count()
            assert after == before + (1 if allowed and role != "anonymous" else 0), f"{role} fees {name}"


class ApiPending(Check):
    """GET /api/v1/institutions/pending: the bureau, its jurisdiction's unfiled institutions; others 404."""

    def __call__(self, env: Env, role: str) -> None:
        bureau = role in {"zhou", "alice", "bob", "carol"}
        response = api_get(env, role, "/api/v1/institutions/pending?limit=200", bureau)
        if response.status_code == 200:
            listed = {r["institution"]["id"] for r in response.json()["items"]}
            expected = {getattr(env.cast, n).pk for n in INSTITUTION_SIGHT[role]}
            assert listed == expected, f"{role} pending: {listed} != {expected}"


class ApiInvite(Check):
    """POST /api/v1/institutions/{id}/invitations: the bureau of the institution's region (201, the link
    once); others 404 and nothing created; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.institutions.models import Invitation

        c = env.client(role)
        for name in INSTITUTIONS:
            url = f"/api/v1/institutions/{getattr(env.cast, name).pk}/invitations"
            before = Invitation.objects.count()
            body = {"invitee_name": "王芳", "invitee_phone": "13912345678"}
            response = c.post(url, body, content_type="application/json")
            allowed = name in INVITERS.get(role, ())
            if role == "anonymous":
                problem(response, role, f"POST {url}", 401)
            elif allowed:
                status_of(response, role, f"POST {url}", 201)
                assert "/invitations/" in response.json()["link"]
            else:
                problem(response, role, f"POST {url}", 404)
            created = Invitation.objects.count() - before
            assert created == (1 if allowed and role != "anonymous" else 0), f"{role} {url}"


# end filingapi checks


# --- change filing, cancellation and FIL-05 notices (change filing helper) ---------------------------


def change_filing_of(env: Env, name: str) -> Any:
    """A draft change filing of the cast's (accepted, filed) institution ``name``, made once per test."""
    from tuoyu.filings import services
    from tuoyu.filings.models import Filing, FilingKind

    institution = getattr(env.cast, name)
    existing = Filing.objects.filter(institution=institution, kind=FilingKind.CHANGE).first()
    if existing is not None:
        return existing
    accepted_filing(env, name)
    admin = env.user("ann" if name == "inst_a" else "ben")
    return services.filing_start(by=admin, institution_id=institution.pk, kind=FilingKind.CHANGE)


def notice_of(env: Env, name: str) -> Any:
    """A FIL-05 notice to the cast's filed institution ``name``, issued by its county bureau, once per test."""
    import datetime as dt

    from django.utils import timezone

    from tuoyu.filings import services
    from tuoyu.filings.models import NonComplianceNotice

    institution = getattr(env.cast, name)
    existing = NonComplianceNotice.objects.filter(institution=institution).first()
    if existing is not None:
        return existing
    accepted_filing(env, name)
    today = timezone.localdate()
    return services.notice_issue(
        by=env.user("alice" if name == "inst_a" else "bob"),
        institution_id=institution.pk,
        found_on=today,
        items=[f"{institution.name}托位数不符"],
        required_action="整改",
        rectify_by=today + dt.timedelta(days=30),
    )


class ChangeFilingPage(Check):
    """GET/POST /filings/<id>/changes/: the filer of that change filing only (a bad value: 400, nothing
    saved); everyone else 404, nothing changed."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            filing = change_filing_of(env, name)
            url = f"/filings/{filing.pk}/changes/"
            get = c.get(url)
            post = c.post(url, {"groups": ["services"], "save": "1", "version": 999, "capacity": "abc"})
            if role == "anonymous":
                to_login(get, role, url)
                to_login(post, role, f"POST {url}")
            else:
                allowed = name in FILING_FILER.get(role, ())
                status_of(get, role, url, 200 if allowed else 404)
                status_of(post, role, f"POST {url}", 400 if allowed else 404)
            filing.refresh_from_db()
            assert filing.changed_items == [] and filing.version == 1, f"{role} changed {url}"


class FilingFormPage(Check):
    """GET/POST /filings/<id>/form/ (备案书): the filer of that filing only (here submitted, so a save is
    refused with 409, nothing saved); everyone else 404, nothing changed."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            filing = submitted_filing(env, name)
            url = f"/filings/{filing.pk}/form/"
            before = (filing.version, filing.facts)
            get = c.get(url)
            post = c.post(url, {"version": filing.version, "capacity": "7", "director_name": "某人"})
            if role == "anonymous":
                to_login(get, role, url)
                to_login(post, role, f"POST {url}")
            else:
                allowed = name in FILING_FILER.get(role, ())
                status_of(get, role, url, 200 if allowed else 404)
                status_of(post, role, f"POST {url}", 409 if allowed else 404)
            filing.refresh_from_db()
            assert (filing.version, filing.facts) == before, f"{role} changed {url}"


class CancelPage(Check):
    """GET/POST /filings/cancel/<institution_id>/: the institution's admin (an incomplete form: 400);
    everyone else 404; no filing is started."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.filings.models import Filing, FilingKind

        c = env.client(role)
        for name in FILED:
            institution = getattr(env.cast, name)
            url = f"/filings/cancel/{institution.pk}/"
            get = c.get(url)
            post = c.post(url, {"settlement_plan": "短"})
            if role == "anonymous":
                to_login(get, role, url)
                to_login(post, role, f"POST {url}")
            else:
                allowed = name in FILING_FILER.get(role, ())
                status_of(get, role, url, 200 if allowed else 404)
                status_of(post, role, f"POST {url}", 400 if allowed else 404)
            assert not Filing.objects.filter(institution=institution, kind=FilingKind.CANCELLATION).exists()


class NoticeList(Check):
    """GET /filings/notices/: whoever reads filings (FILING_SIGHT, and carol's empty county) sees the
    notices in reach and no other; everyone else 404."""

    def __call__(self, env: Env, role: str) -> None:
        for name in FILED:
            notice_of(env, name)
        response = env.client(role).get("/filings/notices/")
        if role == "anonymous":
            to_login(response, role, "/filings/notices/")
            return
        reader = role in FILING_SIGHT or role == "carol"
        status_of(response, role, "GET /filings/notices/", 200 if reader else 404)
        if reader:
            no_foreign(response, role, "/filings/notices/", env)
            text = response.content.decode()
            for name in FILED:
                shown = f"{getattr(env.cast, name).name}</a>" in text
                assert shown == (name in FILING_SIGHT.get(role, ())), f"{role} notices: {name} shown={shown}"


class NoticeNew(Check):
    """GET/POST /filings/notices/new/<institution_id>/: the county bureau of the institution (an empty form:
    400); everyone else 404; no notice is issued."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.filings.models import NonComplianceNotice

        c = env.client(role)
        for name in FILED:
            accepted_filing(env, name)
            institution = getattr(env.cast, name)
            url = f"/filings/notices/new/{institution.pk}/"
            get, post = c.get(url), c.post(url, {"items": ""})
            if role == "anonymous":
                to_login(get, role, url)
                to_login(post, role, f"POST {url}")
            else:
                allowed = name in FILING_REVIEWER.get(role, ())
                status_of(get, role, url, 200 if allowed else 404)
                status_of(post, role, f"POST {url}", 400 if allowed else 404)
            assert not NonComplianceNotice.objects.filter(institution=institution).exists()


class NoticeRead(Check):
    """GET /filings/notices/<id>/: whoever reads the institution's filings; others 404."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            url = f"/filings/notices/{notice_of(env, name).pk}/"
            response = c.get(url)
            if role == "anonymous":
                to_login(response, role, url)
                continue
            status_of(response, role, url, 200 if name in FILING_SIGHT.get(role, ()) else 404)
            if response.status_code == 200:
                no_foreign(response, role, url, env)
        if role != "anonymous":
            status_of(c.get("/filings/notices/99999999/"), role, "missing notice", 404)


class NoticeAct(Check):
    """POST /filings/notices/<id>/<action>/: the bureau (publish, close) or the institution's admin
    (respond) gets past the door, to a stale-version refusal (409); everyone else 404; nothing changed."""

    def __init__(self, action: str, who: dict[str, set[str]]) -> None:
        self.action, self.who = action, who

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            notice = notice_of(env, name)
            url = f"/filings/notices/{notice.pk}/{self.action}/"
            response = c.post(url, {"version": 999, "response": "已整改", "comment": "办结"})
            if role == "anonymous":
                to_login(response, role, url)
            else:
                allowed = name in self.who.get(role, ())
                status_of(response, role, f"POST {url}", 409 if allowed else 404)
            notice.refresh_from_db()
            assert notice.version == 1 and notice.published_at is None and notice.closed_at is None, url
            assert notice.institution_response == "", f"{role} changed {url}"


class ApiChangeRead(Check):
    """GET /api/v1/filings/{id}/changes and /api/v1/notices/{id}: in sight 200, else 404; 401."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, env: Env, role: str) -> None:
        for name in FILED:
            if self.what == "changes":
                url = f"/api/v1/filings/{change_filing_of(env, name).pk}/changes"
            elif self.what == "form":
                url = f"/api/v1/filings/{submitted_filing(env, name).pk}/form"
            else:
                url = f"/api/v1/notices/{notice_of(env, name).pk}"
            api_get(env, role, url, name in FILING_SIGHT.get(role, ()))


class ApiNoticeList(Check):
    """GET /api/v1/notices: exactly the notices in reach (carol: none); others 404; 401."""

    def __call__(self, env: Env, role: str) -> None:
        for name in FILED:
            notice_of(env, name)
        reader = role in FILING_SIGHT or role == "carol"
        response = api_get(env, role, "/api/v1/notices?limit=100", reader)
        if reader and role != "anonymous":
            shown = {item["institution"]["name"] for item in response.json()["items"]}
            expected = {getattr(env.cast, n).name for n in FILING_SIGHT.get(role, ())}
            assert shown == expected, f"{role} notices: {shown}"


class ApiChangeAct(Check):
    """POST /api/v1/filings/{id}/changes|cancellation and /api/v1/notices/{id}/<action>: the filer
    or the bureau gets past the door (to a refusal: stale version 409, not a cancellation 400); others
    404; anonymous 401; nothing changed."""

    def __init__(self, action: str, who: dict[str, set[str]], allowed_status: int) -> None:
        self.action, self.who, self.allowed_status = action, who, allowed_status

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in FILED:
            body: dict[str, Any] = {"version": 999, "response": "已整改", "comment": "办结"}
            if self.action in ("changes", "cancellation"):
                target = change_filing_of(env, name)
                url = f"/api/v1/filings/{target.pk}/{self.action}"
                body |= {
                    "changes": {"services": {"capacity": 7}},
                    "settlement_plan": "在托婴幼儿全部转入附近托育机构，工作人员妥善安置。",
                    "stop_date": "2099-01-01",
                    "parents_notified": True,
                }
            elif self.action == "form":
                target = submitted_filing(env, name)
                url = f"/api/v1/filings/{target.pk}/form"
                body |= {"form": {"services": {"capacity": 7}}}
            else:
                target = notice_of(env, name)
                url = f"/api/v1/notices/{target.pk}/{self.action}"
            before = (target.version, target.facts if hasattr(target, "facts") else None)
            response = c.post(url, body, content_type="application/json")
            if role == "anonymous":
                problem(response, role, f"POST {url}", 401)
            elif name in self.who.get(role, ()):
                problem(response, role, f"POST {url}", self.allowed_status)
            else:
                problem(response, role, f"POST {url}", 404)
            target.refresh_from_db()
            after = (target.version, target.facts if hasattr(target, "facts") else None)
            assert after == before, f"{role} changed {url}"


class ApiNoticeIssue(Check):
    """POST /api/v1/notices: the county bureau of the institution (a finding in the future: 400);
    everyone else 404; anonymous 401; no notice issued."""

    def __call__(self, env: Env, role: str) -> None:
        import datetime as dt

        from django.utils import timezone

        from tuoyu.filings.models import NonComplianceNotice

        c = env.client(role)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        for name in FILED:
            accepted_filing(env, name)
            institution = getattr(env.cast, name)
            body = {
                "institution_id": institution.pk,
                "found_on": tomorrow.isoformat(),
                "items": ["托位数不符"],
                "required_action": "整改",
                "rectify_by": (tomorrow + dt.timedelta(days=30)).isoformat(),
            }
            response = c.post("/api/v1/notices", body, content_type="application/json")
            what = f"POST /api/v1/notices {name}"
            if role == "anonymous":
                problem(response, role, what, 401)
            elif name in FILING_REVIEWER.get(role, ()):
                problem(response, role, what, 400)
            else:
                problem(response, role, what, 404)
            assert not NonComplianceNotice.objects.filter(institution=institution).exists()


# end change filing helper checks


# --- the matrix -------------------------------------------------------------------------------------

# --- compliance engine (standards) -----------------------------------------------------------------

# Who sees an institution's compliance: the regulators and inspectors of its region, and its own people
# (not the registration clerk, who reads the institution itself).
COMPLIANCE_SIGHT: dict[str, set[str]] = {k: v for k, v in INSTITUTION_SIGHT.items() if k != "clerk"}
COMPLIANCE_REGULATORS = {"zhou", "alice", "bob", "carol", "ivan"}


def compliance_evaluated(env: Env) -> None:
    """All three of the cast's institutions filed and evaluated (once per test)."""
    from tuoyu.institutions.models import FilingStatus
    from tuoyu.standards.models import ComplianceResult
    from tuoyu.standards.services import evaluate_all

    if ComplianceResult.objects.count() < len(INSTITUTIONS):
        Institution.objects.update(filing_status=FilingStatus.FILED)
        evaluate_all()


@dataclass
class ComplianceDetail(Check):
    """/standards/institutions/<id>/ and GET /api/v1/standards/institutions/{id}: 200 in sight, 404 outside."""

    api: bool = False

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in INSTITUTIONS:
            pk = getattr(env.cast, name).pk
            url = f"/api/v1/standards/institutions/{pk}" if self.api else f"/standards/institutions/{pk}/"
            allowed = name in COMPLIANCE_SIGHT.get(role, ())
            if self.api:
                api_get(env, role, url, allowed)
                continue
            response = c.get(url)
            if role == "anonymous":
                to_login(response, role, url)
                continue
            status_of(response, role, url, 200 if allowed else 404)
            if allowed:
                no_foreign(response, role, url, env)
        if role != "anonymous":
            missing = (
                "/api/v1/standards/institutions/99999999" if self.api else "/standards/institutions/99999999/"
            )
            status_of(c.get(missing), role, "missing institution", 404)


@dataclass
class ComplianceRisk(Check):
    """The risk list (web and API): regulators see exactly the institutions of their jurisdiction; everyone
    else 404 (the institution's own people use /standards/); anonymous to the login page or 401."""

    api: bool = False

    def __call__(self, env: Env, role: str) -> None:
        compliance_evaluated(env)
        url = "/api/v1/standards/risk?limit=100" if self.api else "/standards/risk/"
        allowed = role in COMPLIANCE_REGULATORS
        if self.api:
            response = api_get(env, role, url, allowed)
        else:
            response = env.client(role).get(url)
            if role == "anonymous":
                to_login(response, role, url)
                return
            status_of(response, role, url, 200 if allowed else 404)
        if not allowed or role == "anonymous":
            return
        expected = COMPLIANCE_SIGHT[role]
        if self.api:
            listed = {i["institution_id"] for i in response.json()["items"]}
            assert listed == {getattr(env.cast, n).pk for n in expected}, f"{role} {url}: {listed}"
        else:
            text = response.content.decode()
            for name in INSTITUTIONS:
                shown = getattr(env.cast, name).name in text
                assert shown == (name in expected), f"{role} {url}: {name} shown={shown}"
            no_foreign(response, role, url, env)


# --- lifetime bans (bans) -----------------------------------------------------------------------------
# The ban list is the city administrators' (each keeps their city's); alerts are read by the regulators and
# city administrators whose region contains the institution. Institutions, parents and others: 404.
BAN_KEEPER = {"zhou": "ban_zz", "carol": "ban_hebi"}
BAN_ALERT_SIGHT = {
    "zhou": {"alert_a", "alert_b"},
    "alice": {"alert_a"},
    "bob": {"alert_b"},
    "carol": {"alert_hebi"},
}
BAN_NAMES = {"ban_zz": "王禁入", "ban_hebi": "赵禁入"}


def _ban_world(env: Env) -> Any:
    from tuoyu.testing.bans import ban_world

    return ban_world(env.cast)


@dataclass
class BanPage(Check):
    """/bans/, /bans/new/, /bans/import/ and its template: the city administrators only; the list shows
    their own city's bans and not another city's; everyone else 404; anonymous to the login page."""

    path: str
    listing: bool = False

    def __call__(self, env: Env, role: str) -> None:
        _ban_world(env)
        response = env.client(role).get(self.path)
        if role == "anonymous":
            to_login(response, role, self.path)
            return
        allowed = role in BAN_KEEPER
        status_of(response, role, self.path, 200 if allowed else 404)
        if allowed and response["Content-Type"].startswith("text/html"):
            no_foreign(response, role, self.path, env)
        if allowed and self.listing:
            text = response.content.decode()
            for key, name in BAN_NAMES.items():
                assert (name in text) == (BAN_KEEPER[role] == key), f"{role} {self.path}: {name}"


class BanImportReport(Check):
    """/bans/import/report.xlsx: only the keeper who just uploaded a bad file; 404 otherwise."""

    def __call__(self, env: Env, role: str) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        c = env.client(role)
        url = "/bans/import/report.xlsx"
        if role == "anonymous":
            to_login(c.get(url), role, url)
            return
        status_of(c.get(url), role, url, 404)
        bad = SimpleUploadedFile("a.csv", "姓名,身份证号\n王,1\n".encode())
        c.post("/bans/import/", {"file": bad})
        good_headers = (
            "姓名,身份证号,禁入事由,决定机关,决定文号,决定日期,禁入范围\n王,123,a,b,c,2026-01-01,本市\n"
        )
        c.post("/bans/import/", {"file": SimpleUploadedFile("b.csv", good_headers.encode())})
        status_of(c.get(url), role, f"{url} after a bad upload", 200 if role in BAN_KEEPER else 404)


@dataclass
class BanOne(Check):
    """/bans/<id>/ (GET) and /bans/<id>/reveal/ (POST, audited): the keeping city's administrator only."""

    reveal: bool = False

    def __call__(self, env: Env, role: str) -> None:
        world = _ban_world(env)
        c = env.client(role)
        for key in BAN_NAMES:
            ban = getattr(world, key)
            url = f"/bans/{ban.pk}/reveal/" if self.reveal else f"/bans/{ban.pk}/"
            response = c.post(url) if self.reveal else c.get(url)
            if role == "anonymous":
                to_login(response, role, url)
                continue
            allowed = BAN_KEEPER.get(role) == key
            status_of(response, role, url, 200 if allowed else 404)
            text = response.content.decode()
            if allowed and self.reveal:
                assert ban.id_number in text
                event = Event.objects.filter(action="bans.id_number_reveal").order_by("-id").first()
                assert (
                    event is not None
                    and event.object_id == str(ban.pk)
                    and event.actor_id == env.user(role).pk
                )
            elif allowed:
                assert ban.id_number_masked in text and ban.id_number not in text
                no_foreign(response, role, url, env)


@dataclass
class BanAlertPage(Check):
    """/bans/alerts/ and /bans/alerts/<id>/ (GET; POST acknowledges): alerts of institutions in the
    viewer's region only; everyone else 404."""

    one: bool = False

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.bans.models import BanAlert

        world = _ban_world(env)
        c = env.client(role)
        sight = BAN_ALERT_SIGHT.get(role)
        if not self.one:
            response = c.get("/bans/alerts/")
            if role == "anonymous":
                to_login(response, role, "/bans/alerts/")
                return
            status_of(response, role, "/bans/alerts/", 200 if sight else 404)
            if sight:
                text = response.content.decode()
                for key in ("alert_a", "alert_b", "alert_hebi"):
                    name = getattr(world, key).institution.name
                    assert (name in text) == (key in sight), f"{role} alerts: {name}"
                no_foreign(response, role, "/bans/alerts/", env)
            return
        for key in ("alert_a", "alert_b", "alert_hebi"):
            alert = getattr(world, key)
            url = f"/bans/alerts/{alert.pk}/"
            BanAlert.objects.filter(pk=alert.pk).update(acknowledged_at=None, acknowledged_by=None)
            if role == "anonymous":
                to_login(c.get(url), role, url)
                to_login(c.post(url), role, url)
                continue
            allowed = bool(sight) and key in sight
            status_of(c.get(url), role, url, 200 if allowed else 404)
            status_of(c.post(url), role, f"POST {url}", 302 if allowed else 404)
            acknowledged = BanAlert.objects.get(pk=alert.pk).acknowledged_by_id
            assert acknowledged == (env.user(role).pk if allowed else None), f"{role} POST {url}"


def _ban_body(role: str, **more: Any) -> dict[str, Any]:
    from tuoyu.testing.bans import OTHER_ID

    return {
        "name": "孙禁入",
        "id_number": OTHER_ID,
        "reason": "虐童",
        "decision_authority": "卫生健康委员会",
        "decision_number": f"{role}-1",
        "decision_date": "2026-02-01",
        "scope": "city",
        **more,
    }


class ApiBanList(Check):
    """GET /api/v1/bans: the city administrators, their city's bans only; others 404; anonymous 401."""

    def __call__(self, env: Env, role: str) -> None:
        world = _ban_world(env)
        response = api_get(env, role, "/api/v1/bans?limit=100", role in BAN_KEEPER)
        if response.status_code == 200:
            ids = {i["id"] for i in response.json()["items"]}
            assert ids == {getattr(world, BAN_KEEPER[role]).pk}, f"{role} bans: {ids}"
            assert "id_number" not in response.json()["items"][0]


class ApiBanCreate(Check):
    """POST /api/v1/bans: the city administrators (201, in their city); others 404 and nothing added."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.bans.models import Ban

        before = Ban.objects.count()
        response = env.client(role).post("/api/v1/bans", _ban_body(role), content_type="application/json")
        allowed = role in BAN_KEEPER
        if role == "anonymous":
            problem(response, role, "POST /api/v1/bans", 401)
        elif allowed:
            status_of(response, role, "POST /api/v1/bans", 201)
        else:
            problem(response, role, "POST /api/v1/bans", 404)
        assert Ban.objects.count() == before + (1 if allowed else 0)


class ApiBanImport(Check):
    """POST /api/v1/bans/import: the city administrators; others 404 and nothing imported."""

    def __call__(self, env: Env, role: str) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tuoyu.bans.models import Ban
        from tuoyu.testing.bans import OTHER_ID

        body = "姓名,身份证号,禁入事由,决定机关,决定文号,决定日期,禁入范围\n"
        body += f"孙禁入,{OTHER_ID},虐童,卫健委,{role}-imp,2026-01-01,本市\n"
        before = Ban.objects.count()
        response = env.client(role).post(
            "/api/v1/bans/import", {"file": SimpleUploadedFile("a.csv", body.encode())}
        )
        allowed = role in BAN_KEEPER
        if role == "anonymous":
            problem(response, role, "POST import", 401)
        elif allowed:
            status_of(response, role, "POST import", 200)
        else:
            problem(response, role, "POST import", 404)
        assert Ban.objects.count() == before + (1 if allowed else 0)


@dataclass
class ApiBanOne(Check):
    """GET/PUT /api/v1/bans/{id}, POST …/lift and …/reveal: the keeping city's administrator only."""

    method: str
    suffix: str = ""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.bans.models import Ban

        world = _ban_world(env)
        c = env.client(role)
        for key in BAN_NAMES:
            ban = Ban.objects.get(pk=getattr(world, key).pk)
            url = f"/api/v1/bans/{ban.pk}{self.suffix}"
            if self.method == "GET":
                response = c.get(url)
            elif self.method == "PUT":
                body = _ban_body(
                    role, id_number=ban.id_number, decision_number=ban.decision_number, version=ban.version
                )
                response = c.put(url, body, content_type="application/json")
            elif self.suffix == "/lift":
                response = c.post(
                    url, {"version": ban.version, "reason": "撤销"}, content_type="application/json"
                )
            else:
                response = c.post(url)
            allowed = BAN_KEEPER.get(role) == key
            what = f"{self.method} {url}"
            if role == "anonymous":
                problem(response, role, what, 401)
            elif allowed:
                status_of(response, role, what, 200)
            else:
                problem(response, role, what, 404)
            after = Ban.objects.get(pk=ban.pk)
            changed = self.method == "PUT" or self.suffix == "/lift"
            assert (after.version != ban.version) == (allowed and changed), f"{role} {what}"
            if allowed and self.suffix == "/reveal":
                assert response.json() == {"id_number": ban.id_number}
                assert Event.objects.filter(action="bans.id_number_reveal", object_id=str(ban.pk)).exists()


@dataclass
class ApiBanAlerts(Check):
    """GET /api/v1/ban-alerts (and /{id}, POST /{id}/acknowledge): alerts of institutions in the caller's
    region; others 404; anonymous 401."""

    one: str = ""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.bans.models import BanAlert

        world = _ban_world(env)
        sight = BAN_ALERT_SIGHT.get(role, set())
        if not self.one:
            response = api_get(env, role, "/api/v1/ban-alerts?limit=100", bool(sight))
            if response.status_code == 200:
                ids = {i["id"] for i in response.json()["items"]}
                assert ids == {getattr(world, k).pk for k in sight}, f"{role} alerts {ids}"
            return
        for key in ("alert_a", "alert_b", "alert_hebi"):
            alert = getattr(world, key)
            BanAlert.objects.filter(pk=alert.pk).update(acknowledged_at=None, acknowledged_by=None)
            url = f"/api/v1/ban-alerts/{alert.pk}{self.one if self.one != 'get' else ''}"
            c = env.client(role)
            response = c.get(url) if self.one == "get" else c.post(url)
            if role == "anonymous":
                problem(response, role, url, 401)
            elif key in sight:
                status_of(response, role, url, 200)
            else:
                problem(response, role, url, 404)
            if self.one != "get":
                acknowledged = BanAlert.objects.get(pk=alert.pk).acknowledged_by_id
                assert acknowledged == (env.user(role).pk if key in sight else None), f"{role} {url}"


# --- end lifetime bans --------------------------------------------------------------------------------


# --- staff register (staff) ---------------------------------------------------------------------------
# Two people: "a" employed by inst_a (her own account is stacy's), "b" by inst_b. Each has a certificate
# and a class assignment, so the write rows have something to act on.
STAFF_SIGHT: dict[str, set[str]] = {
    "zhou": {"a", "b"},
    "alice": {"a"},
    "bob": {"b"},
    "ivan": {"a"},
    "ann": {"a"},
    "ben": {"b"},
    "stacy": {"a"},  # her own record
}
STAFF_REVEAL: dict[str, set[str]] = {
    "zhou": {"a", "b"},
    "alice": {"a"},
    "bob": {"b"},
    "ann": {"a"},
    "ben": {"b"},
    "stacy": {"a"},
}
STAFF_KEEPER: dict[str, set[str]] = {"ann": {"a"}, "ben": {"b"}}
# Rosters (/staff/?institution=<id>, GET /api/v1/staff): the institution's admin and the region's regulators.
STAFF_ROSTER: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "carol": {"inst_hebi"},
    "ivan": {"inst_a"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
}
STAFF_OWNERS = {"a": ("ann", "inst_a"), "b": ("ben", "inst_b")}


def staff_people(env: Env) -> dict[str, Any]:
    """The two people (made once per test through the services), with their employment, certificate and
    class assignment."""
    if hasattr(env, "_staff"):
        return env._staff  # type: ignore[attr-defined]
    import datetime as dt

    from tuoyu.institutions.models import CareClass
    from tuoyu.staff import services as staff_services
    from tuoyu.staff.models import Person
    from tuoyu.staff.tests.factories import hire

    people: dict[str, Any] = {}
    for key, (admin, inst) in STAFF_OWNERS.items():
        institution = getattr(env.cast, inst)
        result = hire(env.user(admin), institution, seq=len(people) + 1, name=f"员工{key}")
        care_class = CareClass.objects.create(
            institution=institution, name=f"班{key}", class_type="toddler", planned_size=20
        )
        assignment = staff_services.class_assign(
            by=env.user(admin), employment_id=result.employment.pk, care_class_id=care_class.pk
        )
        certificate = staff_services.certificate_add(
            by=env.user(admin),
            person_id=result.person.pk,
            kind="childcare_worker",
            number=f"BY-{key}",
            issuer="人社局",
            issued_on=dt.date(2025, 1, 1),
        )
        people[key] = {
            "person": result.person,
            "employment": result.employment,
            "assignment": assignment,
            "certificate": certificate,
        }
    Person.objects.filter(pk=people["a"]["person"].pk).update(user=env.user("stacy"))
    env._staff = people  # type: ignore[attr-defined]
    return people


def web_status(response: Any, role: str, what: str, expected: int) -> None:
    if role == "anonymous":
        to_login(response, role, what)
    else:
        status_of(response, role, what, expected)


class StaffListPage(Check):
    """/staff/: the admin's own roster, a regulator's picker, ?institution=<id> within reach; else 404."""

    def __call__(self, env: Env, role: str) -> None:
        staff_people(env)
        c = env.client(role)
        response = c.get("/staff/")
        web_status(response, role, "/staff/", 200 if role in STAFF_ROSTER else 404)
        if response.status_code == 200:
            no_foreign(response, role, "/staff/", env)
        for name in INSTITUTIONS:
            url = f"/staff/?institution={getattr(env.cast, name).pk}"
            response = c.get(url)
            web_status(response, role, url, 200 if name in STAFF_ROSTER.get(role, ()) else 404)
            if response.status_code == 200:
                text = response.content.decode()
                shown = {k for k, p in staff_people(env).items() if p["person"].name in text}
                expected = {k for k, (_a, inst) in STAFF_OWNERS.items() if inst == name}
                assert shown == expected, f"{role} {url}: shows {shown}"


@dataclass
class StaffAdminPage(Check):
    """A page of the institution's admin (hire, export, import): the admins 200 (or ``admin_status``); others
    404; anonymous to the login page."""

    path: str
    admin_status: int = 200

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get(self.path)
        web_status(response, role, self.path, self.admin_status if role in STAFF_KEEPER else 404)


class StaffPersonPage(Check):
    """/staff/<id>/: the institution's admin, the region's regulators and inspectors, the person; 404 else."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for key, p in staff_people(env).items():
            url = f"/staff/{p['person'].pk}/"
            response = c.get(url)
            web_status(response, role, url, 200 if key in STAFF_SIGHT.get(role, ()) else 404)
            if response.status_code == 200:
                assert p["person"].id_number not in response.content.decode(), f"{role} {url}: ID unmasked"


class StaffReveal(Check):
    """POST /staff/<id>/reveal/<field>/: the admin, the health bureau, the person; audited. GET 405."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for key, p in staff_people(env).items():
            url = f"/staff/{p['person'].pk}/reveal/id_number/"
            if role == "anonymous":
                to_login(c.post(url), role, url)
                continue
            status_of(c.get(url), role, f"GET {url}", 405)
            allowed = key in STAFF_REVEAL.get(role, ())
            status_of(c.post(url), role, f"POST {url}", 200 if allowed else 404)
            if allowed:
                assert Event.objects.filter(
                    action="staff.id_number_reveal", object_id=str(p["person"].pk), actor=env.user(role)
                ).exists()


@dataclass
class StaffWrite(Check):
    """A POST on one of a person's records: the institution's admin only (``status``); others 404."""

    path: str  # formatted with person_id, employment_id, assignment_id, certificate_id
    data: dict[str, Any] = field(default_factory=dict)
    status: int = 302

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for key, p in staff_people(env).items():
            url = self.path.format(
                person_id=p["person"].pk,
                employment_id=p["employment"].pk,
                assignment_id=p["assignment"].pk,
                certificate_id=p["certificate"].pk,
            )
            data = {k.format(employment_id=p["employment"].pk): v for k, v in self.data.items()}
            response = c.post(url, data)
            expected = self.status if key in STAFF_KEEPER.get(role, ()) else 404
            web_status(response, role, f"POST {url}", expected)


class ApiStaffList(Check):
    """GET /api/v1/staff?institution_id=: the roster readers of that institution; 404 problem else."""

    def __call__(self, env: Env, role: str) -> None:
        staff_people(env)
        for name in INSTITUTIONS:
            url = f"/api/v1/staff?institution_id={getattr(env.cast, name).pk}"
            api_get(env, role, url, name in STAFF_ROSTER.get(role, ()))


class ApiStaffDetail(Check):
    """GET /api/v1/staff/{person_id}: as the page; ID number masked."""

    def __call__(self, env: Env, role: str) -> None:
        for key, p in staff_people(env).items():
            response = api_get(env, role, f"/api/v1/staff/{p['person'].pk}", key in STAFF_SIGHT.get(role, ()))
            if response.status_code == 200:
                assert p["person"].id_number not in response.content.decode()


class ApiStaffHire(Check):
    """POST /api/v1/staff: the institution's admin, for their own institution only (201); others 404."""

    def __call__(self, env: Env, role: str) -> None:
        import datetime as dt

        from tuoyu.staff.models import Person
        from tuoyu.staff.tests.factories import id_number

        c = env.client(role)
        for n, name in enumerate(INSTITUTIONS):
            before = Person.objects.count()
            body = {
                "institution_id": getattr(env.cast, name).pk,
                "name": "新员工",
                "id_number": id_number(seq=100 + ROLES.index(role) * 3 + n),
                "phone": "13912345678",
                "roles": ["cook"],
                "start_date": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
            }
            response = c.post("/api/v1/staff", body, content_type="application/json")
            owner = {"ann": "inst_a", "ben": "inst_b"}.get(role)
            if role == "anonymous":
                problem(response, role, "hire", 401)
            elif owner == name:
                status_of(response, role, f"hire at {name}", 201)
                continue
            else:
                problem(response, role, f"hire at {name}", 404)
            assert Person.objects.count() == before, f"{role} hired at {name}"


@dataclass
class ApiStaffWrite(Check):
    """POST on a person's records through the API: the institution's admin (``status``); others 404."""

    path: str
    body: dict[str, Any]
    status: int = 201

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for key, p in staff_people(env).items():
            url = self.path.format(person_id=p["person"].pk, employment_id=p["employment"].pk)
            response = c.post(url, self.body, content_type="application/json")
            if role == "anonymous":
                problem(response, role, f"POST {url}", 401)
            elif key in STAFF_KEEPER.get(role, ()):
                status_of(response, role, f"POST {url}", self.status)
            else:
                problem(response, role, f"POST {url}", 404)


# --- end staff register -------------------------------------------------------------------------------


# --- rooms, classes and children (children helper) -------------------------------------------------

PREMISES_SIGHT: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "carol": {"inst_hebi"},
    "ivan": {"inst_a"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
    "stacy": {"inst_a"},
}
# Children: the institution's admin, the health bureau of its region (masked); not partner inspectors, not
# staff (until caregiver assignment exists), not parents, not the auditor or the system admin.
CHILD_SIGHT: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "carol": {"inst_hebi"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
}
KEEPER: dict[str, set[str]] = {"ann": {"inst_a"}, "ben": {"inst_b"}}
PREMISES_OF = ["inst_a", "inst_b", "inst_hebi"]


def premises_world(env: Env) -> dict[str, Any]:
    """Per institution: a room, a spare room, two toddler classes, and a consented child (with an ID number)
    enrolled in the first class — made once per test through the services."""
    if getattr(env, "_premises", None) is not None:
        return env._premises  # type: ignore[attr-defined]
    import datetime as dt

    from tuoyu.children import services as child_services
    from tuoyu.children.tests.helpers import id_for, make_class, months_before

    world: dict[str, Any] = {}
    today = dt.date.today()
    for i, name in enumerate(PREMISES_OF):
        inst = getattr(env.cast, name)
        one = make_class(inst, name=f"{name}一班")
        two = make_class(inst, name=f"{name}二班")
        from tuoyu.institutions.models import Room

        spare = Room.objects.create(
            institution=inst, name=f"{name}储藏室", floor=1, floor_area_m2=5, use="other"
        )
        birth = months_before(today, 18) - dt.timedelta(days=i)
        child = child_services.child_register(
            by=env.cast.sam,
            institution=inst,
            name=f"幼儿{name}",
            sex="M",
            birth_date=birth,
            guardian_name=f"监护人{name}",
            guardian_relationship="father",
            guardian_phone="13912345678",
            id_number=id_for(birth),
            consent_scope=["basic"],
            consent_text_version="v1",
            care_class=one,
            start_date=today,
        )
        world[name] = {"room": one.room, "spare": spare, "class": one, "class2": two, "child": child}
    env._premises = world  # type: ignore[attr-defined]
    return world


def _send(c: Client, method: str, url: str, data: Any, *, api: bool) -> Any:
    if method == "GET":
        return c.get(url)
    if api:
        return getattr(c, method.lower())(url, json.dumps(data), content_type="application/json")
    return c.post(url, data)


class PremisesAct(Check):
    """A page or API operation on one room, class or child: its keeper (the institution's admin) gets
    ``allowed_status``; everyone else 404 (problem+json from the API), nothing changed; anonymous to the
    login page (401 from the API). ``sight`` widens who may GET it."""

    def __init__(
        self,
        method: str,
        path: str,
        allowed_status: int,
        data: Any = None,
        *,
        sight: dict[str, set[str]] | None = None,
    ) -> None:
        self.method, self.path, self.allowed_status, self.data = method, path, allowed_status, data
        self.sight = sight or KEEPER

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.audit.models import Event

        world = premises_world(env)
        c = env.client(role)
        api = is_api(self.path)
        for name in PREMISES_OF:
            w = world[name]
            ids = {
                "room_id": w["room"].pk,
                "spare_id": w["spare"].pk,
                "class_id": w["class"].pk,
                "child_id": w["child"].pk,
                "consent_id": w["child"].consents.first().pk,
            }
            url = self.path.format(**ids)
            data = self.data(w) if callable(self.data) else self.data
            before = Event.objects.exclude(action="access.denied").count()
            response = _send(c, self.method, url, data, api=api)
            allowed = name in self.sight.get(role, ())
            what = f"{self.method} {url}"
            if role == "anonymous":
                refused_anonymous(response, url)
            elif allowed:
                status_of(response, role, what, self.allowed_status)
                if self.method == "GET" and response["Content-Type"].startswith("text/html"):
                    assert w["child"].id_number not in response.content.decode(), (
                        f"{role} {what}: full ID shown"
                    )
            else:
                status_of(response, role, what, 404)
                if api:
                    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
                if self.method != "GET":
                    assert Event.objects.exclude(action="access.denied").count() == before, (
                        f"{role} changed {url}"
                    )


class PremisesList(Check):
    """A list of rooms, classes or children: exactly what is in sight. Pages 404 for roles with no sight."""

    def __init__(
        self, path: str, key: str, sight: dict[str, set[str]], *, page_roles: set[str] | None = None
    ):
        self.path, self.key, self.sight, self.page_roles = path, key, sight, page_roles

    def __call__(self, env: Env, role: str) -> None:
        world = premises_world(env)
        c = env.client(role)
        response = c.get(self.path)
        if role == "anonymous":
            refused_anonymous(response, self.path)
            return
        sight = self.sight.get(role, set())
        if is_api(self.path):
            status_of(response, role, self.path, 200)
            listed = {i["institution_id"] for i in response.json()["items"]}
            expected = {getattr(env.cast, n).pk for n in sight}
            assert listed == expected, f"{role} GET {self.path}: {listed} != {expected}"
            if self.key == "child":
                assert all("*" in i["id_number_masked"] for i in response.json()["items"])
            return
        page_roles = self.page_roles if self.page_roles is not None else set(self.sight)
        status_of(response, role, self.path, 200 if role in page_roles else 404)
        if response.status_code == 200:
            text = response.content.decode()
            for name in PREMISES_OF:
                obj = world[name][self.key]
                shown = obj.name in text
                assert shown == (name in sight), f"{role} {self.path}: {name} shown={shown}"
                if self.key == "child":
                    assert obj.id_number not in text, f"{role} {self.path}: full ID shown"


class PremisesCreate(Check):
    """POST a new room, class or child for the caller's own institution: its admin only (201 from the API,
    a redirect from a page); everyone else 404 and nothing created; anonymous refused."""

    def __init__(self, path: str, model: str, data: Any, allowed_status: int) -> None:
        self.path, self.model, self.data, self.allowed_status = path, model, data, allowed_status

    def __call__(self, env: Env, role: str) -> None:
        from django.apps import apps

        model = apps.get_model(self.model)
        c = env.client(role)
        before = model.objects.count()
        response = _send(c, "POST", self.path, self.data(role), api=is_api(self.path))
        if role == "anonymous":
            refused_anonymous(response, self.path)
        elif role in KEEPER:
            status_of(response, role, f"POST {self.path}", self.allowed_status)
            assert model.objects.count() == before + 1
            return
        else:
            status_of(response, role, f"POST {self.path}", 404)
        assert model.objects.count() == before, f"{role} created a {self.model}"


class ChildImportReport(Check):
    """The last failed roster import's report is in the uploader's own session; nobody else has one."""

    def __call__(self, env: Env, role: str) -> None:
        path = "/children/import/report.xlsx"
        response = env.client(role).get(path)
        if role == "anonymous":
            to_login(response, role, path)
        else:
            status_of(response, role, path, 404)


def _room_data(role: str) -> dict[str, Any]:
    return {
        "name": f"{role}新房间",
        "floor": 1,
        "floor_area_m2": "30.5",
        "window_area_m2": "6",
        "use": "activity",
    }


def _class_data(role: str) -> dict[str, Any]:
    return {"name": f"{role}新班", "class_type": "toddler", "planned_size": 15}


def _child_data(role: str) -> dict[str, Any]:
    import datetime as dt

    from tuoyu.children.tests.helpers import months_before

    return {
        "name": f"{role}新生",
        "sex": "F",
        "birth_date": months_before(dt.date.today(), 20).isoformat(),
        "guardian_name": "李四",
        "guardian_relationship": "mother",
        "guardian_phone": "13712345678",
    }


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


# --- staff indicators (staff) -------------------------------------------------------------------------
# The regulators and partner inspectors read the indicators of regions inside their jurisdiction; an
# institution's admin reads their own roster instead (404 here), as does everyone else.
INDICATOR_JURISDICTION: dict[str, str] = {
    "zhou": "4302",
    "alice": "430202",
    "bob": "430203",
    "carol": "4106",
    "ivan": "430202",
}
INDICATOR_PROBES = ["430200", "430202", "430202001", "430203", "410600", "410611"]


@dataclass
class StaffIndicators(Check):
    """/staff/indicators/ (page, exports) and GET /api/v1/staff/indicators: their own region by default,
    ?region= inside the jurisdiction 200, outside 404; exports audited."""

    path: str
    api: bool = False
    audited: bool = False

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.regions.models import Region

        staff_people(env)
        c = env.client(role)
        prefix = INDICATOR_JURISDICTION.get(role)
        for code in ["", *INDICATOR_PROBES]:
            url = f"{self.path}?region={code}" if code else self.path
            allowed = prefix is not None and (
                not code or Region.objects.get(code=code).prefix.startswith(prefix)
            )
            before = Event.objects.filter(action="staff.indicators_export").count()
            if self.api:
                response = api_get(env, role, url, allowed)
            else:
                response = c.get(url)
                web_status(response, role, url, 200 if allowed else 404)
                if allowed and response["Content-Type"].startswith("text/html"):
                    no_foreign(response, role, url, env)
            if self.audited:
                after = Event.objects.filter(action="staff.indicators_export").count()
                assert after == before + (1 if allowed else 0), f"{role} {url}: export not audited once"


# --- end staff indicators -----------------------------------------------------------------------------


@dataclass
class StaffIndicatorInstitutions(StaffIndicators):
    """GET /api/v1/staff/indicators/institutions: as /indicators, and every institution listed lies inside
    the reader's jurisdiction."""

    def __call__(self, env: Env, role: str) -> None:
        super().__call__(env, role)
        prefix = INDICATOR_JURISDICTION.get(role)
        if prefix is None:
            return
        response = env.client(role).get(f"{self.path}?limit=100")
        status_of(response, role, self.path, 200)
        codes = [i["region_code"] for i in response.json()["items"]]
        assert codes and all(c.startswith(prefix) for c in codes), f"{role}: {codes} outside {prefix}"


MATRIX: dict[str, Check] = {
    # public
    "healthz": Public("/healthz"),
    "ping": Public("/ping"),
    "i18n/setlang/": SetLanguage(),
    "api/v1/openapi.json": Public("/api/v1/openapi.json"),
    "api/v1/docs": Public("/api/v1/docs"),
    "api/v1/": ApiNotFound("/api/v1/"),
    "^api/": ApiNotFound("/api/whatever/else"),
    # signing in and out
    "accounts/login/": AnonymousOnlyLogin(),
    "accounts/logout/": Logout(),
    "accounts/mfa/setup/": MfaPage("/accounts/mfa/setup/"),
    "accounts/mfa/verify/": MfaPage("/accounts/mfa/verify/"),
    # one's own account
    "": SignedInSelf("/"),
    "accounts/password/": SignedInSelf("/accounts/password/"),
    "accounts/profile/": SignedInSelf("/accounts/profile/"),
    "accounts/profile/phone/": PiiReveal("/accounts/profile/phone/", "user.phone_reveal"),
    "accounts/profile/id-number/": PiiReveal("/accounts/profile/id-number/", "user.id_number_reveal"),
    "accounts/tokens/": SignedInSelf("/accounts/tokens/", expect_text="{role}-令牌"),
    "accounts/tokens/<int:token_id>/revoke/": TokenRevokeWeb(),
    # jurisdiction
    "regions/": RegionTree(),
    "regions/<str:code>/": RegionPage(),
    # the auditor
    "audit/": AuditorOnly("/audit/"),
    "audit/export.csv": AuditorOnly("/audit/export.csv"),
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
    "GET /api/v1/regions": ApiRegionList(),
    "GET /api/v1/regions/{code}": ApiRegionDetail(),
    # notifications: one's own inbox only
    "notifications/": OwnInbox("/notifications/"),
    "notifications/<int:notification_id>/open/": MarkOwnNotification(
        "/notifications/{notification_id}/open/", 302
    ),
    "notifications/read-all/": MarkAllOwnNotifications("/notifications/read-all/", 302),
    "GET /api/v1/notifications": OwnInbox("/api/v1/notifications"),
    "POST /api/v1/notifications/{notification_id}/read": MarkOwnNotification(
        "/api/v1/notifications/{notification_id}/read", 200
    ),
    "POST /api/v1/notifications/read-all": MarkAllOwnNotifications("/api/v1/notifications/read-all", 200),
    # institutions and registrations
    "institutions/": Checks(
        (
            InstitutionListPage(),
            ListExport("/institutions/", "institution.export", INSTITUTION_EXPORT),
        )
    ),
    "institutions/<int:institution_id>/": InstitutionPage(),
    "institutions/<int:institution_id>/reveal/<str:field>/": InstitutionReveal(),
    "institutions/pending/": Checks(
        (
            RolesOnly("/institutions/pending/", PENDING_ROLES),
            ListExport(
                "/institutions/pending/",
                "institution.pending_export",
                {r: INSTITUTION_SIGHT[r] for r in PENDING_ROLES},
            ),
        )
    ),
    "institutions/registrations/new/": RolesOnly("/institutions/registrations/new/", ("clerk",)),
    "GET /api/v1/institutions": ApiInstitutionList(),
    "GET /api/v1/institutions/{institution_id}": ApiInstitutionDetail(),
    "POST /api/v1/registrations": ApiRegistrationPush(),
    "institutions/<int:institution_id>/invite/": InstitutionInvite(),
    "institutions/registrations/import/": RolesOnly("/institutions/registrations/import/", ("clerk",)),
    "institutions/registrations/import/template.xlsx": RolesOnly(
        "/institutions/registrations/import/template.xlsx", ("clerk",)
    ),
    "institutions/registrations/import/report.xlsx": ImportReport(),
    "institutions/region-transfers/": RegionTransferPage(),
    "institutions/region-transfers/<int:transfer_id>/approve/": RegionTransferDecideWeb("approve"),
    "institutions/region-transfers/<int:transfer_id>/reject/": RegionTransferDecideWeb("reject"),
    "GET /api/v1/region-transfers": ApiRegionTransferList(),
    "POST /api/v1/region-transfers/{transfer_id}/approve": ApiRegionTransferDecide("approve"),
    "POST /api/v1/region-transfers/{transfer_id}/reject": ApiRegionTransferDecide("reject"),
    "invitations/<str:token>/": InvitationLink(),
    # the holiday table (节假日安排): regulators read, the system admin changes
    "calendar/": CalendarRead("/calendar/"),
    "calendar/<int:year>/": CalendarRead("/calendar/2027/"),
    "calendar/<int:year>/dates/": CalendarWrite("add"),
    "calendar/<int:year>/dates/<int:date_id>/remove/": CalendarWrite("remove"),
    "calendar/<int:year>/import/": CalendarWrite("import"),
    "calendar/<int:year>/publish/": CalendarWrite("publish"),
    "GET /api/v1/calendar/workdays": ApiWorkdays(),
    "GET /api/v1/calendar/years": ApiCalendarYears(),
    # filings (备案): the institution's admin files, the county bureau reviews
    "filings/": RolesOnly("/filings/", ("ann", "ben")),
    "filings/start/": FilingStart(),
    "filings/review/": Checks((FilingQueue(), RolesOnly("/filings/review/?format=csv", ()))),
    "filings/<int:filing_id>/": FilingRead(),
    "filings/<int:filing_id>/materials/<int:material_id>/": FilingRead(material=True),
    "filings/<int:filing_id>/receipt.pdf": FilingReceipt(),
    "verify/<str:number>/": FilingVerify(),
    # public disclosure (信息公示): no login, filed institutions only, public fields only
    "public/institutions/": PublicDisclosure("/public/institutions/"),
    "public/institutions.csv": PublicDisclosure("/public/institutions.csv"),
    "public/institutions.json": PublicDisclosure("/public/institutions.json"),
    "public/institutions/<int:institution_id>/": PublicDisclosure(
        "/public/institutions/{institution_id}/", single=True
    ),
    "public/institutions/<int:institution_id>/qr.png": PublicDisclosure(
        "/public/institutions/{institution_id}/qr.png", single=True
    ),
    "GET /api/v1/public/institutions": PublicDisclosure("/api/v1/public/institutions"),
    "GET /api/v1/public/institutions/{institution_id}": PublicDisclosure(
        "/api/v1/public/institutions/{institution_id}", single=True, problem_json=True
    ),
    # end public disclosure
    "fees/": RolesOnly("/fees/", ("ann", "ben")),
    "filings/<int:filing_id>/materials/": FilingAct("materials", FILING_FILER, 400),
    "filings/<int:filing_id>/submit/": FilingAct("submit", FILING_FILER, 409),
    "filings/<int:filing_id>/withdraw/": FilingAct("withdraw", FILING_FILER, 409),
    "filings/<int:filing_id>/accept/": FilingAct("accept", FILING_REVIEWER, 409),
    "filings/<int:filing_id>/return/": FilingAct("return", FILING_REVIEWER, 409),
    # filings, fees, pending, invitations and revisions through the API (filingapi)
    "GET /api/v1/filings": ApiFilingList(),
    "GET /api/v1/filings/review-queue": ApiFilingQueue(),
    "GET /api/v1/filings/declaration": ApiSignedIn("/api/v1/filings/declaration"),
    "GET /api/v1/filings/{filing_id}": ApiFilingRead(),
    "GET /api/v1/filings/{filing_id}/materials/{material_id}": ApiFilingRead("/materials/{material_id}"),
    "GET /api/v1/filings/{filing_id}/receipt.pdf": ApiFilingRead("/receipt.pdf", accepted=True),
    "POST /api/v1/filings": ApiFilingStart(),
    "POST /api/v1/filings/{filing_id}/materials": ApiFilingAct("materials", FILING_FILER, 422),
    "POST /api/v1/filings/{filing_id}/submit": ApiFilingAct("submit", FILING_FILER, 409),
    "POST /api/v1/filings/{filing_id}/withdraw": ApiFilingAct("withdraw", FILING_FILER, 409),
    "POST /api/v1/filings/{filing_id}/accept": ApiFilingAct("accept", FILING_REVIEWER, 409),
    "POST /api/v1/filings/{filing_id}/return": ApiFilingAct("return", FILING_REVIEWER, 409),
    "GET /api/v1/fees/schedules": ApiInstitutionRead(
        "/api/v1/fees/schedules?institution_id={institution_id}"
    ),
    "POST /api/v1/fees/schedules": ApiFeePublish(),
    "GET /api/v1/institutions/pending": ApiPending(),
    "POST /api/v1/institutions/{institution_id}/invitations": ApiInvite(),
    "GET /api/v1/institutions/{institution_id}/revisions": ApiInstitutionRead(
        "/api/v1/institutions/{institution_id}/revisions"
    ),
    # end filingapi
    # change filing, cancellation and FIL-05 notices (change filing helper)
    "filings/<int:filing_id>/changes/": ChangeFilingPage(),
    "filings/<int:filing_id>/form/": FilingFormPage(),
    "filings/cancel/<int:institution_id>/": CancelPage(),
    "filings/notices/": Checks((NoticeList(), RolesOnly("/filings/notices/?format=csv", ()))),
    "filings/notices/new/<int:institution_id>/": NoticeNew(),
    "filings/notices/<int:notice_id>/": NoticeRead(),
    "filings/notices/<int:notice_id>/publish/": NoticeAct("publish", FILING_REVIEWER),
    "filings/notices/<int:notice_id>/close/": NoticeAct("close", FILING_REVIEWER),
    "filings/notices/<int:notice_id>/respond/": NoticeAct("respond", FILING_FILER),
    "GET /api/v1/filings/{filing_id}/changes": ApiChangeRead("changes"),
    "POST /api/v1/filings/{filing_id}/changes": ApiChangeAct("changes", FILING_FILER, 409),
    "GET /api/v1/filings/{filing_id}/form": ApiChangeRead("form"),
    "POST /api/v1/filings/{filing_id}/form": ApiChangeAct("form", FILING_FILER, 409),
    "POST /api/v1/filings/{filing_id}/cancellation": ApiChangeAct("cancellation", FILING_FILER, 400),
    "GET /api/v1/notices": ApiNoticeList(),
    "POST /api/v1/notices": ApiNoticeIssue(),
    "GET /api/v1/notices/{notice_id}": ApiChangeRead("notice"),
    "POST /api/v1/notices/{notice_id}/publish": ApiChangeAct("publish", FILING_REVIEWER, 409),
    "POST /api/v1/notices/{notice_id}/respond": ApiChangeAct("respond", FILING_FILER, 409),
    "POST /api/v1/notices/{notice_id}/close": ApiChangeAct("close", FILING_REVIEWER, 409),
    # end change filing helper
    # compliance engine (standards)
    "standards/": RolesOnly("/standards/", ("ann", "ben", "stacy")),
    "standards/risk/": Checks((ComplianceRisk(), RolesOnly("/standards/risk/?format=csv", ()))),
    "standards/rules/": SignedInSelf("/standards/rules/"),
    "standards/institutions/<int:institution_id>/": ComplianceDetail(),
    "GET /api/v1/standards/rules": ApiSignedIn("/api/v1/standards/rules"),
    "GET /api/v1/standards/institutions/{institution_id}": ComplianceDetail(api=True),
    "GET /api/v1/standards/risk": ComplianceRisk(api=True),
    # end compliance engine
    # lifetime bans (bans)
    "bans/": Checks(
        (
            BanPage("/bans/", listing=True),
            ListExport(
                "/bans/",
                "bans.export",
                {role: {key} for role, key in BAN_KEEPER.items()},
                names=lambda env: (_ban_world(env), BAN_NAMES)[1],
            ),
        )
    ),
    "bans/new/": BanPage("/bans/new/"),
    "bans/import/": BanPage("/bans/import/"),
    "bans/import/template.xlsx": BanPage("/bans/import/template.xlsx"),
    "bans/import/report.xlsx": BanImportReport(),
    "bans/<int:ban_id>/": BanOne(),
    "bans/<int:ban_id>/reveal/": BanOne(reveal=True),
    "bans/alerts/": Checks((BanAlertPage(), RolesOnly("/bans/alerts/?format=csv", ()))),
    "bans/alerts/<int:alert_id>/": BanAlertPage(one=True),
    "GET /api/v1/bans": ApiBanList(),
    "POST /api/v1/bans": ApiBanCreate(),
    "POST /api/v1/bans/import": ApiBanImport(),
    "GET /api/v1/bans/{ban_id}": ApiBanOne("GET"),
    "PUT /api/v1/bans/{ban_id}": ApiBanOne("PUT"),
    "POST /api/v1/bans/{ban_id}/lift": ApiBanOne("POST", "/lift"),
    "POST /api/v1/bans/{ban_id}/reveal": ApiBanOne("POST", "/reveal"),
    "GET /api/v1/ban-alerts": ApiBanAlerts(),
    "GET /api/v1/ban-alerts/{alert_id}": ApiBanAlerts("get"),
    "POST /api/v1/ban-alerts/{alert_id}/acknowledge": ApiBanAlerts("/acknowledge"),
    # end lifetime bans
    # staff register (staff)
    "staff/": StaffListPage(),
    "staff/new/": StaffAdminPage("/staff/new/"),
    "staff/export.xlsx": StaffAdminPage("/staff/export.xlsx"),
    "staff/import/": StaffAdminPage("/staff/import/"),
    "staff/import/template.xlsx": StaffAdminPage("/staff/import/template.xlsx"),
    "staff/import/report.xlsx": StaffAdminPage("/staff/import/report.xlsx", admin_status=404),
    "staff/<int:person_id>/": StaffPersonPage(),
    "staff/<int:person_id>/reveal/<str:field>/": StaffReveal(),
    "staff/<int:person_id>/add/<str:kind>/": StaffWrite(
        "/staff/{person_id}/add/training/",
        {"training-year": "2025", "training-kind": "other", "training-hours": "4", "training-topic": "急救"},
    ),
    "staff/employments/<int:employment_id>/end/": StaffWrite(
        "/staff/employments/{employment_id}/end/",
        {"end{employment_id}-end_date": "2000-01-01", "end{employment_id}-version": "1"},
        status=200,  # allowed, and refused next to the field: the end date is before the start
    ),
    "staff/employments/<int:employment_id>/assign/": StaffWrite(
        "/staff/employments/{employment_id}/assign/", status=200
    ),
    "staff/assignments/<int:assignment_id>/unassign/": StaffWrite(
        "/staff/assignments/{assignment_id}/unassign/"
    ),
    "staff/certificates/<int:certificate_id>/remove/": StaffWrite(
        "/staff/certificates/{certificate_id}/remove/"
    ),
    "GET /api/v1/staff": ApiStaffList(),
    "POST /api/v1/staff": ApiStaffHire(),
    "GET /api/v1/staff/{person_id}": ApiStaffDetail(),
    "POST /api/v1/staff/employments/{employment_id}/end": ApiStaffWrite(
        "/api/v1/staff/employments/{employment_id}/end", {"version": 99}, status=409
    ),
    "POST /api/v1/staff/{person_id}/certificates": ApiStaffWrite(
        "/api/v1/staff/{person_id}/certificates",
        {"kind": "teacher", "number": "T-1", "issuer": "教育局", "issued_on": "2024-09-01"},
    ),
    "POST /api/v1/staff/{person_id}/health-certificates": ApiStaffWrite(
        "/api/v1/staff/{person_id}/health-certificates", {"issued_on": "2025-01-01", "issuer": "妇幼保健院"}
    ),
    "POST /api/v1/staff/{person_id}/background-checks": ApiStaffWrite(
        "/api/v1/staff/{person_id}/background-checks",
        {"kind": "sexual_offence", "checked_on": "2025-01-01", "result": "clear", "authority": "公安局"},
    ),
    "POST /api/v1/staff/{person_id}/training": ApiStaffWrite(
        "/api/v1/staff/{person_id}/training", {"year": 2025, "hours": "6", "topic": "消防"}
    ),
    # end staff register
    # rooms, classes and children (children helper)
    "institutions/rooms/": PremisesList("/institutions/rooms/", "room", KEEPER),
    "institutions/rooms/<int:room_id>/": PremisesAct("GET", "/institutions/rooms/{room_id}/", 200),
    "institutions/rooms/<int:room_id>/delete/": PremisesAct(
        "POST", "/institutions/rooms/{spare_id}/delete/", 302
    ),
    "institutions/classes/": PremisesList("/institutions/classes/", "class", KEEPER),
    "institutions/classes/<int:class_id>/": PremisesAct("GET", "/institutions/classes/{class_id}/", 200),
    "institutions/classes/<int:class_id>/close/": PremisesAct(
        "POST", "/institutions/classes/{class_id}/close/", 302
    ),
    "GET /api/v1/rooms": PremisesList("/api/v1/rooms?limit=200", "room", PREMISES_SIGHT),
    "POST /api/v1/rooms": PremisesCreate("/api/v1/rooms", "institutions.Room", _room_data, 201),
    "PUT /api/v1/rooms/{room_id}": PremisesAct(
        "PUT", "/api/v1/rooms/{room_id}", 200, lambda w: {**_room_data("x"), "version": w["room"].version}
    ),
    "GET /api/v1/classes": PremisesList("/api/v1/classes?limit=200", "class", PREMISES_SIGHT),
    "POST /api/v1/classes": PremisesCreate("/api/v1/classes", "institutions.CareClass", _class_data, 201),
    "PUT /api/v1/classes/{class_id}": PremisesAct(
        "PUT",
        "/api/v1/classes/{class_id}",
        200,
        lambda w: {**_class_data("x"), "version": w["class"].version},
    ),
    "children/": PremisesList("/children/", "child", CHILD_SIGHT, page_roles={*CHILD_SIGHT, "stacy"}),
    "children/new/": PremisesCreate("/children/new/", "children.Child", _child_data, 302),
    "children/export.xlsx": RolesOnly("/children/export.xlsx", ("ann", "ben")),
    "children/import/": RolesOnly("/children/import/", ("ann", "ben")),
    "children/import/template.xlsx": RolesOnly("/children/import/template.xlsx", ("ann", "ben")),
    "children/import/report.xlsx": ChildImportReport(),
    "children/<int:child_id>/": PremisesAct("GET", "/children/{child_id}/", 200, sight=CHILD_SIGHT),
    "children/<int:child_id>/guardians/": PremisesAct(
        "POST",
        "/children/{child_id}/guardians/",
        302,
        {"name": "李美丽", "relationship": "mother", "phone": "13712345678"},
    ),
    "children/<int:child_id>/consents/": PremisesAct(
        "POST",
        "/children/{child_id}/consents/",
        302,
        lambda w: {"guardian": w["child"].guardians.first().pk, "scope": ["health"], "text_version": "v2"},
    ),
    "children/<int:child_id>/consents/<int:consent_id>/withdraw/": PremisesAct(
        "POST", "/children/{child_id}/consents/{consent_id}/withdraw/", 302
    ),
    "children/<int:child_id>/enroll/": PremisesAct(
        "POST",
        "/children/{child_id}/enroll/",
        302,
        lambda w: {"care_class": w["class2"].pk, "start_date": _today()},
    ),
    "children/<int:child_id>/leave/": PremisesAct(
        "POST", "/children/{child_id}/leave/", 302, lambda w: {"end_date": _today()}
    ),
    "children/<int:child_id>/reveal/": PremisesAct("POST", "/children/{child_id}/reveal/", 200),
    "GET /api/v1/children": PremisesList("/api/v1/children?limit=200", "child", CHILD_SIGHT),
    "POST /api/v1/children": PremisesCreate("/api/v1/children", "children.Child", _child_data, 201),
    "GET /api/v1/children/{child_id}": PremisesAct(
        "GET", "/api/v1/children/{child_id}", 200, sight=CHILD_SIGHT
    ),
    "POST /api/v1/children/{child_id}/guardians": PremisesAct(
        "POST",
        "/api/v1/children/{child_id}/guardians",
        201,
        {"name": "李美丽", "relationship": "mother", "phone": "13712345678"},
    ),
    "POST /api/v1/children/{child_id}/consents": PremisesAct(
        "POST",
        "/api/v1/children/{child_id}/consents",
        201,
        lambda w: {"guardian_id": w["child"].guardians.first().pk, "scope": ["health"], "text_version": "v2"},
    ),
    "POST /api/v1/children/{child_id}/consents/{consent_id}/withdraw": PremisesAct(
        "POST", "/api/v1/children/{child_id}/consents/{consent_id}/withdraw", 200
    ),
    "POST /api/v1/children/{child_id}/enrollments": PremisesAct(
        "POST",
        "/api/v1/children/{child_id}/enrollments",
        201,
        lambda w: {"class_id": w["class2"].pk, "start_date": _today()},
    ),
    "POST /api/v1/children/{child_id}/leave": PremisesAct(
        "POST", "/api/v1/children/{child_id}/leave", 200, lambda w: {"end_date": _today()}
    ),
    # end rooms, classes and children
    # staff indicators (staff)
    "staff/indicators/": StaffIndicators("/staff/indicators/"),
    "staff/indicators/export.xlsx": StaffIndicators("/staff/indicators/export.xlsx", audited=True),
    "staff/indicators/export.csv": StaffIndicators("/staff/indicators/export.csv", audited=True),
    "GET /api/v1/staff/indicators": StaffIndicators("/api/v1/staff/indicators", api=True),
    # end staff indicators
    # staff indicators by institution (staff)
    "GET /api/v1/staff/indicators/institutions": StaffIndicatorInstitutions(
        "/api/v1/staff/indicators/institutions", api=True
    ),
}


def test_every_url_and_api_operation_is_classified() -> None:
    unclassified = sorted(endpoints() - MATRIX.keys())
    assert not unclassified, (
        "classify this URL in the permission matrix (tuoyu/core/tests/test_permission_matrix.py, MATRIX): "
        + ", ".join(repr(u) for u in unclassified)
    )


def test_the_matrix_names_no_url_that_does_not_exist() -> None:
    stale = sorted(MATRIX.keys() - endpoints())
    assert not stale, f"these matrix rows match no URL or API operation any more: {stale}"


@pytest.mark.django_db
def test_the_matrix_checks_every_member_of_the_cast(cast: Cast) -> None:
    assert set(SIGNED_IN) == set(cast.all())


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", sorted(MATRIX), ids=lambda e: e or "home")
def test_every_role_gets_exactly_what_its_row_allows(cast: Cast, login: Any, endpoint: str) -> None:
    env = Env(cast=cast, login=login)
    for role in ROLES:
        MATRIX[endpoint](env, role)


# --- core.scoping fails closed ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_model_without_a_rule_is_empty_for_everyone(cast: Cast) -> None:
    assert RegionPopulation.objects.exists()
    assert RegionPopulation not in scoping.registered_models()
    for user in cast.all().values():
        assert scoping.scope_filter(user, "view", RegionPopulation) is None
        assert not scoping.scoped(user, "view", RegionPopulation).exists()
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(cast.sam, "view", RegionPopulation, region_id="430200")


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Region, Institution, Event, ApiToken, User, Membership, Notification])
def test_anonymous_and_no_user_see_nothing(cast: Cast, model: type) -> None:
    for nobody in (AnonymousUser(), None):
        for action in sorted(scoping.ACTIONS):
            assert not scoping.scoped(nobody, action, model).exists()


@pytest.mark.django_db
def test_an_inactive_user_sees_nothing_even_as_system_admin(cast: Cast) -> None:
    assert scoping.scoped(cast.sam, "view", Region).exists()
    cast.sam.is_active = False
    for model in scoping.registered_models():
        assert not scoping.scoped(cast.sam, "view", model).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["delete", "VIEW", "", "view ", "admin", "*"])
def test_an_unknown_action_sees_nothing(cast: Cast, action: str) -> None:
    for user in (cast.sam, cast.zhou, cast.audrey):
        for model in scoping.registered_models():
            assert not scoping.scoped(user, action, model).exists()


@pytest.mark.django_db
def test_a_revoked_membership_no_longer_grants_its_jurisdiction(cast: Cast) -> None:
    Membership.objects.filter(user=cast.alice).update(is_active=False)
    alice = User.objects.get(pk=cast.alice.pk)  # a fresh request would load her anew
    assert not scoping.scoped(alice, "view", Region).exists()
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(alice, "view", Region, code="430202")


@pytest.mark.django_db
def test_a_lookup_with_a_nul_byte_is_not_found_on_every_database(cast: Cast) -> None:
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(cast.sam, "view", Region, code="4302\x00")
    assert Region.objects.filter(code="430200").exists()  # the transaction is still usable


@pytest.mark.django_db
def test_regions_cannot_be_changed_through_scoping_even_by_the_system_admin(cast: Cast) -> None:
    for action in ("change", "reveal", "export"):
        assert not scoping.scoped(cast.sam, action, Region).exists()


@pytest.mark.django_db
def test_the_system_admin_cannot_read_the_audit_trail_and_the_auditor_cannot_change_it(cast: Cast) -> None:
    assert not scoping.scoped(cast.sam, "view", Event).exists()
    assert scoping.scoped(cast.audrey, "view", Event).exists()
    assert not scoping.scoped(cast.audrey, "change", Event).exists()


@pytest.mark.django_db
def test_an_unprivileged_user_sees_only_their_own_rows(cast: Cast) -> None:
    api_token_create(user=cast.alice, name="a")
    api_token_create(user=cast.pat, name="p")
    assert list(scoping.scoped(cast.pat, "view", User)) == [cast.pat]
    assert [t.user for t in scoping.scoped(cast.pat, "view", ApiToken)] == [cast.pat]
    assert {m.user for m in scoping.scoped(cast.pat, "view", Membership)} == {cast.pat}
    for model in (Region, Institution, Event):
        assert not scoping.scoped(cast.pat, "view", model).exists()
    assert not scoping.scoped(cast.pat, "change", User).exists()


@pytest.mark.django_db
def test_institution_rules_follow_jurisdiction_and_membership(cast: Cast) -> None:
    def seen(user: User, action: str = "view") -> set[str]:
        return set(scoping.scoped(user, action, Institution).values_list("name", flat=True))

    a, b, hebi = cast.inst_a.name, cast.inst_b.name, cast.inst_hebi.name
    assert seen(cast.zhou) == {a, b}
    assert seen(cast.alice) == {a}
    assert seen(cast.bob) == {b}
    assert seen(cast.carol) == {hebi}
    assert seen(cast.clerk) == {a, b}
    assert seen(cast.clerk, "change") == set()  # the registration clerk reads, never edits
    assert seen(cast.ann) == {a} and seen(cast.stacy) == {a} and seen(cast.ben) == {b}
    assert seen(cast.stacy, "change") == set()
    for user in (cast.audrey, cast.sam, cast.pat):
        assert seen(user) == set()
