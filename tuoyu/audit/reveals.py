"""Reveals of personal data (查看明文): one service and one view for every masked field of the platform.

A model whose pages show a masked ID number or phone declares once which fields may be revealed and the
audit action of each::

    BAN_REVEAL = Revealable(Ban, {"id_number": BansAction.ID_NUMBER_REVEAL})

Then the API calls ``personal_data_reveal(viewer=…, revealable=BAN_REVEAL, pk=…, field="id_number")`` and
the page's view returns ``reveal_response(request, BAN_REVEAL, pk=…, field=…)``. The service fetches the
object through the ``reveal`` scope (404 alike for missing and forbidden), writes the audit event in its
own transaction, and hands the clear value back only once that event is written: if the audit write
fails, the caller gets the exception and no value. Views never write the event themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tuoyu.audit import registry
from tuoyu.audit.services import audit_record
from tuoyu.core.errors import DomainError
from tuoyu.core.scoping import get_scoped_or_404

# The fragment an htmx reveal button swaps in (the clear value, or — when the field is empty).
REVEALED_TEMPLATE = "institutions/_revealed.html"

# Every declared Revealable, for the audit registry test (each action must be declared by an app).
REVEALABLES: list[Revealable] = []


def _fetch_scoped(model: type[models.Model]) -> Callable[[Any, Any], models.Model]:
    def fetch(viewer: Any, pk: Any) -> models.Model:
        return get_scoped_or_404(viewer, "reveal", model, pk=pk)

    return fetch


@dataclass(frozen=True)
class Revealable:
    """The fields of ``model`` that may be revealed, each with the audit action a reveal writes.

    ``fetch(viewer, pk)`` returns the object the viewer may reveal, or raises Http404 (missing and forbidden
    alike); by default ``get_scoped_or_404(viewer, "reveal", model, pk=pk)``."""

    model: type[models.Model]
    actions: Mapping[str, str]
    fetch: Callable[[Any, Any], models.Model] | None = None

    def __post_init__(self) -> None:
        if not self.actions:
            raise ValueError(f"{self.model.__name__}: a Revealable needs at least one field")
        REVEALABLES.append(self)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.actions)

    def get(self, viewer: Any, pk: Any) -> models.Model:
        return (self.fetch or _fetch_scoped(self.model))(viewer, pk)


def personal_data_reveal(*, viewer: Any, revealable: Revealable, pk: Any, field: str) -> str:
    """The clear value of one revealable field, for a viewer allowed to reveal it; audited.

    An unknown field is a DomainError ``not_revealable``; an object the viewer may not reveal is a 404
    (recorded as a denied access by the request handling, outside this transaction, so the record stays).
    The event is written inside this function's transaction before the value leaves it."""
    if field not in revealable.actions:
        raise DomainError("not_revealable", _("该字段不能查看明文。"), field=field)
    action = str(revealable.actions[field])
    if not registry.is_registered(action):  # a declaration mistake: never reveal without a labelled event
        raise registry.UnknownAuditAction(f"reveal action {action!r} is not declared in any app's actions.py")
    obj = revealable.get(viewer, pk)
    with transaction.atomic():
        audit_record(action, obj=obj, actor=viewer)
        value = getattr(obj, field)
    return value or ""


def reveal_response(
    request: HttpRequest,
    revealable: Revealable,
    *,
    pk: Any,
    field: str,
    template: str = REVEALED_TEMPLATE,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The view side of a reveal (POST, signed in: the caller's decorators): the fragment with the clear
    value. An unknown field is a 404, as an unknown URL would be."""
    if field not in revealable.actions:
        raise Http404
    value = personal_data_reveal(viewer=request.user, revealable=revealable, pk=pk, field=field)
    return render(request, template, {**(context or {}), "field": field, "value": value})
