"""core.imports.bulk_insert stores what bulk_create stores (encrypted values, blind indexes, JSON, dates,
auto_now_add), sets the keys in list order, and falls back to bulk_create outside the plain case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_event, audit_record_many, audit_verify
from tuoyu.core import imports
from tuoyu.core.imports import bulk_insert
from tuoyu.staff.models import Person
from tuoyu.staff.tests.factories import id_number

pytestmark = pytest.mark.django_db


def _people(seq: int, n: int) -> list[Person]:
    return [
        Person(
            name=f"张{i}",
            id_number=id_number(seq=seq + i),
            sex="M",
            birth_date=dt.date(1990, 1, 1),
            phone=f"1380000{seq + i:04d}",
        )
        for i in range(n)
    ]


def test_the_same_rows_as_bulk_create_keys_in_order():
    ours = bulk_insert(Person, _people(1, 7), batch_size=3)  # three batches: 3, 3, 1
    theirs = Person.objects.bulk_create(_people(101, 7), batch_size=3)
    assert [p.pk for p in ours] == sorted(p.pk for p in ours)
    assert all(not p._state.adding and p._state.db == "default" for p in ours)
    for mine, django in zip(ours, theirs, strict=True):
        a, b = Person.objects.get(pk=mine.pk), Person.objects.get(pk=django.pk)
        assert a.name == mine.name and a.id_number == mine.id_number and a.phone == mine.phone
        assert a.birth_date == dt.date(1990, 1, 1) and a.created_at is not None and a.version == 1
        # The blind index is the field's own (computed in pre_save), as bulk_create stores it.
        assert a.id_index == Person._meta.get_field("id_index").index_for(a.id_number)
        assert b.id_index == Person._meta.get_field("id_index").index_for(b.id_number)
    # Stored encrypted, never in the clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM staff_person WHERE id = %s", [ours[0].pk])
        stored_id, stored_phone = cursor.fetchone()
    assert ours[0].id_number not in stored_id and ours[0].phone not in stored_phone


def test_audit_events_in_bulk_keep_the_chain():
    events = audit_record_many(
        [
            audit_event("audit.export", object_type="x", detail={"n": i, "phone": "13800001111"})
            for i in range(5)
        ]
    )
    assert [e.pk for e in events] == list(range(events[0].pk, events[0].pk + 5))
    stored = list(Event.objects.filter(pk__in=[e.pk for e in events]).order_by("id"))
    assert [e.detail["n"] for e in stored] == [0, 1, 2, 3, 4]
    assert stored[0].detail["phone"] != "13800001111"  # masked before it was sealed
    assert audit_verify().ok


def test_falls_back_to_bulk_create_outside_the_plain_case(monkeypatch):
    calls = []
    original = Person.objects.bulk_create

    def spy(objs, **kwargs):
        calls.append(len(objs))
        return original(objs, **kwargs)

    monkeypatch.setattr(Person.objects, "bulk_create", spy)
    # A key already set: bulk_create's business (it inserts with the given key).
    people = _people(201, 2)
    people[0].pk = 990_001
    bulk_insert(Person, people)
    assert calls == [2] and Person.objects.filter(pk=990_001).exists()
    # A backend that cannot return the keys of a multi-row INSERT.
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    bulk_insert(Person, _people(301, 2))
    assert calls == [2, 2]
    assert bulk_insert(Person, []) == []


def test_an_expression_among_the_values_is_refused():
    from django.db.models import Value

    people = _people(401, 1)
    people[0].name = Value("x")
    with pytest.raises(TypeError):
        bulk_insert(Person, people)
    assert imports.BATCH_SIZE == 500


def test_values_of_another_type_are_prepared_by_the_field_as_bulk_create_does():
    """Text, integers and keys of their own type go straight through; anything else (a lazy translation in a
    text field, a number in one, a string in an integer field) is the field's get_db_prep_save's business."""
    from django.utils.translation import gettext_lazy

    people = _people(501, 3)
    people[0].name = gettext_lazy("是")  # a Promise: Field.get_prep_value makes it str
    people[1].name = 12345  # CharField.to_python makes it "12345"
    people[2].version = "3"  # IntegerField.get_prep_value makes it 3
    bulk_insert(Person, people)
    stored = {p.pk: p for p in Person.objects.filter(pk__in=[p.pk for p in people])}
    assert stored[people[0].pk].name == "是"
    assert stored[people[1].pk].name == "12345"
    assert stored[people[2].pk].version == 3


def test_batches_follow_the_real_sqlite_parameter_limit(django_assert_num_queries):
    """Django assumes SQLite's old limit of 999 parameters (16 rows of 60 columns per INSERT); the real one is
    asked of the connection, so the rows of a file go in a few statements."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's limit")
    import sqlite3

    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    columns = len([f for f in Person._meta.concrete_fields if not f.primary_key])
    per_insert = min(imports.BATCH_SIZE, limit // columns)
    assert per_insert > 999 // columns  # what Django's own bulk_batch_size would allow
    people = [
        Person(
            name=f"李{i}",
            id_number=id_number(dt.date(1991, 1, 1) + dt.timedelta(days=i // 400), seq=i),
            sex="M",
            birth_date=dt.date(1991, 1, 1),
        )
        for i in range(per_insert + 1)
    ]
    with django_assert_num_queries(2):  # one full INSERT and one of a single row, nothing else
        bulk_insert(Person, people)
    assert Person.objects.filter(pk__in=[p.pk for p in people]).count() == per_insert + 1


def test_on_postgresql_a_batch_is_one_array_per_column():
    """PostgreSQL gets ``INSERT … SELECT * FROM UNNEST(…)``: a parameter per column, not per value (the driver
    parsed 30,000 placeholders per statement before); the keys still come back in list order."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's statement")
    from django.test.utils import CaptureQueriesContext

    people = _people(701, 5)
    with CaptureQueriesContext(connection) as queries:
        bulk_insert(Person, people)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "UNNEST" in inserts[0]
    stored = {p.pk: p.name for p in Person.objects.filter(pk__in=[p.pk for p in people])}
    assert [stored[p.pk] for p in people] == [p.name for p in people]
    assert [p.pk for p in people] == sorted(p.pk for p in people)
