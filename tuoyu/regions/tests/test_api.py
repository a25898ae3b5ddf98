"""The regions list API: what it returns, and what it costs in queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tuoyu.accounts.services import api_token_create
from tuoyu.regions.models import Region, RegionPopulation
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> Client:
    _token, secret = api_token_create(user=user, name="测试令牌")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_list_gives_each_regions_parent_and_2020_population_in_four_queries(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    client = bearer(cast.zhou)
    client.get("/api/v1/regions")
    RegionPopulation.objects.update_or_create(
        region_id="430202", year=2020, defaults={"resident_population": 123456, "source": "测试"}
    )
    RegionPopulation.objects.update_or_create(
        region_id="430202", year=2010, defaults={"resident_population": 99, "source": "测试"}
    )
    # token (user joined), memberships, count, page (the population a column of it: no prefetch)
    with django_assert_num_queries(4):
        body = client.get("/api/v1/regions?limit=100").json()
    rows = {r["code"]: r for r in body["items"]}
    assert rows["430202"] == {
        "code": "430202",
        "name": Region.objects.get(code="430202").name,
        "level": "county",
        "prefix": "430202",
        "parent_code": "430200",
        "population_2020": 123456,
    }
    assert rows["430200"]["parent_code"] == "430000"
    without = next(
        r for r in body["items"] if not RegionPopulation.objects.filter(region_id=r["code"]).exists()
    )
    assert without["population_2020"] is None
    assert body["count"] == Region.objects.filter(prefix__startswith="4302").count()
