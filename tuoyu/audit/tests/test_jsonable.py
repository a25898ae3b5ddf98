"""audit.services._jsonable copies plain values directly: the result is exactly the JSON round trip's."""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tuoyu.audit.services import _jsonable

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC])),
    st.decimals(allow_nan=False, allow_infinity=False),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), inner, max_size=4),
    ),
    max_leaves=12,
)


def _round_trip(value: object) -> object:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True) and type(a) is type(b)


@given(VALUES)
def test_the_same_value_as_the_json_round_trip(value):
    assert _same(_jsonable(value), _round_trip(value))


def test_what_is_not_plain_still_goes_through_json():
    value = {"at": dt.date(2026, 3, 1), 1: "a", "set": OrderedDict(b=Decimal("1.50")), "t": (1, 2)}
    assert (
        _jsonable(value)
        == _round_trip(value)
        == {"at": "2026-03-01", "1": "a", "set": {"b": "1.50"}, "t": [1, 2]}
    )
    assert _jsonable(None) is None
