"""The permission-matrix rows of the staff register and the staff indicators (工作人员) (tuoyu/staff/urls.py,
api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tuoyu.audit.models import Event
from tuoyu.regions.models import Region
from tuoyu.testing.matrix import (
    INSTITUTIONS,
    ROLES,
    Check,
    Env,
    api_get,
    no_foreign,
    problem,
    status_of,
    to_login,
    web_status,
)

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


class StaffListPage(Check):
    """/staff/: the admin's own roster, a regulator's picker, ?institution=<id> within reach; else 404."""

    def __call__(self, env: Env, role: str) -> None:
        staff_people(env)
        c = env.client(role)
        response = c.get("/staff/")
        web_status(response, role, "/staff/", 200 if role in STAFF_ROSTER else 404)
        if response.status_code == 200:
            no_foreign(response, role, "/staff/", env)
        # the declared list (staff.lists): filtered and sorted, the same reach; no ?format= export (the
        # roster's export is /staff/export.xlsx): 404 to everyone
        for name in INSTITUTIONS:
            for params in ("", "&active=true&sort=-name"):
                url = f"/staff/?institution={getattr(env.cast, name).pk}{params}"
                response = c.get(url)
                web_status(response, role, url, 200 if name in STAFF_ROSTER.get(role, ()) else 404)
                if response.status_code == 200:
                    text = response.content.decode()
                    shown = {k for k, p in staff_people(env).items() if p["person"].name in text}
                    expected = {k for k, (_a, inst) in STAFF_OWNERS.items() if inst == name}
                    assert shown == expected, f"{role} {url}: shows {shown}"
            url = f"/staff/?institution={getattr(env.cast, name).pk}&format=csv"
            web_status(c.get(url), role, url, 404)


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
            for params in ("", "&active=true&sort=-name&q=员"):
                url = f"/api/v1/staff?institution_id={getattr(env.cast, name).pk}{params}"
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


ROWS: dict[str, Check] = {
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
    # staff indicators (staff)
    "staff/indicators/": StaffIndicators("/staff/indicators/"),
    "staff/indicators/export.xlsx": StaffIndicators("/staff/indicators/export.xlsx", audited=True),
    "staff/indicators/export.csv": StaffIndicators("/staff/indicators/export.csv", audited=True),
    "GET /api/v1/staff/indicators": StaffIndicators("/api/v1/staff/indicators", api=True),
    # staff indicators by institution (staff)
    "GET /api/v1/staff/indicators/institutions": StaffIndicatorInstitutions(
        "/api/v1/staff/indicators/institutions", api=True
    ),
}
