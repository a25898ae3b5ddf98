"""Append-only: neither the application nor raw SQL can change or remove an audit event."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tuoyu.audit.models import AppendOnlyError, Event
from tuoyu.audit.services import audit_verify
from tuoyu.audit.tests.helpers import record_events

pytestmark = pytest.mark.django_db


def raw(sql: str, params: list | None = None) -> None:
    """Run SQL in a savepoint, so a refusal does not break the test's transaction."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def test_saving_an_existing_event_is_refused() -> None:
    (event,) = record_events(1)
    event.action = "test.forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert Event.objects.get(pk=event.pk).action == "test.write"


def test_deleting_an_event_is_refused() -> None:
    (event,) = record_events(1)
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused() -> None:
    record_events(2)
    with pytest.raises(AppendOnlyError):
        Event.objects.update(action="test.forged")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(action="test.write").update(action="test.forged")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(action="test.write").delete()
    assert not Event.objects.filter(action="test.forged").exists()
    assert Event.objects.filter(action="test.write").count() == 2


def test_raw_sql_update_is_refused_by_the_database() -> None:
    (event,) = record_events(1)
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE audit_event SET action = %s WHERE id = %s", ["test.forged", event.id])
    assert Event.objects.get(pk=event.pk).action == "test.write"


def test_raw_sql_delete_is_refused_by_the_database() -> None:
    (event,) = record_events(1)
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM audit_event WHERE id = %s", [event.id])
    assert Event.objects.filter(pk=event.pk).exists()
    assert audit_verify().ok


def test_raw_sql_truncate_is_refused_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record_events(1)
    with pytest.raises(DatabaseError, match="append-only"):
        raw("TRUNCATE audit_event")
    assert Event.objects.exists()
