"""The auditor's UI (/audit/): search, CSV export (itself audited), and nobody else sees it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tuoyu.audit import registry
from tuoyu.audit.models import Event, Outcome
from tuoyu.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(cast: Any, monkeypatch: Any) -> dict[str, Event]:
    """A few events by different people, one of them written 40 days ago."""
    long_ago = timezone.now() - dt.timedelta(days=40)
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: long_ago)
        old = audit_record("institution.registration_update", obj=cast.inst_b, actor=cast.bob)
    return {
        "old": old,
        "alice_filing": audit_record(
            "filing.submit", object_type="filings.filing", object_id=7, actor=cast.alice
        ),
        "alice_reveal": audit_record("user.phone_reveal", obj=cast.alice, actor=cast.alice),
        "zhou_update": audit_record(
            "institution.registration_update",
            obj=cast.inst_a,
            actor=cast.zhou,
            before={"name": "旧"},
            after={"name": "新"},
        ),
        "denied": audit_record("api_token.reject", object_type="accounts.apitoken", outcome=Outcome.DENIED),
    }


def listed(response: Any) -> list[int]:
    assert response.status_code == 200
    return [e.id for e in response.context["page"].object_list]


def test_auditor_sees_the_trail_newest_first(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    ids = listed(login(cast.audrey).get("/audit/"))
    assert ids == sorted(ids, reverse=True)
    assert {e.id for e in trail.values()} <= set(ids)


def test_auditor_searches_by_actor(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    ids = listed(login(cast.audrey).get("/audit/", {"actor": "alice"}))
    assert trail["alice_filing"].id in ids and trail["alice_reveal"].id in ids
    assert trail["zhou_update"].id not in ids and trail["old"].id not in ids


def test_auditor_searches_by_action(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    ids = listed(login(cast.audrey).get("/audit/", {"action": "institution.registration_update"}))
    assert set(ids) == {trail["zhou_update"].id, trail["old"].id}


def test_the_action_is_matched_exactly_not_as_a_prefix(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    client = login(cast.audrey)
    assert listed(client.get("/audit/", {"action": "user.phone_reveal"})) == [trail["alice_reveal"].id]
    assert listed(client.get("/audit/", {"action": "filing.submit"})) == [trail["alice_filing"].id]


def test_auditor_searches_by_all_actions_of_one_app(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    client = login(cast.audrey)
    ids = listed(client.get("/audit/", {"action": "app:institutions"}))
    assert set(ids) == {trail["zhou_update"].id, trail["old"].id}
    # filing.submit is the filings app's; institution.change_filing too, though it starts "institution."
    later = audit_record("institution.change_filing", obj=cast.inst_a, actor=cast.zhou)
    ids = listed(client.get("/audit/", {"action": "app:filings"}))
    assert set(ids) == {trail["alice_filing"].id, later.id}
    ids = listed(client.get("/audit/", {"action": "app:accounts"}))
    assert trail["alice_reveal"].id in ids and trail["denied"].id in ids
    assert trail["zhou_update"].id not in ids


def test_auditor_finds_the_events_of_actions_no_app_declares(
    cast: Any, trail: dict[str, Event], login: Callable, settings: Any
) -> None:
    settings.AUDIT_STRICT_ACTIONS = False  # as in production: recorded, with a warning
    stray = audit_record("institution.update", obj=cast.inst_a, actor=cast.zhou)
    client = login(cast.audrey)
    assert listed(client.get("/audit/", {"action": "undeclared"})) == [stray.id]
    html = client.get("/audit/", {"action": "undeclared"}).content.decode()
    assert re.search(r"未登记的操作</span> <code[^>]*>institution.update</code>", html)


def test_an_action_that_is_not_offered_is_explained_next_to_the_field(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    client = login(cast.audrey)
    for bad in ["institution.", "institution.update", "app:nosuchapp", "x" * 200]:
        response = client.get("/audit/", {"action": bad})
        assert response.status_code == 200, bad
        assert response.context["form"].errors["action"], bad
        assert listed(response) == [], bad  # a refused search lists nothing rather than everything
    response = client.get("/audit/export.csv", {"action": "institution."})
    assert response.status_code == 400
    assert not Event.objects.filter(action="audit.export").exists()


def test_the_action_select_offers_every_declared_action_grouped_by_app(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    html = login(cast.audrey).get("/audit/", {"action": "staff.hire"}).content.decode()
    select = re.search(r'<select[^>]*name="action".*?</select>', html, re.S).group(0)
    assert '<optgroup label="工作人员"><option value="app:staff">工作人员：全部操作</option>' in select
    assert '<option value="staff.hire" selected>录用工作人员</option>' in select
    assert '<option value="access.denied">越权访问被拒绝</option>' in select  # core's, kept by audit
    assert '<option value="undeclared">未登记的操作</option>' in select
    offered = set(re.findall(r'<option value="([^"]+)"', select))
    assert set(registry.values()) <= offered


def test_actions_read_in_the_viewers_language_with_the_code_beside(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    client = login(cast.audrey)
    html = client.get("/audit/", {"action": "user.phone_reveal"}).content.decode()
    assert '查看账号手机号明文 <code class="small">user.phone_reveal</code>' in html
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/audit/", {"action": "user.phone_reveal"}).content.decode()
    assert 'Reveal an account&#x27;s mobile number <code class="small">user.phone_reveal</code>' in html
    assert '<optgroup label="Staff"><option value="app:staff">Staff: all actions</option>' in html
    assert '<option value="staff.hire">Hire a staff member</option>' in html


def test_auditor_searches_by_object_type_and_id(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    client = login(cast.audrey)
    response = client.get("/audit/", {"object_type": "filings.filing"})
    ids = listed(response)
    assert ids == [trail["alice_filing"].id]
    # The object reads by its name, its type's code beside it.
    assert '备案 <code class="small">filings.filing</code>' in response.content.decode()
    inst = trail["zhou_update"]
    ids = listed(client.get("/audit/", {"object_type": inst.object_type, "object_id": inst.object_id}))
    assert ids == [inst.id]


def test_auditor_searches_by_outcome(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    ids = listed(login(cast.audrey).get("/audit/", {"outcome": "denied"}))
    assert trail["denied"].id in ids
    assert all(Event.objects.get(pk=i).outcome == "denied" for i in ids)


def test_auditor_searches_by_time_range(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    client = login(cast.audrey)
    today = timezone.localdate()
    recent = listed(client.get("/audit/", {"since": (today - dt.timedelta(days=7)).isoformat()}))
    assert trail["old"].id not in recent and trail["zhou_update"].id in recent
    old_day = timezone.localtime(trail["old"].at).date().isoformat()
    ids = listed(client.get("/audit/", {"since": old_day, "until": old_day}))
    assert ids == [trail["old"].id]


def test_a_reversed_time_range_is_explained_next_to_the_field(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    response = login(cast.audrey).get("/audit/", {"since": "2026-05-01", "until": "2026-04-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'name="until"[^>]*>\s*<div class="invalid-feedback">截止日期不能早于起始日期。', html)
    assert listed(response) == []  # a refused search lists nothing rather than everything


def test_a_malformed_date_is_an_error_not_a_crash(cast: Any, login: Callable) -> None:
    client = login(cast.audrey)
    for bad in ["2026-13-45", "yesterday", "2026-02-30", "9" * 40]:
        response = client.get("/audit/", {"since": bad})
        assert response.status_code == 200, bad
        assert "invalid-feedback" in response.content.decode()
        assert response.context["form"].errors["since"]
    # A NUL byte never reaches the form: the request is refused as malformed (core RejectNulMiddleware).
    assert client.get("/audit/", {"since": "\x00"}).status_code == 400


def test_the_htmx_refresh_returns_only_the_table(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    response = login(cast.audrey).get("/audit/", {"actor": "zhou"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html and "<html" not in html
    assert listed(response) == [trail["zhou_update"].id]


def read_csv(response: Any) -> tuple[bytes, list[list[str]]]:
    body = b"".join(response.streaming_content)
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_has_a_bom_and_the_matching_rows(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    response = login(cast.audrey).get("/audit/export.csv", {"action": "institution.registration_update"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    body, rows = read_csv(response)
    assert body.startswith(b"\xef\xbb\xbf")
    header, *data = rows
    assert header[:6] == ["id", "at", "actor_username", "ip", "action", "action_label"]
    assert data[0][4:6] == ["institution.registration_update", "按登记信息更新机构"]
    assert [int(r[0]) for r in data] == [trail["zhou_update"].id, trail["old"].id]
    assert data[0][2] == "zhou"
    assert json.loads(data[0][header.index("after")]) == {"name": "新"}
    assert data[0][header.index("hash")] == trail["zhou_update"].hash
    assert data[0][header.index("mac_key")] == trail["zhou_update"].mac_key


def test_csv_export_labels_actions_in_the_exporters_language(
    cast: Any, trail: dict[str, Event], login: Callable, settings: Any
) -> None:
    settings.AUDIT_STRICT_ACTIONS = False
    audit_record("institution.update", obj=cast.inst_a)
    client = login(cast.audrey)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    _body, rows = read_csv(client.get("/audit/export.csv", {"action": "app:accounts"}))
    header, *data = rows
    labels = {r[header.index("action")]: r[header.index("action_label")] for r in data}
    assert labels["user.phone_reveal"] == "Reveal an account's mobile number"
    assert labels["api_token.reject"] == "Refuse an invalid API token"
    _body, rows = read_csv(client.get("/audit/export.csv", {"action": "undeclared"}))
    assert [(r[4], r[5]) for r in rows[1:]] == [("institution.update", "")]


def test_csv_export_defuses_spreadsheet_formulas(cast: Any, login: Any) -> None:
    # Anyone can type a "username" at the login form, and it is recorded as typed.
    Client().post("/accounts/login/", {"username": '=HYPERLINK("http://evil")', "password": "x"})
    Client().post("/accounts/login/", {"username": "@SUM(A1)", "password": "x"})
    _body, rows = read_csv(login(cast.audrey).get("/audit/export.csv", {"action": "auth.login_failed"}))
    assert sorted(r[2] for r in rows[1:]) == ['\'=HYPERLINK("http://evil")', "'@SUM(A1)"]


def test_the_audit_page_needs_the_same_queries_for_many_events(cast: Any, login: Any) -> None:
    client = login(cast.audrey)
    client.get("/audit/")
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for i in range(60):
        audit_record("test.write", object_type="test.thing", object_id=i, actor=cast.alice)
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client.get("/audit/"))) == 50
    assert len(many) == len(few)


def test_csv_export_is_itself_audited(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    response = login(cast.audrey).get("/audit/export.csv", {"actor": "alice"})
    read_csv(response)
    event = Event.objects.filter(action="audit.export").get()
    assert event.actor_id == cast.audrey.pk
    assert event.ip == "127.0.0.1"
    assert event.detail["filters"]["actor"] == "alice"
    assert event.detail["rows"] == 2
    assert audit_verify().ok


def test_csv_export_with_a_bad_filter_exports_nothing(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    response = login(cast.audrey).get("/audit/export.csv", {"since": "2026-05-01", "until": "2026-04-01"})
    assert response.status_code == 400
    assert "截止日期不能早于起始日期。" in response.content.decode()
    assert not Event.objects.filter(action="audit.export").exists()


def test_only_the_auditor_can_see_the_trail(cast: Any, trail: dict[str, Event], login: Callable) -> None:
    # The system admin (sam) and a regulator (alice) above all: 404, as if the pages did not exist.
    for who in ("sam", "alice", "zhou", "ivan", "ann", "stacy", "pat"):
        client = login(getattr(cast, who))
        for url in ("/audit/", "/audit/export.csv"):
            assert client.get(url).status_code == 404, (who, url)
    assert not Event.objects.filter(action="audit.export").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(trail: dict[str, Event]) -> None:
    response = Client().get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _concrete_urls() -> list[str]:
    """Every URL pattern of the site, with each path parameter filled with 1."""

    def walk(patterns: list, prefix: str) -> list[str]:
        out: list[str] = []
        for p in patterns:
            if isinstance(p, URLResolver):
                out += walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = (prefix + str(p.pattern)).lstrip("^").rstrip("$")
                out.append("/" + re.sub(r"<[^>]+>", "1", route))
        return out

    return sorted(set(walk(get_resolver().url_patterns, "")))


def test_no_url_lets_anyone_alter_or_remove_events(
    cast: Any, trail: dict[str, Event], login: Callable
) -> None:
    # Three separated powers: the auditor reads, the system admin administers — neither can rewrite the trail.
    before = {e.id: (e.hash, e.compute_hash()) for e in Event.objects.all()}
    assert {"/audit/", "/audit/export.csv"} <= set(_concrete_urls())
    for user in (cast.audrey, cast.sam):
        client = login(user)
        client.raise_request_exception = False
        for url in _concrete_urls():
            # Django views read POST only; PUT and PATCH matter for the API.
            methods = ("post", "put", "patch", "delete") if url.startswith("/api/") else ("post", "delete")
            for method in methods:
                getattr(client, method)(url, {"id": trail["zhou_update"].id, "action": "forged"})
                if "_auth_user_id" not in client.session:  # that was the logout
                    client = login(user)
                    client.raise_request_exception = False
    after = {e.id: (e.hash, e.compute_hash()) for e in Event.objects.filter(id__in=before)}
    assert after == before
    assert not Event.objects.filter(action="forged").exists()
    assert audit_verify().ok


def test_the_audit_pages_answer_only_reads(cast: Any, login: Callable) -> None:
    client = login(cast.audrey)
    for url in ("/audit/", "/audit/export.csv"):
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)(url).status_code == 405, (method, url)
