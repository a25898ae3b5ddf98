"""The permission-matrix rows of regions: the jurisdiction tree (tuoyu/regions/urls.py, api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from tuoyu.regions.models import Region
from tuoyu.testing.matrix import (
    JURISDICTION,
    PROBES,
    SIGHT,
    Check,
    Env,
    no_foreign,
    problem,
    status_of,
    to_login,
)


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


ROWS: dict[str, Check] = {
    # jurisdiction
    "regions/": RegionTree(),
    "regions/<str:code>/": RegionPage(),
    "GET /api/v1/regions": ApiRegionList(),
    "GET /api/v1/regions/{code}": ApiRegionDetail(),
}
