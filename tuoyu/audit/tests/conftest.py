"""The audit tests write events of no real app (``test.write``): declare them for these tests only, so the
strict test run (AUDIT_STRICT_ACTIONS) accepts them and every other app's tests still refuse them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import models

from tuoyu.audit import registry


class TestAction(models.TextChoices):
    WRITE = "test.write", "test write"
    ROUND_TRIP = "test.round_trip", "test round trip"


@pytest.fixture(autouse=True)
def test_actions() -> Iterator[None]:
    with registry.registered("tests", "tests", TestAction):
        yield
