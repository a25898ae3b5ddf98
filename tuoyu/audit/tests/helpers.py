"""Shared by the audit tests: a few events, and a way around the database's append-only trigger so a
test can play the attacker (the change is undone with the test's transaction)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from django.db import connection

from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_record


def record_events(n: int, *, action: str = "test.write") -> list[Event]:
    return [audit_record(action, object_type="test.thing", object_id=i, after={"n": i}) for i in range(n)]


@contextmanager
def triggers_bypassed() -> Iterator[None]:
    """Let raw SQL UPDATE/DELETE the audit table, as an attacker with database access could. DDL is
    transactional on both databases, so the test's rollback restores the triggers."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        else:
            cur.execute("DROP TRIGGER audit_event_no_update")
            cur.execute("DROP TRIGGER audit_event_no_delete")
    yield


@contextmanager
def prune_guard_opened() -> Iterator[None]:
    """What audit_prune does to be let through the delete trigger, done by hand: insert the SQLite prune
    guard row (PostgreSQL: set the prune flag). Raw SQL may then DELETE any event."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL tuoyu.audit_prune = 'on'")
        else:
            cur.execute("INSERT INTO audit_pruneguard (id) VALUES (1)")
    yield
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL tuoyu.audit_prune = 'off'")
        else:
            cur.execute("DELETE FROM audit_pruneguard")


def run_verify(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `tuoyu audit-verify`."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()
