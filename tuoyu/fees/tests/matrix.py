"""The permission-matrix rows of fees (收费): the institution's admin publishes (tuoyu/fees/urls.py, api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from django.utils import timezone

from tuoyu.filings.tests.matrix import FILED, FILING_FILER
from tuoyu.testing.matrix import (
    ApiInstitutionRead,
    Check,
    Env,
    RolesOnly,
    problem,
    status_of,
)


class ApiFeePublish(Check):
    """POST /api/v1/fees/schedules: the institution's admin only (201); others 404, nothing published."""

    def __call__(self, env: Env, role: str) -> None:
        from tuoyu.fees.models import FeeSchedule

        c = env.client(role)
        for name in FILED:
            institution = getattr(env.cast, name)
            body = {
                "institution_id": institution.pk,
                "effective_from": timezone.localdate().isoformat(),
                "max_prepay_months": 1,
                "items": [{"kind": "monthly", "name": "保育费", "amount": "2000", "unit": "month"}],
            }
            before = FeeSchedule.objects.filter(institution=institution).count()
            response = c.post("/api/v1/fees/schedules", body, content_type="application/json")
            allowed = name in FILING_FILER.get(role, ())
            if role == "anonymous":
                problem(response, role, "POST fees", 401)
            elif allowed:
                status_of(response, role, f"POST fees {name}", 201)
            else:
                problem(response, role, f"POST fees {name}", 404)
            after = FeeSchedule.objects.filter(institution=institution).count()
            assert after == before + (1 if allowed and role != "anonymous" else 0), f"{role} fees {name}"


ROWS: dict[str, Check] = {
    "fees/": RolesOnly("/fees/", ("ann", "ben")),
    "GET /api/v1/fees/schedules": ApiInstitutionRead(
        "/api/v1/fees/schedules?institution_id={institution_id}"
    ),
    "POST /api/v1/fees/schedules": ApiFeePublish(),
}
