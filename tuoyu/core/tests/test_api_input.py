"""Input the database cannot take is refused at the door (tuoyu/core/apitypes.py): integers beyond the column,
bodies over the limit, control characters — each a 4xx problem+json, never a 500 — and the OpenAPI schema
documents those errors for every operation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tuoyu.accounts.models import ApiToken
from tuoyu.accounts.services import api_token_create
from tuoyu.children.models import Child, Guardian
from tuoyu.children.tests.helpers import months_before
from tuoyu.core.apitypes import BIGINT_MAX
from tuoyu.core.tests.test_api import assert_problem
from tuoyu.institutions.models import Institution, Registration
from tuoyu.institutions.tests.test_api_doc import worked_example
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = str(2**64)
TOO_BIG = b'{"name": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _child(**over: Any) -> dict[str, Any]:
    import datetime as dt

    return {
        "name": "王小明",
        "sex": "M",
        "birth_date": months_before(dt.date.today(), 18).isoformat(),
        "guardian_name": "王大明",
        "guardian_relationship": "father",
        "guardian_phone": "13912345678",
        **over,
    }


def _clerk_client(cast: Cast) -> Client:
    _token, secret = api_token_create(user=cast.clerk, name="登记系统对接")
    return Client(headers={"Authorization": f"Bearer {secret}"})


# --- integers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/children?class_id={BEYOND_64_BITS}", "class_id"),
        (f"/api/v1/children?institution_id={BEYOND_64_BITS}", "institution_id"),
        (f"/api/v1/rooms?institution_id={BEYOND_64_BITS}", "institution_id"),
        (f"/api/v1/classes?institution_id={BEYOND_64_BITS}", "institution_id"),
        (f"/api/v1/classes?institution_id={2**63}", "institution_id"),
        (f"/api/v1/children/{BEYOND_64_BITS}", "child_id"),
        (f"/api/v1/filings/{2**63}", "filing_id"),
    ],
)
def test_an_id_beyond_64_bits_is_a_422_naming_the_parameter(
    cast: Cast, login: Any, url: str, field: str
) -> None:
    body = assert_problem(login(cast.zhou).get(url), 422)
    assert [e["field"] for e in body["errors"]] == [field]


def test_the_largest_64_bit_id_is_simply_not_found(cast: Cast, login: Any) -> None:
    assert_problem(login(cast.zhou).get(f"/api/v1/children/{BIGINT_MAX}"), 404)
    assert login(cast.zhou).get(f"/api/v1/children?class_id={BIGINT_MAX}").json()["items"] == []


def test_an_id_beyond_64_bits_in_a_body_is_a_422_and_registers_nothing(cast: Cast, login: Any) -> None:
    body = assert_problem(_post(login(cast.ann), "/api/v1/children", _child(class_id=2**64)), 422)
    assert [e["field"] for e in body["errors"]] == ["class_id"]
    assert not Child.objects.exists()


def test_a_version_beyond_the_32_bit_column_is_a_422(cast: Cast, login: Any) -> None:
    room = _post(
        login(cast.ann),
        "/api/v1/rooms",
        {"name": "活动室", "floor": 1, "floor_area_m2": "60", "use": "activity"},
    ).json()
    update = {"name": "活动室", "floor": 1, "floor_area_m2": "60", "use": "activity", "version": 2**31}
    response = login(cast.ann).put(
        f"/api/v1/rooms/{room['id']}", json.dumps(update), content_type="application/json"
    )
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["version"]


def test_an_integer_beyond_64_bits_anywhere_in_a_body_is_refused(cast: Cast, login: Any) -> None:
    """Free-form objects (a filing's form) reach JSON columns unchecked by any schema: the parser checks."""
    response = _post(login(cast.ann), "/api/v1/filings/1/form", {"version": 1, "form": {"a": [1, 2**64]}})
    body = assert_problem(response, 422)
    assert body["errors"][0] == {
        "field": "form.a.1",
        "code": "integer_out_of_range",
        "message": "数值超出允许范围。",
    }


def test_every_integer_an_operation_reads_is_bounded_to_its_column(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    unbounded = []

    def visit(where: str, node: Any, seen: frozenset[str] = frozenset()) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if name not in seen:
                    visit(f"{where}→{name}", components[name], seen | {name})
                return
            if node.get("type") == "integer" and not (
                node.get("maximum", 2**63) <= BIGINT_MAX and node.get("minimum", -(2**63) - 1) >= -(2**63)
            ):
                unbounded.append(where)
            for key, value in node.items():
                visit(f"{where}.{key}" if key not in ("properties", "anyOf", "items") else where, value, seen)
        elif isinstance(node, list):
            for value in node:
                visit(where, value, seen)

    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                visit(f"{method} {path} {param['name']}", param["schema"])
            for content in op.get("requestBody", {}).get("content", {}).values():
                visit(f"{method} {path} body", content["schema"])
    assert not unbounded, unbounded


# --- bodies over the limit -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/tokens", "/api/v1/notices", "/api/v1/children"])
def test_a_json_body_over_the_limit_is_a_413_problem(cast: Cast, login: Any, url: str) -> None:
    response = login(cast.zhou).post(url, TOO_BIG, content_type="application/json")
    body = assert_problem(response, 413)
    assert body["type"] == "urn:tuoyu:problem:too_large"
    assert "10 MB" in body["detail"]
    assert not ApiToken.objects.exists()


def test_a_registration_over_the_limit_is_a_413_problem(cast: Cast) -> None:
    response = _clerk_client(cast).post("/api/v1/registrations", TOO_BIG, content_type="application/json")
    assert_problem(response, 413)
    assert not Registration.objects.exists()


def test_an_anonymous_body_over_the_limit_is_refused_as_unauthenticated_without_reading_it(
    client: Client,
) -> None:
    assert_problem(client.post("/api/v1/tokens", TOO_BIG, content_type="application/json"), 401)


def test_a_form_field_over_the_limit_in_an_api_upload_is_a_413_problem(cast: Cast, login: Any) -> None:
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert_problem(login(cast.ann).post("/api/v1/filings/1/materials", {"kind": big}), 413)


def test_a_web_form_over_the_limit_is_a_plain_413_page(cast: Cast, login: Any) -> None:
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = login(cast.sam).post("/users/new/", {"username": big})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "提交的内容过大" in response.content.decode()


def test_too_many_form_fields_is_a_400_problem_not_a_500(cast: Cast, login: Any) -> None:
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = login(cast.ann).post("/api/v1/filings/1/materials", fields)
    assert_problem(response, 400)


# --- control characters --------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["name", "guardian_name"])
@pytest.mark.parametrize("value", ["王\x00明", "王\x01明", "王\x1b明", "王\ud800明", "王\x7f明"])
def test_a_control_character_in_a_child_or_guardian_name_is_a_422_naming_the_field(
    cast: Cast, login: Any, field: str, value: str
) -> None:
    body = assert_problem(_post(login(cast.ann), "/api/v1/children", _child(**{field: value})), 422)
    assert body["errors"] == [
        {"field": field, "code": "control_character", "message": "不能包含控制字符（如NUL）或无效字符。"}
    ]
    assert not Child.objects.exists() and not Guardian.objects.exists()


def test_the_message_follows_the_language(cast: Cast, login: Any) -> None:
    client = login(cast.ann)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = assert_problem(_post(client, "/api/v1/children", _child(name="a\x00b")), 422)
    assert (
        body["errors"][0]["message"]
        == "must not contain control characters (such as NUL) or invalid characters."
    )


def test_a_nul_in_a_registration_source_event_id_is_a_422_and_records_nothing(cast: Cast) -> None:
    _key, body, _documented = worked_example()
    response = _post(_clerk_client(cast), "/api/v1/registrations", {**body, "source_event_id": "evt\x00-1"})
    problem = assert_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["source_event_id"]
    assert not Registration.objects.exists() and not Institution.objects.filter(uscc=body["uscc"]).exists()


def test_a_control_character_in_the_idempotency_key_header_is_a_422(cast: Cast) -> None:
    _key, body, _documented = worked_example()
    client = _clerk_client(cast)
    response = client.post(
        "/api/v1/registrations",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k\x01",
    )
    assert [e["code"] for e in assert_problem(response, 422)["errors"]] == ["control_character"]


def test_control_characters_are_refused_deep_inside_a_body_and_in_keys(cast: Cast, login: Any) -> None:
    client = login(cast.ann)
    nested = assert_problem(
        _post(client, "/api/v1/filings/1/form", {"version": 1, "form": {"a": ["ok", "\x00"]}}), 422
    )
    assert nested["errors"][0]["field"] == "form.a.1"
    keyed = assert_problem(_post(client, "/api/v1/filings/1/form", {"version": 1, "form": {"a\x00": 1}}), 422)
    assert keyed["errors"][0]["code"] == "control_character"


def test_a_control_character_in_a_query_parameter_is_a_422(cast: Cast, login: Any) -> None:
    body = assert_problem(login(cast.zhou).get("/api/v1/bans?q=%01"), 422)
    assert [e["field"] for e in body["errors"]] == ["q"]


def test_tabs_and_line_breaks_are_still_text(cast: Cast, login: Any) -> None:
    response = _post(
        login(cast.ann), "/api/v1/children", _child(name="王\t小明", consent_text_version="v1\r\n")
    )
    assert response.status_code == 201, response.content


def test_a_body_that_is_not_json_is_still_a_400(cast: Cast, login: Any) -> None:
    response = login(cast.ann).post("/api/v1/children", b"{nope", content_type="application/json")
    assert_problem(response, 400)


# --- the OpenAPI schema ---------------------------------------------------------------------------------


def test_every_operation_documents_its_errors_as_problem_json(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "errors"}
    field_error = schema["components"]["schemas"][
        problem["properties"]["errors"]["items"]["$ref"].rsplit("/", 1)[-1]
    ]
    assert set(field_error["properties"]) == {"field", "code", "message"}
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            responses = op["responses"]
            expected = (
                {"400", "422", "503"} if op.get("parameters") or "requestBody" in op else {"400", "503"}
            )
            if op.get("security"):
                expected |= {"401", "403", "404"}
            if "requestBody" in op:
                expected.add("413")
            if op.get("security") and method != "get":
                expected.add("409")
            assert expected <= set(responses), (method, path, sorted(responses))
            for status in expected:
                content = responses[status]["content"]
                if "application/problem+json" in content:
                    assert content["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }
                    assert responses[status]["description"]


def test_the_public_operations_do_not_claim_authentication_errors(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    public = schema["paths"]["/api/v1/public/institutions"]["get"]["responses"]
    assert "401" not in public and "422" in public


def test_an_operations_own_error_schema_is_kept_and_extra_errors_are_declared(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    imported = schema["paths"]["/api/v1/bans/import"]["post"]["responses"]["422"]["content"]
    assert "application/json" in imported and "application/problem+json" not in imported
    receipt = schema["paths"]["/api/v1/filings/{filing_id}/receipt.pdf"]["get"]["responses"]
    assert "application/pdf" in receipt["200"]["content"]
    assert "application/problem+json" in receipt["503"]["content"]
