"""The permission-matrix engine (权限矩阵): every URL and API operation × every role × an object inside and
outside its reach.

The rows are not here: each app declares its own in ``<app>/tests/matrix.py`` as ``ROWS``, a dict from the
endpoint (a web route as ``urls.py`` spells it, ``"staff/<int:person_id>/"``, or an API operation as
``"GET /api/v1/staff/{person_id}"``) to the ``Check`` that proves who may use it. ``collect()`` finds them the
way Django finds ``admin.py`` (``core.registry.app_modules``, over the installed tuoyu apps), so a new app
adds its rows without editing any other file. It refuses a row for an endpoint another app declares (a row
lives with the ``urls.py`` or ``api.py`` that declares its URL; the project's own URLs in tuoyu/urls.py and
tuoyu/api.py belong to core) and an endpoint with two rows. ``assert_complete`` fails for every URL and
operation without a row, ``assert_no_stale_rows`` for a row that matches none: the matrix runs in
tuoyu/core/tests/test_permission_matrix.py.

This module holds what every app's rows share: the cast's world (who the roles are and what each may see,
beside the ``cast`` fixture of tuoyu/testing/fixtures.py), the walk over the URLconf and the API, the
environment a check runs in, the assertions, and the checks no app owns (public pages, signed-in pages,
pages for some roles only, the API's "anyone signed in" and "whoever sees the institution").

Adding an app's rows: create ``<app>/tests/matrix.py`` (beside an ``__init__.py``) declaring ::

    from tuoyu.testing.matrix import Check, RolesOnly

    ROWS: dict[str, Check] = {
        "widgets/": RolesOnly("/widgets/", ("ann", "ben")),  # the institutions' admins only; others 404
    }

one row for each route of the app's urls.py and each operation of its api.py; a check of the app's own
subclasses ``Check`` (``__call__(env, role)`` asserts what ``role`` gets) in the same file. Nothing else is
edited: the installed app's rows are found.

Jurisdiction is probed with four regions: 430202001 (月塘街道, a street of 株洲 荷塘区), 430203 (株洲 芦淞区),
430200 (株洲市) and 410611 (鹤壁 淇滨区). Missing and forbidden objects answer alike: 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tuoyu.accounts.models import ApiToken, User
from tuoyu.accounts.services import api_token_create
from tuoyu.core import registry
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.testing.fixtures import Cast

# --- the cast's world (tuoyu/testing/fixtures.py makes it) ------------------------------------------

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
# The probe regions, and those each role may see: regulators (in their jurisdiction) and the system admin.
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
INSTITUTIONS = ["inst_a", "inst_b", "inst_hebi"]


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


# --- who declares each endpoint ---------------------------------------------------------------------

# The owner of the project's own URLs (tuoyu/urls.py, tuoyu/api.py: health checks, the language switch, the
# API's schema, docs and catch-all 404s), which no app's urls.py or api.py declares.
PROJECT_OWNER = "tuoyu.core"


def _declared_routes() -> dict[str, str]:
    """Web route → the app whose ``urls.py`` declares it (under its ``mount``, or in ``root_urlpatterns``)."""
    found: dict[str, str] = {}
    for module in registry.url_modules():
        app = _app_of(module.__name__)
        for route in _walk(module.urlpatterns, module.mount):
            found[route] = app
        for route in _walk(list(getattr(module, "root_urlpatterns", ()))):
            found[route] = app
    return found


def _declared_operations() -> dict[str, str]:
    """API operation (``GET /api/v1/staff/{person_id}``) → the app whose ``api.py`` mounts its router."""
    from ninja.utils import normalize_path

    from tuoyu.api import api

    routers: dict[int, str] = {}

    def mark(router: Any, app: str) -> None:
        routers[id(router)] = app
        for _prefix, child, *_tags in router._routers:  # nested routers belong to their parent's app
            mark(child, app)

    for config, module in registry.app_modules("api"):
        for mount in getattr(module, "api_mounts", ()):
            mark(mount.router, config.name)
    root = api.get_root_path({})
    found: dict[str, str] = {}
    for bound in api._get_bound_routers():  # the paths as ninja's OpenAPI schema spells them
        app = routers.get(id(bound.template))
        if app is None:
            continue
        for path, view in bound.path_operations.items():
            full = normalize_path("/" + root + "/".join(p for p in (bound.prefix, path) if p))
            full = re.sub(r"{[^}:]+:", "{", full)
            for operation in view.operations:
                if operation.include_in_schema:
                    found |= {f"{method.upper()} {full}": app for method in operation.methods}
    return found


def _app_of(module_name: str) -> str:
    for config in registry.project_apps():
        if module_name == config.name or module_name.startswith(config.name + "."):
            return config.name
    raise MatrixError(f"{module_name} belongs to no installed tuoyu app")


def owners() -> dict[str, str]:
    """Every endpoint (see ``endpoints``) → the app whose matrix.py must hold its row."""
    declared = _declared_routes() | _declared_operations()
    return {endpoint: declared.get(endpoint, PROJECT_OWNER) for endpoint in endpoints()}


def rows_module(app: str) -> str:
    """Where an app's rows live, as a path: ``tuoyu.staff`` → ``tuoyu/staff/tests/matrix.py``."""
    return app.replace(".", "/") + "/" + ROWS_MODULE.replace(".", "/") + ".py"


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


def self_client(env: Env, role: str) -> Client:
    """A fresh client of its own, for checks that change the session."""
    return Client() if role == "anonymous" else env.login(env.user(role))


def status_of(response: Any, role: str, what: str, expected: int) -> None:
    assert response.status_code == expected, (
        f"{role} {what}: expected {expected}, got {response.status_code} {response.content[:200]!r}"
    )


def to_login(response: Any, role: str, what: str) -> None:
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (
        f"{role} {what}: expected a redirect to the login page, got {response.status_code}"
    )


def web_status(response: Any, role: str, what: str, expected: int) -> None:
    if role == "anonymous":
        to_login(response, role, what)
    else:
        status_of(response, role, what, expected)


def problem(response: Any, role: str, what: str, expected: int) -> None:
    status_of(response, role, what, expected)
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE, f"{role} {what}: not problem+json"


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def refused_anonymous(response: Any, path: str) -> None:
    if is_api(path):
        problem(response, "anonymous", path, 401)
    else:
        to_login(response, "anonymous", path)


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


def no_foreign(response: Any, role: str, what: str, env: Env) -> None:
    text = response.content.decode()
    for marker in FOREIGN[role]:
        assert marker not in text, f"{role} {what}: shows {marker}, outside their reach"
    for other in SIGNED_IN:
        if other != role:
            assert f"{other}-令牌" not in text, f"{role} {what}: shows {other}'s API token"


# --- the checks no app owns -------------------------------------------------------------------------


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


@dataclass
class ListExport(Check):
    """A declared list's export (core.lists, ``<list>?format=csv`` and xlsx): the rows the role may export
    (``sight``: role → the keys of ``names(env)`` it may see; ``names`` also makes the rows), audited; without
    the export right 404; anonymous to the login page."""

    path: str
    action: str
    sight: Mapping[str, set[str]]
    names: Any  # (env) -> {key: the first exported column's value}

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.audit.models import Event

        names = self.names(env)
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


@dataclass
class ApiSignedIn(Check):
    """Anyone signed in (reference text); anonymous 401."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        api_get(env, role, self.path, True)


@dataclass
class ApiInstitutionRead(Check):
    """GET an institution's sub-resource (fee schedules, change history): whoever sees the institution."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        for name in INSTITUTIONS:
            url = self.path.format(institution_id=getattr(env.cast, name).pk)
            api_get(env, role, url, name in INSTITUTION_SIGHT.get(role, ()))


# --- collecting the rows ----------------------------------------------------------------------------

ROWS_MODULE = "tests.matrix"  # each app's rows: <app>/tests/matrix.py, declaring ROWS


class MatrixError(Exception):
    """The rows cannot make one matrix: a row in the wrong app's matrix.py, an endpoint with two rows, or
    a matrix.py without a ``ROWS`` dict of checks."""


def app_rows() -> dict[str, Mapping[str, Check]]:
    """Each installed tuoyu app's ``ROWS`` by app name (``tuoyu.staff``), found as Django finds admin.py."""
    found: dict[str, Mapping[str, Check]] = {}
    for config, module in registry.app_modules(ROWS_MODULE):
        rows = getattr(module, "ROWS", None)
        if not isinstance(rows, Mapping):
            raise MatrixError(f"{module.__name__} declares no ROWS dict (endpoint → check)")
        found[config.name] = rows
    return found


def assemble(rows_by_app: Mapping[str, Mapping[str, Check]], owner_of: Mapping[str, str]) -> dict[str, Check]:
    """The one matrix of every app's rows. Refused (``MatrixError``): a row whose endpoint another app
    declares, an endpoint with rows in two apps, a row that is not a ``Check``. A row naming no endpoint
    is kept for ``assert_no_stale_rows`` to report."""
    matrix: dict[str, Check] = {}
    where: dict[str, str] = {}
    problems: list[str] = []
    for app, rows in rows_by_app.items():
        for endpoint, check in rows.items():
            owner = owner_of.get(endpoint)
            if owner is not None and owner != app:
                problems.append(
                    f"{endpoint!r} is declared by {owner}: move its row from {rows_module(app)} to "
                    f"{rows_module(owner)}"
                )
            if endpoint in where:
                problems.append(
                    f"{endpoint!r} has a row in {rows_module(where[endpoint])} and in {rows_module(app)}"
                )
            if not isinstance(check, Check):
                problems.append(f"{endpoint!r} in {rows_module(app)}: {check!r} is not a Check")
            matrix[endpoint] = check
            where[endpoint] = app
    if problems:
        raise MatrixError("the permission matrix refuses these rows:\n" + "\n".join(problems))
    return matrix


def collect() -> dict[str, Check]:
    """Every installed app's rows, checked for their owner (see ``assemble``)."""
    return assemble(app_rows(), owners())


def assert_complete(found: Iterable[str], matrix: Mapping[str, Check], owner_of: Mapping[str, str]) -> None:
    """Every endpoint has a row; the message says which app's matrix.py each missing row belongs in."""
    missing = sorted(set(found) - matrix.keys())
    assert not missing, (
        "classify these URLs in the permission matrix (ROWS of the app's tests/matrix.py): "
        + (", ".join(f"{e!r} in {rows_module(owner_of.get(e, PROJECT_OWNER))}" for e in missing))
    )


def assert_no_stale_rows(found: Iterable[str], matrix: Mapping[str, Check]) -> None:
    stale = sorted(matrix.keys() - set(found))
    assert not stale, f"these matrix rows match no URL or API operation any more: {stale}"


def run_row(check: Check, cast: Cast, login: Any) -> None:
    """One row's check for every role of the cast, anonymous first."""
    env = Env(cast=cast, login=login)
    for role in ROLES:
        check(env, role)
