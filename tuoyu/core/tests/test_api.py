"""The HTTP API: problem+json for every error, token and session auth, pagination, health, docs, query counts."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from tuoyu.accounts.models import ApiToken
from tuoyu.audit.models import Event, Outcome
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.regions.models import Region
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is RFC 9457 problem+json with the given status, and every field error is complete."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = json.loads(response.content)
    assert {"type", "title", "status", "detail", "errors"} <= body.keys()
    assert body["status"] == status
    assert body["title"] and body["type"]
    for err in body["errors"]:
        assert set(err) == {"field", "code", "message"}
    return body


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- problem+json -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("level=nope", "level"),
        ("limit=100000", "limit"),
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("parent=abc", "parent"),
        ("within=43", "within"),
        ("q=" + "荷" * 51, "q"),
    ],
)
def test_bad_query_parameters_are_422_problems_naming_the_field(
    cast: Cast, login: Any, query: str, field: str
) -> None:
    body = assert_problem(login(cast.zhou).get(f"/api/v1/regions?{query}"), 422)
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["errors"][0]["code"] and body["errors"][0]["message"]


def test_the_largest_allowed_page_is_200(cast: Cast, login: Any) -> None:
    response = login(cast.sam).get("/api/v1/regions?limit=200")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 200


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/whatever", "/api/v1/regions/430202/extra", "/api/"])
def test_unknown_api_routes_answer_404_as_problem_json(cast: Cast, login: Any, path: str) -> None:
    assert_problem(login(cast.zhou).get(path), 404)


def test_unknown_api_routes_answer_404_to_anonymous_callers_too(client: Client) -> None:
    assert_problem(client.get("/api/v1/nope"), 404)


def test_an_unsupported_method_is_a_405_problem_with_allow_header(cast: Cast, login: Any) -> None:
    response = login(cast.zhou).put("/api/v1/regions")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_unauthenticated_request_is_401_problem_with_bearer_challenge(client: Client) -> None:
    response = client.get("/api/v1/regions")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_region_outside_jurisdiction_answers_exactly_like_a_missing_one(cast: Cast, login: Any) -> None:
    c = login(cast.alice)
    forbidden = c.get("/api/v1/regions/410611")
    missing = c.get("/api/v1/regions/999999")
    assert_problem(forbidden, 404)
    assert forbidden.content == missing.content


def test_malformed_json_body_is_a_400_problem(cast: Cast, login: Any) -> None:
    response = login(cast.alice).post("/api/v1/tokens", data="{bad", content_type="application/json")
    body = assert_problem(response, 400)
    assert "JSON" in body["detail"]


def test_token_name_is_validated_as_a_field(cast: Cast, login: Any) -> None:
    c = login(cast.alice)
    for name in ["", "x" * 101, "a\x00b"]:
        body = assert_problem(c.post("/api/v1/tokens", {"name": name}, content_type="application/json"), 422)
        assert body["errors"][0]["field"] == "name"
    assert not ApiToken.objects.filter(user=cast.alice).exists()


HOSTILE_GETS = [
    "/api/v1/regions?q=%00",
    "/api/v1/regions?q=a%00b",
    "/api/v1/regions?q=" + "x" * 10_000,
    "/api/v1/regions?q=%F0%9F%91%B6%E6%89%98%E8%82%B2",  # 👶托育
    "/api/v1/regions?q=%27%3B%20DROP%20TABLE%20regions_region%3B--",
    "/api/v1/regions?q=%25",
    "/api/v1/regions?q=_",
    "/api/v1/regions?q=%ED%A0%80",  # a lone surrogate, not valid UTF-8
    "/api/v1/regions?offset=-1",
    "/api/v1/regions?offset=99999999999999999999999999",
    "/api/v1/regions?offset=1000000000",
    "/api/v1/regions?limit=-5",
    "/api/v1/regions?limit=1e3",
    "/api/v1/regions?limit=%00",
    "/api/v1/regions?parent=" + "9" * 5000,
    "/api/v1/regions?within=999999999999",
    "/api/v1/regions?level=%00",
    "/api/v1/regions?level=province&level=county",
    "/api/v1/regions/%00",
    "/api/v1/regions/" + "9" * 5000,
    "/api/v1/regions/%E8%8D%B7%E5%A1%98",
    "/api/v1/regions/..%2F..%2Fetc%2Fpasswd",
    "/api/v1/tokens?offset=99999999999999999999999999",
    "/api/v1/%00",
    "/api/" + "z" * 5000,
]


@pytest.mark.parametrize("path", HOSTILE_GETS)
def test_hostile_input_never_causes_a_server_error(cast: Cast, login: Any, path: str) -> None:
    response = login(cast.zhou).get(path)
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert_problem(response, response.status_code)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/regions/" + "9" * 4000 + "/"),
        ("get", "/regions/%E8%8D%B7%E5%A1%98/"),
        ("post", "/accounts/tokens/99999999999999999999999999/revoke/"),
        ("post", "/accounts/tokens/9223372036854775808/revoke/"),
    ],
)
def test_hostile_web_paths_answer_404_not_a_server_error(
    cast: Cast, login: Any, method: str, path: str
) -> None:
    assert getattr(login(cast.zhou), method)(path).status_code == 404


def test_a_web_path_past_the_url_limit_is_our_414_page(cast: Cast, login: Any) -> None:
    response = login(cast.zhou).get("/regions/" + "9" * 5000 + "/")
    assert response.status_code == 414 and "请求地址过长" in response.content.decode()


def test_a_nul_byte_in_a_web_path_is_a_bad_request(cast: Cast, login: Any) -> None:
    assert login(cast.zhou).get("/regions/%00/").status_code == 400


@pytest.mark.parametrize(
    "token_id", ["99999999999999999999999999", "-1", "0", "abc", "%00", "1.5", "9223372036854775808"]
)
def test_hostile_token_ids_never_cause_a_server_error(cast: Cast, login: Any, token_id: str) -> None:
    response = login(cast.alice).delete(f"/api/v1/tokens/{token_id}")
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code)


def test_hostile_authorization_headers_are_401(cast: Cast, client: Client) -> None:
    for header in [
        "Bearer",
        "Bearer ",
        "Bearer \x00",
        "Bearer tuoyu_" + "x" * 5000,
        "Basic Zm9vOmJhcg==",
        "托育",
    ]:
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert_problem(response, 401)


# --- health -----------------------------------------------------------------------------------------


def test_healthz_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client: Client) -> None:
    # Failure injection: the database refuses connections.
    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] != "ok"


# --- /me --------------------------------------------------------------------------------------------


def test_me_shows_roles_and_a_masked_phone_never_the_full_number(cast: Cast, login: Any) -> None:
    response = login(cast.alice).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "alice"
    assert body["roles"] == ["regulator"]
    assert body["phone_masked"] == "138****8000"
    assert body["memberships"][0]["region_code"] == "430202"
    assert "13800138000" not in response.content.decode()


def test_me_of_an_institution_admin_names_the_institution(cast: Cast, login: Any) -> None:
    body = login(cast.ann).get("/api/v1/me").json()
    assert body["roles"] == ["institution_admin"]
    assert body["memberships"][0]["institution_name"] == cast.inst_a.name


# --- session and MFA --------------------------------------------------------------------------------


def test_regulator_session_without_second_factor_is_refused_by_the_api(cast: Cast) -> None:
    c = Client()
    c.force_login(cast.alice)  # password passed, TOTP not
    assert_problem(c.get("/api/v1/me"), 401)
    assert_problem(c.get("/api/v1/regions"), 401)


def test_parent_session_needs_no_second_factor(cast: Cast) -> None:
    c = Client()
    c.force_login(cast.pat)
    assert c.get("/api/v1/me").status_code == 200


def test_inactive_user_session_is_refused(cast: Cast, login: Any) -> None:
    c = login(cast.alice)
    cast.alice.is_active = False
    cast.alice.save(update_fields=["is_active"])
    assert_problem(c.get("/api/v1/me"), 401)


# --- tokens -----------------------------------------------------------------------------------------


def csrf_client(login: Any, user: Any) -> Client:
    c = login(user)
    c.handler.enforce_csrf_checks = True
    c.get("/accounts/tokens/")  # sets the csrftoken cookie
    return c


def test_creating_a_token_with_a_session_needs_the_csrf_token(cast: Cast, login: Any) -> None:
    c = csrf_client(login, cast.alice)
    refused = c.post("/api/v1/tokens", {"name": "登记系统"}, content_type="application/json")
    assert_problem(refused, 403)
    assert not ApiToken.objects.filter(user=cast.alice).exists()

    created = c.post(
        "/api/v1/tokens",
        {"name": "登记系统"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value,
    )
    assert created.status_code == 201
    assert created.json()["token"].startswith("tuoyu_")


def test_token_lifecycle_create_use_list_revoke(cast: Cast, login: Any) -> None:
    c = csrf_client(login, cast.alice)
    csrf = {"HTTP_X_CSRFTOKEN": c.cookies["csrftoken"].value}
    created = c.post("/api/v1/tokens", {"name": "登记系统"}, content_type="application/json", **csrf).json()
    secret = created["token"]
    stored = ApiToken.objects.get(pk=created["id"])
    assert secret not in (stored.key_hash, stored.key_prefix)  # only the hash is kept

    machine = Client()  # no session: the token alone
    me = machine.get("/api/v1/me", **bearer(secret))
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    regions = machine.get("/api/v1/regions?limit=200", **bearer(secret)).json()
    codes = {r["code"] for r in regions["items"]}
    assert "430202" in codes
    assert not any(code.startswith(("4106", "430203")) for code in codes)  # the owner's jurisdiction only

    listed = c.get("/api/v1/tokens").json()
    assert listed["count"] == 1
    assert listed["items"][0]["last_used_at"] is not None
    assert "token" not in listed["items"][0]  # shown once, at creation

    assert c.delete(f"/api/v1/tokens/{created['id']}", **csrf).status_code == 204
    assert_problem(machine.get("/api/v1/me", **bearer(secret)), 401)
    assert Event.objects.filter(action="api_token.revoke", object_id=str(created["id"])).exists()


def test_a_token_cannot_mint_a_token(cast: Cast, login: Any) -> None:
    # Bearer requests are not CSRF-checked (no cookie is involved), and a token may not hand out another:
    # a longer-lived child would outlive its parent's revocation. Minting needs the browser session.
    token, secret = _token_for(cast.bob)
    response = Client().post(
        "/api/v1/tokens", {"name": "自动化", "days": 180}, content_type="application/json", **bearer(secret)
    )
    body = assert_problem(response, 403)
    assert body["type"] == "urn:tuoyu:problem:token_cannot_mint"
    assert [e["code"] for e in body["errors"]] == ["token_cannot_mint"]
    assert list(ApiToken.objects.filter(user=cast.bob)) == [token]
    refusal = Event.objects.get(action="api_token.create", outcome=Outcome.DENIED)
    assert refusal.outcome == Outcome.DENIED and refusal.actor_id == cast.bob.pk
    assert refusal.detail == {
        "reason": "token_cannot_mint",
        "via_token": token.pk,
        "via_prefix": token.key_prefix,
    }
    assert secret not in json.dumps(refusal.detail)
    # The same token still reads, and may revoke its owner's tokens (itself included).
    assert Client().get("/api/v1/tokens", **bearer(secret)).status_code == 200
    assert Client().delete(f"/api/v1/tokens/{token.pk}", **bearer(secret)).status_code == 204


def _token_for(user: Any) -> tuple[ApiToken, str]:
    from tuoyu.accounts.services import api_token_create

    return api_token_create(user=user, name="test")


@pytest.mark.parametrize(
    "presented", ["revoked", "tuoyu_deadbeef_not-a-real-token", "tuoyu_", "tuoyu_00000000_" + "A" * 43]
)
def test_revoked_or_garbage_token_is_401_and_audited(cast: Cast, presented: str) -> None:
    token, secret = _token_for(cast.alice)
    if presented == "revoked":
        from tuoyu.accounts.services import api_token_revoke

        api_token_revoke(user=cast.alice, token_id=token.pk)
        presented = secret
    before = Event.objects.filter(action="api_token.reject").count()
    assert_problem(Client().get("/api/v1/me", **bearer(presented)), 401)
    rejects = Event.objects.filter(action="api_token.reject").order_by("id")
    assert rejects.count() == before + 1
    event = rejects.last()
    assert event.outcome == Outcome.DENIED
    assert presented not in json.dumps(event.detail)  # never the secret itself


def test_token_of_a_deactivated_user_is_refused(cast: Cast) -> None:
    _, secret = _token_for(cast.alice)
    cast.alice.is_active = False
    cast.alice.save(update_fields=["is_active"])
    assert_problem(Client().get("/api/v1/me", **bearer(secret)), 401)


def test_nobody_can_revoke_someone_elses_token(cast: Cast, login: Any) -> None:
    token, secret = _token_for(cast.alice)
    for user in (cast.bob, cast.sam, cast.audrey):
        assert_problem(login(user).delete(f"/api/v1/tokens/{token.pk}"), 404)
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200


# --- pagination -------------------------------------------------------------------------------------


def test_region_list_is_ordered_by_code_and_pages_fit_together(cast: Cast, login: Any) -> None:
    c = login(cast.zhou)
    full = c.get("/api/v1/regions?limit=200").json()
    codes = [r["code"] for r in full["items"]]
    assert codes == sorted(codes)
    assert full["count"] == Region.objects.filter(prefix__startswith="4302").count()
    assert full["count"] == len(codes)  # 株洲 has fewer than 200 regions
    pages = []
    for offset in range(0, full["count"], 7):
        page = c.get(f"/api/v1/regions?limit=7&offset={offset}").json()
        assert page["count"] == full["count"]
        pages.extend(r["code"] for r in page["items"])
    assert pages == codes
    beyond = c.get(f"/api/v1/regions?offset={full['count'] + 10}").json()
    assert beyond == {"items": [], "count": full["count"]}


def test_region_list_default_page_is_50(cast: Cast, login: Any) -> None:
    body = login(cast.sam).get("/api/v1/regions").json()
    assert len(body["items"]) == 50
    assert body["count"] == Region.objects.count()


def test_region_list_filters(cast: Cast, login: Any) -> None:
    c = login(cast.zhou)
    counties = c.get("/api/v1/regions?level=county&limit=200").json()["items"]
    assert {r["code"] for r in counties} >= {"430202", "430203"}
    assert {r["level"] for r in counties} == {"county"}
    streets = c.get("/api/v1/regions?parent=430202&limit=200").json()["items"]
    assert streets and all(r["parent_code"] == "430202" for r in streets)
    within = c.get("/api/v1/regions?within=430203&limit=200").json()["items"]
    assert within and all(r["code"].startswith("430203") for r in within)
    named = c.get("/api/v1/regions?q=荷塘").json()["items"]
    assert [r["code"] for r in named] == ["430202"]
    assert c.get("/api/v1/regions?within=410600").json() == {"items": [], "count": 0}


def test_region_detail_has_populations_and_children(cast: Cast, login: Any) -> None:
    body = login(cast.zhou).get("/api/v1/regions/430200").json()
    assert body["name"] == "株洲市"
    assert body["population_2020"] == 3902738
    assert body["populations"][0]["year"] == 2020
    assert "第七次全国人口普查" in body["populations"][0]["source"]
    assert {c["code"] for c in body["children"]} >= {"430202", "430203"}


# --- OpenAPI and docs -------------------------------------------------------------------------------


def test_openapi_schema_is_json_listing_every_operation(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    operations = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert operations >= {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/{token_id}"),
        ("GET", "/api/v1/regions"),
        ("GET", "/api/v1/regions/{code}"),
    }
    limit = next(p for p in schema["paths"]["/api/v1/regions"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200


def test_api_docs_load_swagger_from_our_static_files_not_a_cdn(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html.split("<body", 1)[0]


# --- query counts (STYLE practice 12: no N+1) -------------------------------------------------------


def test_region_list_query_count_does_not_grow_with_the_page(
    cast: Cast, login: Any, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    c = login(cast.sam)
    c.get("/api/v1/regions?limit=1")  # warm the session
    with django_assert_max_num_queries(
        10
    ) as small:  # session, user, device, roles, count, page, populations, session save
        assert len(c.get("/api/v1/regions?limit=1").json()["items"]) == 1
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(c.get("/api/v1/regions?limit=200").json()["items"]) == 200


def test_region_list_by_token_query_count_is_bounded(cast: Cast, django_assert_max_num_queries: Any) -> None:
    _, secret = _token_for(cast.zhou)
    with django_assert_max_num_queries(7):
        response = Client().get("/api/v1/regions?limit=200", **bearer(secret))
    assert response.status_code == 200


def test_region_page_query_count_does_not_grow_with_children(
    cast: Cast, login: Any, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    c = login(cast.sam)
    c.get("/regions/430202001/")  # warm the session
    with django_assert_max_num_queries(12) as leaf:
        assert c.get("/regions/430202001/").status_code == 200  # a street: no children
    # 湖南省 has 14 prefectures; each child's population comes from the prefetch, not a query per row
    with django_assert_num_queries(len(leaf.captured_queries)):
        assert c.get("/regions/430000/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/users/?q=a%00b", "/audit/?actor=%00", "/regions/?x=%00", "/api/v1/regions?q=a%00"]
)
def test_a_nul_byte_anywhere_is_a_clean_400_never_a_500(cast, login, url):
    response = login(cast.sam).get(url)
    assert response.status_code == 400


def test_a_nul_byte_in_a_form_is_refused_and_changes_nothing(cast, login):
    from tuoyu.accounts.models import User

    response = login(cast.sam).post("/users/new/", {"username": "x\x00y", "password": "p"})
    assert response.status_code == 400
    assert not User.objects.filter(username__startswith="x").exists()
