"""Domain errors, raised by services and turned into problem+json (API) or form errors (UI)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the action. ``code`` is stable; ``message`` is for people."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class Conflict(DomainError):
    """Someone else changed the record first (stale version) or the state moved on."""

    status = 409


class PermissionDenied(DomainError):
    status = 403


class StaleVersion(Conflict):
    """Optimistic locking's one refusal: the record changed since the caller read it (its ``version`` moved
    on). Every versioned record answers it with the same code, ``stale_version``, naming the ``version``
    field."""

    def __init__(self, message: str | None = None) -> None:
        from django.utils.translation import gettext as _

        super().__init__("stale_version", message or _("该记录已被他人修改，请刷新后重试。"), field="version")


def check_version(record: object, seen: int | None, *, message: str | None = None) -> None:
    """Refuse a write made from a stale read: ``seen`` is the version the caller read (``None``: the caller
    does not lock, e.g. an import that reads and writes in one transaction)."""
    if seen is not None and seen != record.version:  # type: ignore[attr-defined]
        raise StaleVersion(message)


# SQLSTATEs of a PostgreSQL database that is busy rather than broken: serialization_failure,
# deadlock_detected, lock_not_available (lock_timeout). Retrying later succeeds.
BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
# SQLite's SQLITE_BUSY / SQLITE_LOCKED, as its Python driver words them.
BUSY_SQLITE_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")


def is_database_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or the driver error it wraps) says another transaction holds a lock we waited
    for in vain — the request can simply be retried — rather than that something is wrong."""
    import sqlite3

    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, sqlite3.OperationalError) and str(exc).startswith(BUSY_SQLITE_MESSAGES):
            return True
        state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if state in BUSY_SQLSTATES:
            return True
        exc = exc.__cause__ or exc.__context__
    return False
