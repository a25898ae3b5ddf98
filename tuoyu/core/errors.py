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
