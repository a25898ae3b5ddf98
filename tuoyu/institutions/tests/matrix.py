"""The permission-matrix rows of institutions: the register, registrations, region transfers, invitations,
rooms and classes (tuoyu/institutions/urls.py, api.py).

The premises checks (``PremisesAct``, ``PremisesList``, ``PremisesCreate``) and their world (rooms, classes
and an enrolled child per institution) serve children's rows too.

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tuoyu.audit.models import Event
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.testing.matrix import (
    INSTITUTION_SIGHT,
    INSTITUTIONS,
    ROLES,
    ApiInstitutionRead,
    Check,
    Checks,
    Env,
    ListExport,
    RolesOnly,
    api_get,
    is_api,
    no_foreign,
    problem,
    refused_anonymous,
    status_of,
    to_login,
)

# Who may reveal the full ID numbers on an institution: the health bureau, and the institution's own admin.
INSTITUTION_REVEAL: dict[str, set[str]] = {
    "zhou": {"inst_a", "inst_b"},
    "alice": {"inst_a"},
    "bob": {"inst_b"},
    "carol": {"inst_hebi"},
    "ann": {"inst_a"},
    "ben": {"inst_b"},
}


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


# Who invites an institution's admin: the health bureau of the institution's region.
INVITERS: dict[str, set[str]] = InstitutionInvite.INVITERS


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


# The declared lists' exports (core.lists, ?format=csv|xlsx on the list page): who reads the region's list.
INSTITUTION_EXPORT: dict[str, set[str]] = {
    role: sight
    for role, sight in INSTITUTION_SIGHT.items()
    if role in {"zhou", "alice", "bob", "carol", "ivan", "clerk"}
}
PENDING_ROLES = ("zhou", "alice", "bob", "carol")


def _institution_names(env: Env) -> dict[str, str]:
    return {n: getattr(env.cast, n).name for n in INSTITUTIONS}


ROWS: dict[str, Check] = {
    # institutions and registrations
    "institutions/": Checks(
        (
            InstitutionListPage(),
            ListExport("/institutions/", "institution.export", INSTITUTION_EXPORT, _institution_names),
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
                _institution_names,
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
    "GET /api/v1/institutions/pending": ApiPending(),
    "POST /api/v1/institutions/{institution_id}/invitations": ApiInvite(),
    "GET /api/v1/institutions/{institution_id}/revisions": ApiInstitutionRead(
        "/api/v1/institutions/{institution_id}/revisions"
    ),
    # rooms, classes and children (children helper)
    # the declared lists (institutions.lists ROOMS, CLASSES) have no export: ?format= answers 404 to all
    "institutions/rooms/": Checks(
        (
            PremisesList("/institutions/rooms/", "room", KEEPER),
            PremisesList("/institutions/rooms/?sort=-floor_area_m2&use=activity", "room", KEEPER),
            RolesOnly("/institutions/rooms/?format=csv", ()),
        )
    ),
    "institutions/rooms/<int:room_id>/": PremisesAct("GET", "/institutions/rooms/{room_id}/", 200),
    "institutions/rooms/<int:room_id>/delete/": PremisesAct(
        "POST", "/institutions/rooms/{spare_id}/delete/", 302
    ),
    "institutions/classes/": Checks(
        (
            PremisesList("/institutions/classes/", "class", KEEPER),
            PremisesList("/institutions/classes/?closed=false&sort=-name", "class", KEEPER),
            RolesOnly("/institutions/classes/?format=xlsx", ()),
        )
    ),
    "institutions/classes/<int:class_id>/": PremisesAct("GET", "/institutions/classes/{class_id}/", 200),
    "institutions/classes/<int:class_id>/close/": PremisesAct(
        "POST", "/institutions/classes/{class_id}/close/", 302
    ),
    "GET /api/v1/rooms": Checks(
        (
            PremisesList("/api/v1/rooms?limit=200", "room", PREMISES_SIGHT),
            PremisesList("/api/v1/rooms?limit=200&use=activity&sort=name", "room", PREMISES_SIGHT),
        )
    ),
    "POST /api/v1/rooms": PremisesCreate("/api/v1/rooms", "institutions.Room", _room_data, 201),
    "PUT /api/v1/rooms/{room_id}": PremisesAct(
        "PUT", "/api/v1/rooms/{room_id}", 200, lambda w: {**_room_data("x"), "version": w["room"].version}
    ),
    "GET /api/v1/classes": Checks(
        (
            PremisesList("/api/v1/classes?limit=200", "class", PREMISES_SIGHT),
            PremisesList("/api/v1/classes?limit=200&closed=false&sort=-name", "class", PREMISES_SIGHT),
        )
    ),
    "POST /api/v1/classes": PremisesCreate("/api/v1/classes", "institutions.CareClass", _class_data, 201),
    "PUT /api/v1/classes/{class_id}": PremisesAct(
        "PUT",
        "/api/v1/classes/{class_id}",
        200,
        lambda w: {**_class_data("x"), "version": w["class"].version},
    ),
}
