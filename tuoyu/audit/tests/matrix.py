"""The permission-matrix rows of the audit trail: the auditor's only (tuoyu/audit/urls.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from tuoyu.testing.matrix import (
    Check,
    Env,
    status_of,
    to_login,
)


class AuditorOnly(Check):
    """The audit trail: the auditor only (三员分立 — not even the system admin)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, env: Env, role: str) -> None:
        response = env.client(role).get(self.path)
        if role == "anonymous":
            to_login(response, role, self.path)
        else:
            status_of(response, role, self.path, 200 if role == "audrey" else 404)


ROWS: dict[str, Check] = {
    # the auditor
    "audit/": AuditorOnly("/audit/"),
    "audit/export.csv": AuditorOnly("/audit/export.csv"),
}
