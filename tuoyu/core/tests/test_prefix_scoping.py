"""The region-prefix predicate (core.scoping.prefix_q): a range an index answers, the same rows as a prefix."""

from __future__ import annotations

import pytest
from django.db import connection

from tuoyu.core.scoping import _next_digits, prefix_q
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "upper"),
    [("43", "44"), ("4302", "4303"), ("4309", "431"), ("430299", "4303"), ("99", None), ("", None)],
)
def test_the_upper_bound_is_the_next_digit_string(prefix: str, upper: str | None) -> None:
    assert _next_digits(prefix) == upper


def test_the_range_matches_exactly_the_prefix() -> None:
    prefixes = ["4302", "4309", "43", "430202001", "99"]
    for p in prefixes:
        ranged = set(Region.objects.filter(prefix_q("prefix", [p])).values_list("code", flat=True))
        liked = set(Region.objects.filter(prefix__startswith=p).values_list("code", flat=True))
        assert ranged == liked, p
    both = set(Region.objects.filter(prefix_q("prefix", ["4302", "4303"])).values_list("code", flat=True))
    assert both == set(Region.objects.filter(prefix__startswith="4302").values_list("code", flat=True)) | set(
        Region.objects.filter(prefix__startswith="4303").values_list("code", flat=True)
    )
    assert prefix_q("prefix", []) is None


def test_a_non_digit_prefix_falls_back_to_startswith() -> None:
    q = prefix_q("name", ["株洲"])
    assert q is not None and "name__startswith" in str(q)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_sqlite_searches_the_index_for_the_range_not_for_like() -> None:
    def plan(qs) -> str:
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())

    ranged = plan(Institution.objects.filter(prefix_q("region_prefix", ["4302"])).values("id"))
    assert "SEARCH" in ranged and "USING" in ranged and "INDEX" in ranged and "region_prefix" in ranged
    assert "SCAN" not in ranged
    liked = plan(Institution.objects.filter(region_prefix__startswith="4302").values("id"))
    assert "SCAN" in liked  # why the range: LIKE ... ESCAPE uses no index
