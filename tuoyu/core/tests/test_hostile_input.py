"""No input makes the API answer 5xx: every operation of the OpenAPI schema, walked with hostile values.

A hand-written walker in the spirit of schemathesis (which we do not depend on): for every operation it builds
a plausible request from the schema, then spoils one part at a time — each path parameter, each query parameter
and each body field (one level into nested objects and lists) — with integers beyond 32 and 64 bits, NUL and
other control characters, a lone surrogate, an overlong string and values of the wrong type, and it sends one
JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE. It walks as the city admin (regulator operations) and as an
institution's admin (institution writes), with path ids of real objects where the world has one, so a spoilt
value reaches the service and the database, not just the schema. Every answer must be below 500 and, when an
error, problem+json (or the schema the operation documents for that status).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client

from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.institutions.models import CareClass, Room
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db

HOSTILE_INTS: list[Any] = [2**64, -(2**64), 2**63, 2**31, -1, 0]
HOSTILE_STRINGS: list[Any] = ["\x00", "名\x00字", "\x01\x1b", "\ud800", "\x7f", "x" * 100_000]
WRONG_TYPES: list[Any] = [None, True, 1.5, "abc", [], {}]
HOSTILE_VALUES = HOSTILE_INTS + HOSTILE_STRINGS + WRONG_TYPES
# In a URL: what reaches the server once decoded (an integer's digits, a NUL, a control byte, junk).
HOSTILE_URL_VALUES = [
    str(2**64),
    str(2**63),
    str(2**31),
    "9" * 40,
    "-1",
    "0",
    "abc",
    "1.5",
    "%00",
    "%01",
    "%ED%A0%80",
    "x" * 3000,
]

# Values that satisfy the patterns the schemas declare (tried in order; "样例" for free text).
PATTERN_CANDIDATES = ["样例", "430202", "4302", "FIL-01", "1"]


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _resolve(options[0], components) if options else {"type": "null"}
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema


class World:
    """Real ids for path and body parameters, so a spoilt value meets a real object."""

    def __init__(self, cast: Cast) -> None:
        room = Room.objects.create(
            institution=cast.inst_a, name="一号活动室", floor=1, floor_area_m2="60", use="activity"
        )
        care_class = CareClass.objects.create(
            institution=cast.inst_a, name="托大班", class_type="toddler", room=room, planned_size=15
        )
        self.ids = {
            "institution_id": cast.inst_a.pk,
            "room_id": room.pk,
            "class_id": care_class.pk,
        }

    def id_for(self, name: str) -> int:
        return self.ids.get(name, 1)


def sample(name: str, schema: dict[str, Any], components: dict[str, Any], world: World) -> Any:
    """A value the schema accepts (as far as the schema alone can tell)."""
    schema = _resolve(schema, components)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        if name.endswith("_id"):
            return world.id_for(name)
        if name == "year":
            return dt.date.today().year
        return max(schema.get("minimum", 1), 1) if schema.get("maximum", 1) >= 1 else schema["maximum"]
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        item = sample(name, schema.get("items", {}), components, world)
        return [item] * max(schema.get("minItems", 1), 1)
    if kind == "object":
        return {
            key: sample(key, prop, components, world)
            for key, prop in schema.get("properties", {}).items()
            if key in schema.get("required", []) or True
        }
    if kind == "string" or kind is None:
        fmt = schema.get("format")
        if fmt == "date":
            return dt.date.today().isoformat()
        if fmt == "date-time":
            return dt.datetime.now(dt.UTC).isoformat()
        if fmt == "binary":
            return None
        if name.endswith("phone"):
            return "13800138000"
        pattern = schema.get("pattern")
        for candidate in PATTERN_CANDIDATES:
            if pattern is None or re.fullmatch(pattern, candidate):
                return candidate[: schema.get("maxLength", 50)]
        return "1"
    return None


def spoilt_bodies(body: Any) -> Iterator[tuple[str, Any]]:
    """(what, body) with one field — at the top or one level down — replaced by a hostile value."""
    if not isinstance(body, dict):
        return
    for key, value in body.items():
        for hostile in HOSTILE_VALUES:
            yield key, {**body, key: hostile}
        inner = value[0] if isinstance(value, list) and value else value
        if isinstance(inner, dict):
            for inner_key in inner:
                for hostile in HOSTILE_VALUES:
                    spoilt = {**inner, inner_key: hostile}
                    yield (
                        f"{key}.{inner_key}",
                        {**body, key: [spoilt] if isinstance(value, list) else spoilt},
                    )
    yield "(extra key)", {**body, "\x00": "\x00"}
    yield "(list body)", [body]
    yield "(string body)", "\x00"


def operations(client: Client) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    schema = client.get("/api/v1/openapi.json").json()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield method, path, op, schema["components"]["schemas"]


def fault(response: Any, op: dict[str, Any]) -> str:
    """What is wrong with the answer ("" when nothing is)."""
    status = response.status_code
    if status >= 500:
        return f"{status}: {response.content[:200]!r}"
    if status >= 400 and response["Content-Type"] != PROBLEM_CONTENT_TYPE:
        documented = op["responses"].get(str(status), {}).get("content", {})
        if not documented or PROBLEM_CONTENT_TYPE in documented:
            return f"{status} as {response['Content-Type']}: {response.content[:200]!r}"
    return ""


def request(
    client: Client,
    method: str,
    path: str,
    path_values: dict[str, Any],
    query: dict[str, str],
    body: Any = None,
    *,
    json_body: bool,
    raw_body: bytes | None = None,
    form: dict[str, Any] | None = None,
) -> Any:
    url = path
    for name, value in path_values.items():
        url = url.replace("{" + name + "}", str(value))
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    call = getattr(client, method)
    if form is not None:
        return call(url, data=form)
    if raw_body is not None:
        return call(url, data=raw_body, content_type="application/json")
    if json_body:
        return call(url, data=json.dumps(body), content_type="application/json")
    return call(url)


def walk(client: Client, world: World) -> tuple[int, list[str]]:
    """Send every hostile request; return how many were sent and what went wrong."""
    sent = 0
    failures: list[str] = []

    def check(response: Any, op: dict[str, Any], what: str) -> None:
        if problem := fault(response, op):
            failures.append(f"{what}: {problem}")

    for method, path, op, components in operations(client):
        params = op.get("parameters", [])
        base_path = {p["name"]: world.id_for(p["name"]) for p in params if p["in"] == "path"}
        base_query = {
            p["name"]: sample(p["name"], p["schema"], components, world)
            for p in params
            if p["in"] == "query" and p.get("required")
        }
        content = op.get("requestBody", {}).get("content", {})
        body_schema = content.get("application/json", {}).get("schema")
        form_schema = content.get("multipart/form-data", {}).get("schema")
        base_body = sample("payload", body_schema, components, world) if body_schema else None

        send = functools.partial(request, client, method, path, json_body=body_schema is not None)

        def q(values: dict[str, Any]) -> dict[str, Any]:
            return {k: quote(str(v).lower() if isinstance(v, bool) else str(v)) for k, v in values.items()}

        for name in base_path:
            for hostile in HOSTILE_URL_VALUES:
                check(
                    send({**base_path, name: hostile}, q(base_query), base_body),
                    op,
                    f"{method} {path} {name}",
                )
                sent += 1
        for param in (p for p in params if p["in"] == "query"):
            for hostile in HOSTILE_URL_VALUES:
                query = {**q(base_query), param["name"]: hostile}
                check(
                    send(base_path, query, base_body), op, f"{method} {path} ?{param['name']}={hostile[:20]}"
                )
                sent += 1
        if body_schema is not None:
            check(send(base_path, q(base_query), base_body), op, f"{method} {path} (plausible body)")
            for what, body in spoilt_bodies(base_body):
                check(send(base_path, q(base_query), body), op, f"{method} {path} {what}")
                sent += 1
            too_big = b'{"x": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
            response = send(base_path, q(base_query), raw_body=too_big)
            check(response, op, f"{method} {path} (body over the limit)")
            if response.status_code != 413:
                failures.append(f"{method} {path} (body over the limit): {response.status_code}, not 413")
            sent += 1
        if form_schema is not None:
            for field, prop in form_schema.get("properties", {}).items():
                if prop.get("format") == "binary":
                    continue
                for hostile in [
                    "\x01",
                    "x" * 100_000,
                    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
                ]:
                    check(
                        send(base_path, q(base_query), form={field: hostile}), op, f"{method} {path} {field}"
                    )
                    sent += 1
    return sent, failures


@pytest.mark.parametrize("role", ["zhou", "ann"])
def test_no_hostile_input_to_any_api_operation_causes_a_server_error(
    cast: Cast, login: Any, role: str
) -> None:
    world = World(cast)
    client = login(getattr(cast, role))
    client.raise_request_exception = False  # a 500 should fail the assertion that names the request
    sent, failures = walk(client, world)
    assert sent > 1000
    assert not failures, f"{len(failures)} of {sent} requests:\n" + "\n".join(failures[:200])


# --- the web pages ---------------------------------------------------------------------------------

HOSTILE_WEB_QUERIES = [
    f"institution={2**64}",
    f"institution={2**63}",
    "institution=-1",
    f"class_id={2**64}",
    f"institution_id={2**64}",
    f"page={2**64}",
    "page=-1",
    "page=abc",
    f"year={2**64}",
    "q=%01%1b",
    "q=%ED%A0%80",
    "region=" + "9" * 500,
    "rule=%01",
    f"unread={2**64}",
]


def web_routes() -> Iterator[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk_patterns(patterns: list[Any], prefix: str) -> Iterator[str]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk_patterns(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    for route in walk_patterns(get_resolver().url_patterns, "/"):
        if not route.startswith(("/api/", "/static/", "/media/")) and "^" not in route:
            yield route


@pytest.mark.parametrize("role", ["zhou", "ann"])
def test_no_hostile_url_or_filter_makes_a_web_page_fail(cast: Cast, login: Any, role: str) -> None:
    World(cast)
    client = login(getattr(cast, role))
    client.raise_request_exception = False
    failures = []
    for route in web_routes():
        for value in [str(2**64), str(2**63), "9" * 40]:
            url = re.sub(r"<int:\w+>", value, route)
            url = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", url)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code >= 500:
                    failures.append(f"{method} {url}: {response.status_code}")
        plain = re.sub(r"<int:\w+>", "1", route)
        plain = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", plain)
        for query in HOSTILE_WEB_QUERIES:
            response = client.get(f"{plain}?{query}")
            if response.status_code >= 500:
                failures.append(f"get {plain}?{query}: {response.status_code}")
    assert not failures, "\n".join(failures)
