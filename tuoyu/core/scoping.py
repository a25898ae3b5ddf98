"""Jurisdiction (属地管理): the single place that turns (user, action, model) into a queryset filter.

Each scoped model registers a rule in its app's ``scoping.py`` (found by ``core.registry``): ``rule(user, action) -> Q | None``. ``None`` means nothing. A model
with no rule, an anonymous user, an inactive user or an unknown action sees nothing: the default is closed.
Single objects are fetched with ``get_scoped_or_404`` so missing and forbidden answer alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404

ACTIONS = {"view", "change", "reveal", "export"}

Rule = Callable[[Any, str], Q | None]
_rules: dict[type[models.Model], Rule] = {}

M = TypeVar("M", bound=models.Model)


def register(model: type[models.Model]) -> Callable[[Rule], Rule]:
    def decorator(rule: Rule) -> Rule:
        _rules[model] = rule
        return rule

    return decorator


def scope_filter(user: Any, action: str, model: type[models.Model]) -> Q | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if action not in ACTIONS:
        return None
    rule = _rules.get(model)
    if rule is None:
        return None
    return rule(user, action)


def scoped(user: Any, action: str, model_or_qs: type[M] | models.QuerySet[M]) -> models.QuerySet[M]:
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    q = scope_filter(user, action, qs.model)
    if q is None:
        return qs.none()
    return qs.filter(q)


class DeniedNotFound(Http404):
    """A 404 for an object that exists outside the user's scope. It answers exactly like a missing one;
    the request's error handling (RequestContextMiddleware, the API's 404 handler) records it as an
    ``access.denied`` audit event — after the service's transaction has rolled back, so the record stays.
    """

    def __init__(self, *, model_label: str, object_id: str, action: str, user: Any) -> None:
        super().__init__()
        self.model_label, self.object_id, self.action, self.user = model_label, object_id, action, user


def record_denial(exc: DeniedNotFound) -> None:
    """Tell whoever keeps the audit trail (core.signals.access_denied: the audit app) about the denial."""
    from tuoyu.core.signals import access_denied

    access_denied.send(sender=DeniedNotFound, exc=exc)


def get_scoped_or_404(user: Any, action: str, model_or_qs: type[M] | models.QuerySet[M], **lookup: Any) -> M:
    """One object the user may act on, or 404 — the same answer whether it is missing or forbidden.

    A forbidden object (it exists, outside the user's scope) raises ``DeniedNotFound``, which the request
    handling records as a denied access in the audit trail: the auditor sees probing that the user cannot
    tell apart from a missing page.
    """
    qs = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs._default_manager.all()
    if any(isinstance(v, str) and "\x00" in v for v in lookup.values()):
        # No stored value contains NUL, and PostgreSQL answers one with an error (aborting the transaction).
        raise Http404
    try:
        return scoped(user, action, qs).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        pass
    try:
        exists = qs.model._default_manager.filter(**lookup).exists()
    except (ValueError, TypeError, ValidationError):
        exists = False
    if exists:
        raise DeniedNotFound(
            model_label=qs.model._meta.label_lower,
            object_id=str(next(iter(lookup.values()), ""))[:64],
            action=action,
            user=user,
        )
    raise Http404


def _next_digits(prefix: str) -> str | None:
    """The smallest digit string greater than every string starting with ``prefix`` ("4302" → "4303",
    "4309" → "431"), or None when there is none ("99")."""
    head = prefix.rstrip("9")
    if not head:
        return None
    return head[:-1] + chr(ord(head[-1]) + 1)


def prefix_q(field: str, prefixes: list[str]) -> Q | None:
    """Q matching rows whose ``field`` starts with any of the prefixes (a region subtree).

    A digit prefix (every region prefix) is a range, ``field >= "4302" AND field < "4303"``: SQLite uses no
    index for ``LIKE '4302%' ESCAPE '\\'`` (Django's ``startswith``) but searches one for a range, and so
    does PostgreSQL under any collation (``LIKE`` needs ``varchar_pattern_ops`` outside the C collation).
    The upper bound is the next digit string, never a sentinel character: a collation may ignore U+FFFF or
    punctuation. Anything else falls back to ``startswith``.
    """
    q: Q | None = None
    for p in prefixes:
        if p.isascii() and p.isdigit():
            upper = _next_digits(p)
            term = Q(**{f"{field}__gte": p})
            if upper is not None:
                term &= Q(**{f"{field}__lt": upper})
        else:
            term = Q(**{f"{field}__startswith": p})
        q = term if q is None else q | term
    return q


def allows(model: type[models.Model], action: str = "view") -> Callable[[Any], bool]:
    """A predicate: may the user ``action`` any ``model`` at all? (Their rule answers a filter, not None.)
    The menu shows an entry by it, so the menu and the page it opens follow one rule."""

    def allowed(user: Any) -> bool:
        return scope_filter(user, action, model) is not None

    return allowed


def registered_models() -> list[type[models.Model]]:
    return list(_rules)
