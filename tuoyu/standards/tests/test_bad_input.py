"""No input makes the compliance pages or API fail: huge ids, odd filters, anonymous callers."""

from __future__ import annotations

from typing import Any

import pytest

from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


def test_huge_ids_are_not_found(cast: Cast, login: Any) -> None:
    client = login(cast.zhou)
    assert client.get(f"/standards/institutions/{HUGE}/").status_code == 404
    response = client.get(f"/api/v1/standards/institutions/{HUGE}")
    assert response.status_code in (404, 422) and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert client.get(f"/api/v1/standards/risk?offset={HUGE}").status_code == 422


def test_anonymous_callers_are_refused(client: Any) -> None:
    assert client.get("/standards/rules/").status_code == 302
    response = client.get("/api/v1/standards/rules")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
