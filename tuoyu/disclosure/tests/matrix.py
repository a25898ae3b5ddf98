"""The permission-matrix rows of the public disclosure (信息公示): no login, filed institutions only, public
fields only (tuoyu/disclosure/urls.py, api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

import json
from typing import Any

from tuoyu.filings.tests.matrix import accepted_filing, submitted_filing
from tuoyu.institutions.models import Institution
from tuoyu.testing.matrix import (
    Check,
    Env,
    problem,
    status_of,
)

PUBLIC_SECRET_ID = "430202199001011234"


PUBLIC_HOME_ADDRESS = "淇滨区秘密小区9栋"


def public_world(env: Env) -> None:
    """inst_a filed (accepted filing) with a legal rep's ID number; inst_b submitted only (not filed);
    inst_hebi a filed home childcare point with a street address that must stay private. Made once a test."""
    from tuoyu.institutions.models import FilingStatus, InstitutionKind

    accepted_filing(env, "inst_a")
    submitted_filing(env, "inst_b")
    inst_a = Institution.objects.get(pk=env.cast.inst_a.pk)
    if inst_a.legal_rep_id_number != PUBLIC_SECRET_ID:
        inst_a.legal_rep_id_number = PUBLIC_SECRET_ID
        inst_a.save()
    Institution.objects.filter(pk=env.cast.inst_hebi.pk).update(
        kind=InstitutionKind.HOME_POINT,
        filing_status=FilingStatus.FILED,
        address=PUBLIC_HOME_ADDRESS,
        phone="13912345678",
    )


def public_secrets(env: Env) -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:  # the stored ciphertext, as the database holds it
        cur.execute(
            "SELECT legal_rep_id_number FROM institutions_institution WHERE id = %s", [env.cast.inst_a.pk]
        )
        ciphertext = str(cur.fetchone()[0])
    return [PUBLIC_SECRET_ID, ciphertext, PUBLIC_HOME_ADDRESS, "13912345678", env.cast.inst_b.name]


class PublicDisclosure(Check):
    """The public disclosure (信息公示), no login: anonymous and every role alike get 200 for a filed
    institution and 404 for one not filed (inst_b, submitted only) or missing; lists, CSV and JSON hold
    filed institutions only and never an ID number, a ciphertext or a home point's address or phone."""

    def __init__(self, path: str, *, single: bool = False, problem_json: bool = False) -> None:
        self.path, self.single, self.problem_json = path, single, problem_json

    def __call__(self, env: Env, role: str) -> None:
        public_world(env)
        c = env.client(role)
        if self.single:
            for name, expected in (("inst_a", 200), ("inst_hebi", 200), ("inst_b", 404)):
                url = self.path.format(institution_id=getattr(env.cast, name).pk)
                response = c.get(url)
                check = problem if self.problem_json and expected == 404 else status_of
                check(response, role, url, expected)
                if expected == 200:
                    self.nothing_private(response, role, url, env)
            missing = self.path.format(institution_id=99999999)
            (problem if self.problem_json else status_of)(c.get(missing), role, missing, 404)
            return
        response = c.get(self.path)
        status_of(response, role, self.path, 200)
        text = self.nothing_private(response, role, self.path, env)
        for name in ("inst_a", "inst_hebi"):
            assert getattr(env.cast, name).name in text, f"{role} {self.path}: filed {name} missing"

    def nothing_private(self, response: Any, role: str, url: str, env: Env) -> str:
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        if raw.startswith(b"\x89PNG"):
            return ""
        text = raw.decode("utf-8-sig")
        if "json" in response["Content-Type"]:  # the API escapes non-ASCII: compare the decoded values
            text = json.dumps(json.loads(text), ensure_ascii=False)
        for secret in public_secrets(env):
            assert secret not in text, f"{role} {url}: shows {secret!r}"
        return text


ROWS: dict[str, Check] = {
    # public disclosure (信息公示): no login, filed institutions only, public fields only
    "public/institutions/": PublicDisclosure("/public/institutions/"),
    "public/institutions.csv": PublicDisclosure("/public/institutions.csv"),
    "public/institutions.json": PublicDisclosure("/public/institutions.json"),
    "public/institutions/<int:institution_id>/": PublicDisclosure(
        "/public/institutions/{institution_id}/", single=True
    ),
    "public/institutions/<int:institution_id>/qr.png": PublicDisclosure(
        "/public/institutions/{institution_id}/qr.png", single=True
    ),
    "GET /api/v1/public/institutions": PublicDisclosure("/api/v1/public/institutions"),
    "GET /api/v1/public/institutions/{institution_id}": PublicDisclosure(
        "/api/v1/public/institutions/{institution_id}", single=True, problem_json=True
    ),
}
