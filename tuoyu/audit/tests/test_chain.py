"""The hash chain: every event names the previous one's hash, and `tuoyu audit-verify` walks it."""

from __future__ import annotations

import pytest
from django.db import connection

from tuoyu.audit.models import GENESIS_HASH, Event
from tuoyu.audit.services import audit_checkpoint, audit_record, audit_verify
from tuoyu.audit.tests.helpers import record_events, run_verify, triggers_bypassed

pytestmark = pytest.mark.django_db


def test_each_event_points_at_the_previous_events_hash() -> None:
    record_events(5)
    events = list(Event.objects.order_by("id"))
    assert len(events) >= 5
    assert events[0].prev_hash == GENESIS_HASH
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
        assert event.hash == event.compute_hash()


def test_audit_verify_says_ok_for_an_intact_chain() -> None:
    record_events(5)
    audit_checkpoint()
    code, out, err = run_verify()
    assert code == 0
    assert f"OK: {Event.objects.count()} events, chain intact" in out
    assert f"head {Event.objects.order_by('-id').first().hash}" in out
    assert err == ""


def test_the_stored_hash_survives_the_database_round_trip() -> None:
    # Values the database normalises (JSON, IPv6 addresses, time zones) must hash the same when read back.
    audit_record(
        "test.round_trip",
        ip="2001:DB8::1",
        before={"b": 1.5, "a": ["x", None], "中文": "托育"},
        after={"nested": {"z": 1, "y": True}},
        detail={"when": "2026-01-01"},
    )
    audit_record("test.round_trip", ip="::ffff:10.0.0.1")
    audit_record("test.round_trip", ip="not-an-ip")
    assert audit_verify().ok


def test_altered_content_is_caught_and_the_event_named() -> None:
    first, victim, _last = record_events(3)
    with triggers_bypassed(), connection.cursor() as cur:
        cur.execute("UPDATE audit_event SET object_id = %s WHERE id = %s", ["forged", victim.id])
    code, _out, err = run_verify()
    assert code == 1
    assert f"BROKEN at event {victim.id}:" in err
    assert "altered" in err


def test_a_rewritten_hash_is_caught_at_the_next_event() -> None:
    # An attacker who alters a row and recomputes its hash still breaks the link to the next event.
    _first, victim, after = record_events(3)
    victim.object_id = "forged"
    forged_hash = victim.compute_hash()
    with triggers_bypassed(), connection.cursor() as cur:
        cur.execute(
            "UPDATE audit_event SET object_id = %s, hash = %s WHERE id = %s",
            ["forged", forged_hash, victim.id],
        )
    result = audit_verify()
    assert not result.ok
    assert result.broken_id == after.id


def test_a_deleted_event_in_the_middle_is_caught() -> None:
    _first, victim, after = record_events(3)
    with triggers_bypassed(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE id = %s", [victim.id])
    code, _out, err = run_verify()
    assert code == 1
    assert f"BROKEN at event {after.id}:" in err
    assert "removed" in err


def test_a_deleted_first_event_is_caught() -> None:
    record_events(3)
    first = Event.objects.order_by("id").first()
    second = Event.objects.filter(id__gt=first.id).order_by("id").first()
    with triggers_bypassed(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE id = %s", [first.id])
    result = audit_verify()
    assert result.broken_id == second.id
