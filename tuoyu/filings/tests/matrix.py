"""The permission-matrix rows of filings (备案): first, change and cancellation filings and FIL-05 notices
(tuoyu/filings/urls.py, api.py). The institution's admin files, the county bureau reviews.

``submitted_filing`` and ``accepted_filing`` (and the filer and reviewer tables) serve other apps' rows too.

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from tuoyu.testing.filings import fill_form
from tuoyu.testing.matrix import (
    ApiSignedIn,
    Check,
    Checks,
    Env,
    RolesOnly,
    api_get,
    no_foreign,
    problem,
    status_of,
    to_login,
)

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


# Who lists filings through the API: the institution's admin (own) and the health bureau (jurisdiction).
API_FILING_LISTERS: dict[str, set[str]] = {**FILING_FILER, **FILING_REVIEWER, "carol": set()}


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


ROWS: dict[str, Check] = {
    # filings (备案): the institution's admin files, the county bureau reviews
    "filings/": RolesOnly("/filings/", ("ann", "ben")),
    "filings/start/": FilingStart(),
    "filings/review/": Checks((FilingQueue(), RolesOnly("/filings/review/?format=csv", ()))),
    "filings/<int:filing_id>/": FilingRead(),
    "filings/<int:filing_id>/materials/<int:material_id>/": FilingRead(material=True),
    "filings/<int:filing_id>/receipt.pdf": FilingReceipt(),
    "verify/<str:number>/": FilingVerify(),
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
}
