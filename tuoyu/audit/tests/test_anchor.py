"""The chain anchored outside the table: keyed event MACs and head checkpoints.

Someone who can write the database but holds neither the audit key nor the checkpoint file plays the
attacker here: they may drop the triggers, delete behind the prune guard and recompute hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tuoyu.audit.checkpoints import checkpoint_read
from tuoyu.audit.models import EVENT_MAC_LABEL, GENESIS_HASH, Event
from tuoyu.audit.services import audit_checkpoint, audit_prune, audit_record, audit_verify
from tuoyu.audit.tests.helpers import prune_guard_opened, record_events, run_verify, triggers_bypassed
from tuoyu.core.crypto import audit_keyring

pytestmark = pytest.mark.django_db


def rewrite_chain(*, hasher: Any, mac_key: str | None, forge: dict[int, str]) -> None:
    """Recompute every event's hash in order the way an attacker can, after changing ``object_id`` of the
    events in ``forge``; ``hasher(event) -> hex`` stands for what they can compute without the key."""
    prev = GENESIS_HASH
    with triggers_bypassed(), connection.cursor() as cur:
        for event in Event.objects.order_by("id"):
            event.object_id = forge.get(event.id, event.object_id)
            event.prev_hash = prev
            event.mac_key = mac_key
            event.hash = hasher(event)
            cur.execute(
                "UPDATE audit_event SET object_id = %s, prev_hash = %s, hash = %s, mac_key = %s WHERE id = %s",
                [event.object_id, event.prev_hash, event.hash, mac_key, event.id],
            )
            prev = event.hash


def plain_sha256(event: Event) -> str:
    return hashlib.sha256(event.canonical()).hexdigest()


def test_new_events_are_hashed_with_the_audit_key() -> None:
    (event,) = record_events(1)
    ring = audit_keyring()
    assert event.mac_key == ring.current_id
    expected = hmac.new(ring.current, EVENT_MAC_LABEL + event.canonical(), hashlib.sha256).hexdigest()
    assert event.hash == expected != plain_sha256(event)


def test_cutting_off_the_newest_events_behind_the_prune_guard_is_caught_after_a_checkpoint() -> None:
    events = record_events(5)
    checkpoint = audit_checkpoint()
    assert (checkpoint["last_id"], checkpoint["last_hash"]) == (events[-1].id, events[-1].hash)
    code, out, _err = run_verify()
    assert code == 0
    assert "checkpoints: 1 agree; newest #1" in out

    with prune_guard_opened(), connection.cursor() as cur:  # what remains is a perfect chain
        cur.execute("DELETE FROM audit_event WHERE id >= %s", [events[3].id])
    code, out, err = run_verify()
    assert code == 1
    assert "OK" not in out
    assert err == (
        f"BROKEN at event {events[4].id}: the trail ends at event {events[2].id} but checkpoint #1 of"
        f" {checkpoint['at']} recorded event {events[4].id} as its head: newest events were removed"
        f" (3 verified before it)\n"
    )


def test_the_whole_trail_deleted_is_caught_after_a_checkpoint() -> None:
    events = record_events(2)
    audit_checkpoint()
    with prune_guard_opened(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event")
    result = audit_verify()
    assert not result.ok
    assert result.broken_id == events[-1].id
    assert "newest events were removed" in result.reason


def test_a_chain_rewritten_and_recomputed_with_plain_sha256_is_caught() -> None:
    events = record_events(4)
    audit_checkpoint()
    rewrite_chain(hasher=plain_sha256, mac_key=None, forge={events[1].id: "forged"})
    code, out, err = run_verify()
    assert code == 1
    # Every link is consistent: only the checkpoint outside the table shows the rewrite.
    assert f"BROKEN at event {events[-1].id}: hash differs from checkpoint #1" in err
    assert "(rewritten)" in err


def test_plain_hashes_after_keyed_events_are_refused_even_without_a_checkpoint() -> None:
    events = record_events(4)
    prev = events[1].hash
    with triggers_bypassed(), connection.cursor() as cur:
        for event in events[2:]:
            event.prev_hash, event.mac_key = prev, None
            event.object_id = "forged"
            event.hash = plain_sha256(event)
            cur.execute(
                "UPDATE audit_event SET object_id = %s, hash = %s, mac_key = NULL WHERE id = %s",
                [event.object_id, event.hash, event.id],
            )
            prev = event.hash
    result = audit_verify()
    assert result.broken_id == events[2].id
    assert "downgraded" in result.reason


def test_a_chain_recomputed_with_a_wrong_key_is_caught_at_its_first_event() -> None:
    events = record_events(3)
    kid = audit_keyring().current_id

    def wrong_key(event: Event) -> str:
        return hmac.new(b"k" * 32, EVENT_MAC_LABEL + event.canonical(), hashlib.sha256).hexdigest()

    rewrite_chain(hasher=wrong_key, mac_key=kid, forge={events[1].id: "forged"})
    code, _out, err = run_verify()
    assert code == 1
    assert f"BROKEN at event {events[0].id}: content does not match its hash" in err


def test_an_event_claiming_an_unknown_key_is_caught() -> None:
    (event,) = record_events(1)
    with triggers_bypassed(), connection.cursor() as cur:
        cur.execute("UPDATE audit_event SET mac_key = %s WHERE id = %s", ["deadbeef", event.id])
    result = audit_verify()
    assert result.broken_id == event.id
    assert result.reason == "hashed with unknown audit key deadbeef"


def test_the_first_keyed_event_is_anchored_when_it_commits(
    django_capture_on_commit_callbacks: Any, audit_checkpoint_file: Path
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (first,) = record_events(1)
    with django_capture_on_commit_callbacks(execute=True) as later:
        record_events(1)
    assert later == []  # only the first one
    (line,) = checkpoint_read(audit_checkpoint_file).lines
    assert (line["last_id"], line["last_hash"], line["count"]) == (first.id, first.hash, 1)


def test_tick_records_a_checkpoint(audit_checkpoint_file: Path) -> None:
    events = record_events(2)
    out = io.StringIO()
    call_command("tick", stdout=out)
    assert f"audit checkpoint #1: head {events[-1].id}" in out.getvalue()
    assert checkpoint_read(audit_checkpoint_file).lines[-1]["last_hash"] == events[-1].hash


def test_audit_checkpoint_command_prints_the_head() -> None:
    events = record_events(2)
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert (
        out.getvalue()
        == f"checkpoint #1: {Event.objects.count()} events, head {events[-1].id} {events[-1].hash}\n"
    )


def test_verify_warns_while_there_is_no_checkpoint() -> None:
    record_events(1)
    code, _out, err = run_verify()
    assert code == 0
    assert err.startswith("WARNING: no checkpoints yet")


# --- the checkpoint file itself ------------------------------------------------------------------


def edit_line(path: Path, number: int, **changes: Any) -> None:
    lines = path.read_text().splitlines()
    body = json.loads(lines[number - 1])
    body.update(changes)
    lines[number - 1] = json.dumps(body)
    path.write_text("\n".join(lines) + "\n")


def test_an_edited_checkpoint_line_is_caught(audit_checkpoint_file: Path) -> None:
    events = record_events(3)
    audit_checkpoint()
    record_events(1)
    audit_checkpoint()
    # Make the first checkpoint agree with a trail cut back to two events.
    edit_line(audit_checkpoint_file, 1, last_id=events[1].id, last_hash=events[1].hash, count=2)
    code, _out, err = run_verify()
    assert code == 1
    assert (
        err
        == "BROKEN: checkpoint file audit-checkpoints.jsonl line 1: fails its MAC (edited) (0 verified before it)\n"
    )


def test_a_removed_checkpoint_line_is_caught(audit_checkpoint_file: Path) -> None:
    for _ in range(3):
        record_events(1)
        audit_checkpoint()
    lines = audit_checkpoint_file.read_text().splitlines(keepends=True)
    audit_checkpoint_file.write_text(lines[0] + lines[2])
    result = audit_verify()
    assert result.reason == (
        "checkpoint file audit-checkpoints.jsonl line 2: out of sequence (a line was removed, inserted or reordered)"
    )


def test_a_damaged_checkpoint_file_stops_new_checkpoints(audit_checkpoint_file: Path) -> None:
    from tuoyu.audit.checkpoints import CheckpointError

    record_events(1)
    audit_checkpoint()
    with audit_checkpoint_file.open("a") as fh:
        fh.write('{"seq": 2, "kind": "he')
    with pytest.raises(CheckpointError):
        audit_checkpoint()


def test_verify_against_the_copy_kept_off_the_machine(tmp_path: Path, audit_checkpoint_file: Path) -> None:
    # Whoever holds the machine can cut the local file short; the copy shipped elsewhere still has it all.
    events = record_events(3)
    audit_checkpoint()
    offsite = tmp_path / "offsite.jsonl"
    offsite.write_bytes(audit_checkpoint_file.read_bytes())
    with prune_guard_opened(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE id = %s", [events[-1].id])
    audit_checkpoint_file.write_text("")
    assert audit_verify().ok
    code, _out, err = run_verify("--checkpoints", str(offsite))
    assert code == 1
    assert "newest events were removed" in err


# --- prunes ----------------------------------------------------------------------------------------


@pytest.fixture
def old_history(monkeypatch: Any) -> dict[int, Event]:
    """Events 400, 300 and 10 days old, with a checkpoint after each (as daily ticks would have made)."""
    real_now = timezone.now()
    events = {}
    for days in (400, 300, 10):
        with monkeypatch.context() as m:
            m.setattr(timezone, "now", lambda days=days: real_now - dt.timedelta(days=days))
            events[days] = audit_record("test.write", object_type="test.thing", object_id=days)
            audit_checkpoint()
    return events


def test_a_legitimate_prune_still_verifies_with_the_checkpoints_it_removed(
    old_history: dict[int, Event], audit_checkpoint_file: Path
) -> None:
    assert audit_prune(days=200) == 2  # the first two checkpoints now name pruned events
    prune_line = checkpoint_read(audit_checkpoint_file).lines[-1]
    assert prune_line["kind"] == "prune"
    assert (prune_line["through_id"], prune_line["through_hash"]) == (
        old_history[300].id,
        old_history[300].hash,
    )
    audit_record("test.write", object_type="test.thing", object_id="after")
    audit_checkpoint()
    code, out, err = run_verify()
    assert (code, err) == (0, "")
    assert f"OK: {Event.objects.count()} events, chain intact" in out
    assert "checkpoints: 5 agree; newest #5" in out


def test_events_removed_by_hand_under_a_checkpoint_are_not_covered_by_an_older_prune(
    old_history: dict[int, Event],
) -> None:
    audit_prune(days=350)  # removes the 400-day-old event, legitimately
    with prune_guard_opened(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE id <= %s", [old_history[300].id])
    result = audit_verify()
    assert not result.ok
    assert result.broken_id == old_history[10].id
    assert "follow a recorded prune" in result.reason


def test_a_prune_missing_from_the_checkpoint_file_is_not_trusted(
    old_history: dict[int, Event], tmp_path: Path, settings: Any
) -> None:
    before_prune = tmp_path / "before-prune.jsonl"
    before_prune.write_bytes(Path(settings.AUDIT_CHECKPOINT_FILE).read_bytes())
    audit_prune(days=200)
    prune = Event.objects.get(action="audit.prune")
    code, _out, err = run_verify("--checkpoints", str(before_prune))
    assert code == 1
    # The prune event's MAC verifies, but the file does not confirm it: its anchor is not accepted.
    assert (
        f"BROKEN at event {old_history[10].id}: first event does not start the chain or follow a recorded prune"
        in err
    )
    assert prune.id > old_history[10].id


def test_a_prune_that_rolled_back_leaves_a_line_that_excuses_nothing(
    old_history: dict[int, Event], monkeypatch: Any
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("tuoyu.audit.services.audit_record", fail)
    with pytest.raises(RuntimeError):
        audit_prune(days=200)
    monkeypatch.undo()
    assert Event.objects.filter(action="test.write").count() == 3
    assert audit_verify().ok
    # An attacker now deletes what that prune would have: no audit.prune event confirms the line.
    with prune_guard_opened(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE id <= %s", [old_history[300].id])
    assert audit_verify().broken_id == old_history[10].id


# --- events from before keyed hashes ---------------------------------------------------------------


def plain_event(action: str, prev_hash: str, **fields: Any) -> Event:
    """An event as the code before keyed hashes wrote it."""
    event = Event(action=action, object_type="test.thing", prev_hash=prev_hash, mac_key=None, **fields)
    event.hash = plain_sha256(event)
    event.save(force_insert=True)
    return event


def test_plain_events_from_before_the_key_still_verify_and_the_first_keyed_one_follows_them() -> None:
    one = plain_event("test.old", GENESIS_HASH, object_id="1")
    two = plain_event("test.old", one.hash, object_id="2")
    (keyed,) = record_events(1)
    assert keyed.prev_hash == two.hash
    audit_checkpoint()
    code, out, _err = run_verify()
    assert code == 0
    assert "2 events from before the audit key carry plain SHA-256 hashes" in out


def test_a_plain_prune_from_before_the_key_still_anchors_the_chain() -> None:
    gone = plain_event("test.old", GENESIS_HASH, object_id="gone")
    # What the old audit_prune left: the survivor follows the pruned event, the prune event records it.
    survivor = plain_event("test.old", gone.hash, object_id="kept")
    plain_event(
        "audit.prune",
        survivor.hash,
        detail={"deleted": 1, "through_id": gone.id, "through_hash": gone.hash, "days": 365},
    )
    with prune_guard_opened(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_event WHERE id = %s", [gone.id])
    record_events(1)
    assert audit_verify().ok
