"""The permission-matrix rows of lifetime bans (终身禁入): the city administrators keep the list, the
regulators read the alerts (tuoyu/bans/urls.py, api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tuoyu.audit.models import Event
from tuoyu.testing.matrix import (
    Check,
    Checks,
    Env,
    ListExport,
    RolesOnly,
    api_get,
    no_foreign,
    problem,
    status_of,
    to_login,
)

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


ROWS: dict[str, Check] = {
    # lifetime bans (bans)
    "bans/": Checks(
        (
            BanPage("/bans/", listing=True),
            ListExport(
                "/bans/",
                "bans.export",
                {role: {key} for role, key in BAN_KEEPER.items()},
                lambda env: (_ban_world(env), BAN_NAMES)[1],
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
}
