"""Retention: `tuoyu audit-prune` removes events older than the retention period, never keeping fewer
than 180 days, records that it did, and leaves a chain that still verifies."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_prune, audit_record, audit_verify
from tuoyu.audit.tests.helpers import run_verify, triggers_bypassed

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_time(monkeypatch: Any) -> Callable[[dt.datetime], None]:
    """Move the clock audit_record reads (django.utils.timezone.now) to a given moment."""

    def move(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


@pytest.fixture
def history(monkeypatch: Any) -> dict[int, Event]:
    """One event each 400, 200, 170 and 10 days ago (oldest first, as they would have been written)."""
    real_now = timezone.now()
    events = {}
    for days in (400, 200, 170, 10):
        with monkeypatch.context() as m:
            m.setattr(timezone, "now", lambda days=days: real_now - dt.timedelta(days=days))
            events[days] = audit_record("test.write", object_type="test.thing", object_id=days)
    return events


def test_prune_deletes_events_older_than_retention_and_keeps_the_rest(history: dict[int, Event]) -> None:
    deleted = audit_prune(days=365)
    assert deleted == 1
    remaining = set(Event.objects.filter(action="test.write").values_list("object_id", flat=True))
    assert remaining == {"200", "170", "10"}


def test_prune_keeps_180_days_even_when_asked_for_fewer(history: dict[int, Event]) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit_prune", days=30, stdout=out, stderr=err)
    remaining = set(Event.objects.filter(action="test.write").values_list("object_id", flat=True))
    assert remaining == {"170", "10"}  # 170 days is inside the 180-day floor; 30 was not honoured
    assert "at least 180" in err.getvalue()
    assert "pruned 2 events older than 180 days" in out.getvalue()


def test_prune_records_an_audit_prune_event(history: dict[int, Event]) -> None:
    audit_prune(days=180)
    event = Event.objects.get(action="audit.prune")
    assert event.detail["deleted"] == 2
    assert event.detail["days"] == 180
    assert event.detail["through_hash"] == history[200].hash
    assert Event.objects.order_by("-id").first() == event


def test_the_chain_still_verifies_after_a_prune(history: dict[int, Event]) -> None:
    audit_prune(days=180)
    audit_record("test.write", object_type="test.thing", object_id="after")
    code, out, _err = run_verify()
    assert code == 0
    assert "chain intact" in out


def test_the_chain_still_verifies_after_two_prunes(
    history: dict[int, Event], at_time: Callable[[dt.datetime], None]
) -> None:
    audit_prune(days=365)  # removes the 400-day-old event
    at_time(timezone.now() + dt.timedelta(days=100))
    audit_prune(days=180)  # 100 days later: the 200- and 170-day-old ones are now past 180 days
    remaining = set(Event.objects.filter(action="test.write").values_list("object_id", flat=True))
    assert remaining == {"10"}
    assert Event.objects.filter(action="audit.prune").count() == 2
    assert Event.objects.order_by("id").first().prev_hash == history[170].hash
    assert audit_verify().ok


def test_nothing_to_prune_records_nothing(history: dict[int, Event]) -> None:
    assert audit_prune(days=1000) == 0
    assert not Event.objects.filter(action="audit.prune").exists()


def test_removing_old_events_by_hand_is_still_caught(history: dict[int, Event]) -> None:
    # Only a prune's recorded anchor makes a missing beginning acceptable.

    with triggers_bypassed(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE id <= %s", [history[200].id])
    result = audit_verify()
    assert result.broken_id == history[170].id
