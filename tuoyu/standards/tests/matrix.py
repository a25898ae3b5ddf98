"""The permission-matrix rows of the compliance engine (合规评估) (tuoyu/standards/urls.py, api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tuoyu.institutions.models import Institution
from tuoyu.testing.matrix import (
    INSTITUTION_SIGHT,
    INSTITUTIONS,
    ApiSignedIn,
    Check,
    Checks,
    Env,
    RolesOnly,
    SignedInSelf,
    api_get,
    no_foreign,
    status_of,
    to_login,
)

# Who sees an institution's compliance: the regulators and inspectors of its region, and its own people
# (not the registration clerk, who reads the institution itself).
COMPLIANCE_SIGHT: dict[str, set[str]] = {k: v for k, v in INSTITUTION_SIGHT.items() if k != "clerk"}


COMPLIANCE_REGULATORS = {"zhou", "alice", "bob", "carol", "ivan"}


def compliance_evaluated(env: Env) -> None:
    """All three of the cast's institutions filed and evaluated (once per test)."""
    from tuoyu.institutions.models import FilingStatus
    from tuoyu.standards.models import ComplianceResult
    from tuoyu.standards.services import evaluate_all

    if ComplianceResult.objects.count() < len(INSTITUTIONS):
        Institution.objects.update(filing_status=FilingStatus.FILED)
        evaluate_all()


@dataclass
class ComplianceDetail(Check):
    """/standards/institutions/<id>/ and GET /api/v1/standards/institutions/{id}: 200 in sight, 404 outside."""

    api: bool = False

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        for name in INSTITUTIONS:
            pk = getattr(env.cast, name).pk
            url = f"/api/v1/standards/institutions/{pk}" if self.api else f"/standards/institutions/{pk}/"
            allowed = name in COMPLIANCE_SIGHT.get(role, ())
            if self.api:
                api_get(env, role, url, allowed)
                continue
            response = c.get(url)
            if role == "anonymous":
                to_login(response, role, url)
                continue
            status_of(response, role, url, 200 if allowed else 404)
            if allowed:
                no_foreign(response, role, url, env)
        if role != "anonymous":
            missing = (
                "/api/v1/standards/institutions/99999999" if self.api else "/standards/institutions/99999999/"
            )
            status_of(c.get(missing), role, "missing institution", 404)


@dataclass
class ComplianceRisk(Check):
    """The risk list (web and API): regulators see exactly the institutions of their jurisdiction; everyone
    else 404 (the institution's own people use /standards/); anonymous to the login page or 401."""

    api: bool = False

    def __call__(self, env: Env, role: str) -> None:
        compliance_evaluated(env)
        url = "/api/v1/standards/risk?limit=100" if self.api else "/standards/risk/"
        allowed = role in COMPLIANCE_REGULATORS
        if self.api:
            response = api_get(env, role, url, allowed)
        else:
            response = env.client(role).get(url)
            if role == "anonymous":
                to_login(response, role, url)
                return
            status_of(response, role, url, 200 if allowed else 404)
        if not allowed or role == "anonymous":
            return
        expected = COMPLIANCE_SIGHT[role]
        if self.api:
            listed = {i["institution_id"] for i in response.json()["items"]}
            assert listed == {getattr(env.cast, n).pk for n in expected}, f"{role} {url}: {listed}"
        else:
            text = response.content.decode()
            for name in INSTITUTIONS:
                shown = getattr(env.cast, name).name in text
                assert shown == (name in expected), f"{role} {url}: {name} shown={shown}"
            no_foreign(response, role, url, env)


ROWS: dict[str, Check] = {
    # compliance engine (standards)
    "standards/": RolesOnly("/standards/", ("ann", "ben", "stacy")),
    "standards/risk/": Checks((ComplianceRisk(), RolesOnly("/standards/risk/?format=csv", ()))),
    "standards/rules/": SignedInSelf("/standards/rules/"),
    "standards/institutions/<int:institution_id>/": ComplianceDetail(),
    "GET /api/v1/standards/rules": ApiSignedIn("/api/v1/standards/rules"),
    "GET /api/v1/standards/institutions/{institution_id}": ComplianceDetail(api=True),
    "GET /api/v1/standards/risk": ComplianceRisk(api=True),
}
