"""The import skeleton (批量导入): one service shape for every spreadsheet import of the platform.

An app declares an import as a subclass of :class:`SpreadsheetImport` (in its ``imports.py``) with its sheet,
the file-level audit action and two methods:

- ``check(rows)`` — outside any transaction, every row that parsed cleanly at once: the domain's own
  validation per row, and what must be looked up in the database (uniqueness, the ban screen, the classes)
  as ONE query per check for the whole file, never one per row. A row's problem is reported with
  ``self.reject(row, field, message)`` (or by raising ``ValidationError``/``DomainError`` inside
  ``self.each``); what it returns is the row's plan for the write.
- ``write(plans)`` — inside the import's transaction, only when every row of the file is good: bulk inserts
  and the per-row audit events in bulk (``audit_record_many``). A row error found there (a race the check
  could not see) is reported with ``self.reject`` and rolls back everything.

``run(file)`` is the rest, the same for every import: read (row-by-row cell errors), flag rows repeated
within the file, check, then one transaction that holds the writes AND the file-level audit event (the
action, the rows' count, the file's name and a SHA-256 digest of the rows imported) — if that event
cannot be written, nothing is imported. Any bad row, or a file-level problem, writes nothing and gives the
row-by-row report (:class:`tuoyu.core.excel.ImportOutcome`).

core imports no app: the file-level event is asked of the audit app through ``core.signals.request_audit``
(it raises when nothing records audit events, so an import is never committed unaudited).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.utils.translation import gettext as _

from tuoyu.core.errors import DomainError
from tuoyu.core.excel import (
    ImportOutcome,
    ParseResult,
    Row,
    Sheet,
    _add_validation_error,
    read_rows,
)
from tuoyu.core.signals import request_audit

Plan = TypeVar("Plan")

# Rows per INSERT (bulk_create) and per IN (...) lookup: under SQLite's and PostgreSQL's parameter limits.
BATCH_SIZE = 500


def chunks(values: Sequence[Any], size: int = BATCH_SIZE) -> Iterable[Sequence[Any]]:
    """``values`` in slices of ``size``: for ``IN (…)`` lookups of a whole file, a few queries in all."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


M = TypeVar("M", bound=models.Model)

# Field classes whose preparation of a value of one exact type is that value itself (Django's own classes,
# not subclasses: a subclass may override any step): text, integers, booleans, foreign keys to an integer key.
_TEXT_FIELDS = (models.CharField, models.TextField, models.SlugField, models.EmailField)
_INTEGER_FIELDS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)


_SAMPLES: dict[type, Any] = {
    **dict.fromkeys(_TEXT_FIELDS, "x"),
    **dict.fromkeys((*_INTEGER_FIELDS, models.AutoField, models.BigAutoField), 7),
    models.BooleanField: True,
}


def _identity_type(field: models.Field, connection: Any) -> type | None:
    """The one type of value that ``field.get_db_prep_save`` returns unchanged — ``str`` for Django's own text
    fields, ``int`` for its integer fields and keys to them, ``bool`` for its boolean field — or None when
    every value must go through it. The backend's own preparation is asked on a sample, not assumed."""
    target = field.target_field if type(field) in (models.ForeignKey, models.OneToOneField) else field  # type: ignore[attr-defined]
    sample = _SAMPLES.get(type(target))
    if sample is None:
        return None
    prepared = field.get_db_prep_save(sample, connection)
    return type(sample) if type(prepared) is type(sample) and prepared == sample else None


def _plain_attribute(field: models.Field) -> bool:
    """Whether ``field.pre_save(obj, add=True)`` is just the attribute (no auto_now, no blind index…)."""
    pre_save = type(field).pre_save
    if pre_save is models.Field.pre_save:
        return True
    if pre_save in (models.DateField.pre_save, models.DateTimeField.pre_save):
        return not (field.auto_now or field.auto_now_add)  # type: ignore[attr-defined]
    return False


def _unnest_statement(connection: Any, table: str, fields: list[models.Field], pk_column: str) -> str | None:
    """On PostgreSQL, ``INSERT … SELECT * FROM UNNEST(%s::type[], …) RETURNING id`` for ``fields`` — when
    every column has one of the backend's own types (Django's condition for the same statement in
    ``bulk_create``); None elsewhere. The array types drop their length (``varchar[]``) so that nothing
    is truncated: the columns' own types still hold each value to its limit."""
    if connection.vendor != "postgresql":
        return None
    types = []
    for field in fields:
        internal = (field.target_field if field.is_relation else field).get_internal_type()  # type: ignore[attr-defined]
        if internal not in connection.data_types:
            return None
        types.append(field.db_type(connection).split("(")[0])
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(f"(%s)::{t}[]" for t in types)
    return f"INSERT INTO {quote(table)} ({columns}) SELECT * FROM UNNEST({arrays}) RETURNING {pk_column}"  # noqa: S608 — quoted identifiers and the model's own column types


def _parameter_limit(connection: Any) -> int | None:
    """The bound parameters one statement may hold: SQLite's real limit (Django assumes 999, the old
    compile-time default; SQLite ≥ 3.32 allows 32,766, so an INSERT of 60 columns takes 500 rows, not 16),
    PostgreSQL's 65,535, the backend's declared one elsewhere (None: none)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    if connection.vendor == "postgresql":
        return 65_535  # the wire protocol's count of parameters is 16 bits
    return connection.features.max_query_params


def bulk_insert(model: type[M], objs: list[M], batch_size: int = BATCH_SIZE) -> list[M]:
    """``model.objects.bulk_create(objs, batch_size=…)`` for new rows (no primary key set), with what a
    file's rows cost cut down: the INSERT … RETURNING is written once per batch size and the values are
    prepared by each field's own ``get_db_prep_save`` (so encryption, blind indexes, JSON and dates are
    exactly what ``save`` would store), instead of compiling every value through the ORM's SQL compiler —
    two thirds of a 5,000-row import's insert time before. Sets each object's primary key and state as
    ``bulk_create`` does; sends no signals (neither does ``bulk_create``).

    Falls back to ``bulk_create`` for anything outside that plain case: a backend that cannot return the
    ids of a multi-row INSERT, an object with its key already set, a field with a database default, its
    own placeholder or a generated value, a multi-table model, or an expression among the values."""
    if not objs:
        return objs
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    pk = opts.pk
    fields = [f for f in opts.concrete_fields if f is not pk]
    plain = (
        connection.features.can_return_rows_from_bulk_insert
        and isinstance(pk, models.AutoField)
        and not opts.parents
        and list(opts.db_returning_fields) == [pk]
        and not any(f.generated or f.has_db_default() or hasattr(f, "get_placeholder") for f in fields)
        and not any(obj._is_pk_set() for obj in objs)
    )
    if not plain:
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    limit = _parameter_limit(connection)
    size = max(1, min(batch_size, limit // len(fields))) if limit else batch_size
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608 — quoted identifiers of the model, values are parameters
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(pk.column)}"
    statements: dict[int, str] = {}
    unnest = _unnest_statement(connection, opts.db_table, fields, quote(pk.column))
    # Per field, worked out once: the attribute to read when pre_save is only that, and the value type its
    # preparation leaves unchanged (most of a row's values: text, integers, keys), and whether None stays
    # None (NULL dates, keys, encrypted text…), so that only the others (encrypted text, dates, JSON…) go
    # through get_db_prep_save.
    plans = [
        (
            field,
            field.attname if _plain_attribute(field) else None,
            _identity_type(field, connection),
            field.get_db_prep_save(None, connection) is None,
        )
        for field in fields
    ]
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for batch in chunks(objs, size):
            params: list[Any] = []
            append = params.append
            for obj in batch:
                values = obj.__dict__
                for field, attname, same, null in plans:
                    value = (
                        values[attname]
                        if attname is not None and attname in values
                        else field.pre_save(obj, True)
                    )
                    if (value is None and null) or (same is not None and type(value) is same):
                        append(value)
                        continue
                    if hasattr(value, "resolve_expression"):
                        raise TypeError(f"bulk_insert: {model.__name__}.{field.name} holds an expression")
                    append(field.get_db_prep_save(value, connection))
            if unnest is not None:
                # One array per column: the statement has a parameter per column, not per value, so the
                # driver neither parses 30,000 placeholders nor PostgreSQL plans them (as Django's own
                # bulk_create does on PostgreSQL).
                width = len(fields)
                sql, params = unnest, [params[i::width] for i in range(width)]
            else:
                sql = statements.get(len(batch))
                if sql is None:
                    sql = statements[len(batch)] = head + ", ".join([row] * len(batch)) + tail
            cursor.execute(sql, params)
            ids = cursor.fetchall()
            if len(ids) != len(batch):
                raise IntegrityError(f"bulk_insert: {len(batch)} rows sent, {len(ids)} ids returned")
            for obj, (value,) in zip(batch, ids, strict=True):
                value = pk.from_db_value(value, None, connection) if hasattr(pk, "from_db_value") else value
                setattr(obj, pk.attname, value)
                obj._state.adding = False
                obj._state.db = connection.alias
    return objs


def rows_digest(rows: Iterable[Row]) -> str:
    """SHA-256 over the imported rows' parsed values (row number and values, canonical JSON): the file-level
    event vouches for exactly what was imported, without holding a copy of the personal data in it."""
    digest = hashlib.sha256()
    for row in rows:
        line = json.dumps(
            [row.number, row.values], sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        )
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


class SpreadsheetImport(Generic[Plan]):
    """One import of a spreadsheet, all or nothing (see the module docstring). Subclasses set ``sheet``
    and ``audit_action`` and implement ``check`` and ``write``; an instance is one upload by one user."""

    sheet: ClassVar[Sheet]
    audit_action: ClassVar[str]
    # Column keys (or combinations) that must not repeat within one file.
    unique_within_file: ClassVar[Sequence[Sequence[str]]] = ()

    def __init__(self, *, by: Any) -> None:
        self.by = by
        self.result: ParseResult | None = None

    # --- what an import declares ------------------------------------------------------------------------

    def read(self, file: bytes | IO[bytes] | str, filename: str) -> ParseResult:
        """The upload's rows, with their cell errors (``excel.read_rows``); an import reading CSV too
        overrides this."""
        return read_rows(file, self.sheet)

    def check(self, rows: list[Row]) -> list[Plan | None]:
        """One plan per row of ``rows`` (None for a rejected one); see the module docstring."""
        raise NotImplementedError

    def write(self, plans: list[tuple[Row, Plan]]) -> None:
        """The writes, inside the import's transaction; see the module docstring."""
        raise NotImplementedError

    def audit_target(self) -> dict[str, Any]:
        """What the file-level event is about (``obj=…`` or ``object_type=…``)."""
        return {}

    # --- helpers for check and write --------------------------------------------------------------------

    def reject(self, row: Row, field: str | None, message: Any) -> None:
        """Report ``message`` on ``row`` (on the column ``field``; None or an unknown key: the whole row)."""
        assert self.result is not None
        self.result.add_error(row, field, str(message))

    def each(self, rows: list[Row], check_one: Callable[[Row], Plan]) -> list[Plan | None]:
        """``check_one(row)`` for every row; its ValidationError / DomainError becomes that row's error."""
        assert self.result is not None
        plans: list[Plan | None] = []
        for row in rows:
            try:
                plans.append(check_one(row))
            except ValidationError as exc:
                _add_validation_error(self.result, row, exc)
                plans.append(None)
            except DomainError as exc:
                self.reject(row, exc.field, exc.message)
                plans.append(None)
        return plans

    # --- the skeleton -------------------------------------------------------------------------------------

    def run(self, file: bytes | IO[bytes] | str, *, filename: str | None = None) -> ImportOutcome:
        """Read, check every row, and write them all with the file-level audit event — or nothing."""
        name = filename if filename is not None else str(getattr(file, "name", "") or "")
        result = self.result = self.read(file, name)
        if result.file_errors:
            return ImportOutcome(result=result, committed=False)
        for keys in self.unique_within_file:
            result.flag_duplicates(*keys)
        rows = [row for row in result.rows if row.ok]
        plans = self.check(rows) if rows else []
        if len(plans) != len(rows):
            raise TypeError(f"{type(self).__name__}.check must return one plan per row")
        if not result.ok:
            return ImportOutcome(result=result, committed=False)
        good = [(row, plan) for row, plan in zip(rows, plans, strict=True) if plan is not None]
        with transaction.atomic():
            self._write_guarded(good)
            if not result.ok:
                transaction.set_rollback(True)
                return ImportOutcome(result=result, committed=False)
            # In the same transaction as the rows: if this event cannot be written, nothing is imported.
            request_audit(
                self.audit_action,
                actor=self.by,
                **self.audit_target(),
                detail={"rows": len(good), "file": name[:100], "digest": rows_digest(row for row, _ in good)},
            )
        return ImportOutcome(result=result, committed=True, applied=len(good))

    def _write_guarded(self, plans: list[tuple[Row, Plan]]) -> None:
        """``write`` in a savepoint; a DomainError, ValidationError or IntegrityError it raises is a
        file-level error (the transaction is rolled back by the caller)."""
        assert self.result is not None
        try:
            with transaction.atomic():
                self.write(plans)
                if not self.result.ok:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            self.result.file_errors.extend(exc.messages)
        except DomainError as exc:
            self.result.file_errors.append(str(exc.message))
        except IntegrityError:
            self.result.file_errors.append(_("与已有数据冲突（重复或违反约束），未能保存。"))
