"""The declared risk list (standards.lists on core.lists): the page and the API take the same filters and
sorting, and the API's query count does not grow with the list (the page's is pinned in test_views)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tuoyu.accounts.services import api_token_create
from tuoyu.institutions.models import Institution
from tuoyu.standards.services import evaluate_all
from tuoyu.standards.tests.test_engine import compliant
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db


def _many(cast: Cast, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        inst = Institution.objects.create(
            name=f"风险机构{i:02d}",
            uscc=f"91430202MA4P{i:04d}X",
            region=cast.inst_a.region if i % 2 else cast.inst_b.region,
        )
        compliant(inst, **({"recording_retention_days": 30} if i % 3 == 0 else {}))
    evaluate_all()


@pytest.mark.parametrize(
    "query", ["", "rule=SAF-01", "region=430203", "sort=institution", "sort=-risk_score"]
)
def test_the_risk_page_and_api_take_the_same_filters(cast: Cast, login: Any, query: str) -> None:
    _many(cast, 9)
    c = login(cast.zhou)
    page = c.get(f"/standards/risk/?{query}")
    assert page.status_code == 200
    shown = re.findall(r">(风险机构\d\d)</a>", page.content.decode())
    api = [r["institution_name"] for r in c.get(f"/api/v1/standards/risk?{query}&limit=200").json()["items"]]
    assert shown == [n for n in api if n.startswith("风险机构")] and shown
    if query == "sort=institution":
        assert shown == sorted(shown)
    if query == "rule=SAF-01":
        assert set(shown) == {f"风险机构{i:02d}" for i in range(9) if i % 3 == 0}


def test_the_risk_api_queries_do_not_grow_with_the_list(cast: Cast, django_assert_num_queries: Any) -> None:
    _token, secret = api_token_create(user=cast.zhou, name="测试令牌")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    _many(cast, 2)
    client.get("/api/v1/standards/risk?limit=100")
    # token (user joined), memberships, count, page (institution and region joined)
    with django_assert_num_queries(4):
        assert client.get("/api/v1/standards/risk?limit=100").status_code == 200
    _many(cast, 30, start=10)
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/standards/risk?limit=100").json()["items"]) >= 32
