"""Which audit actions exist: every installed app's ``<app>/actions.py`` declares its own.

An app that writes audit events declares them as ``class AuditAction(models.TextChoices)`` in its
``actions.py`` (value: the code stored in ``audit.Event.action``; label: what an auditor reads, in Chinese
with an English translation). ``AuditConfig.ready()`` imports every app's ``actions`` module and
:func:`collect` gathers the enumerations, so the auditor's search can offer every action, grouped by app,
labelled in the reader's language — and ``audit_event`` can tell a declared action from a typo (eVaka's
lesson: an enumerated audit event, not a free string).

No app is listed here: adding one touches only its own ``actions.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise

ACTIONS_MODULE = "actions"
ENUM_NAME = "AuditAction"
# A search for events (audit.selectors.event_list) names a declared action's code, or one of these:
APP_PREFIX = "app:"  # "app:staff": every action the staff app declares
UNDECLARED = "undeclared"  # every action no app declares (recorded while AUDIT_STRICT_ACTIONS was off)


class UnknownAuditAction(ValueError):
    """An audit action no app declares (raised only when ``settings.AUDIT_STRICT_ACTIONS`` is on)."""


@dataclass(frozen=True)
class ActionGroup:
    """One app's actions: the app's label and name (the optgroup) and its enumeration."""

    app_label: str
    verbose_name: str | Promise
    choices: type[models.TextChoices]

    @property
    def values(self) -> list[str]:
        return [str(value) for value in self.choices.values]


_groups: dict[str, ActionGroup] = {}
_labels: dict[str, str | Promise] = {}
_owners: dict[str, str] = {}  # action code → the app that declares it


def register(app_label: str, verbose_name: str | Promise, choices: type[models.TextChoices]) -> None:
    """Add one app's enumeration. An action code belongs to exactly one app; declaring it twice is a
    configuration error, found at start-up."""
    if not (isinstance(choices, type) and issubclass(choices, models.TextChoices)):
        raise ImproperlyConfigured(f"{app_label}.{ENUM_NAME} must be a models.TextChoices")
    for value in choices.values:
        owner = _owners.get(value, app_label)
        if owner != app_label:
            raise ImproperlyConfigured(f"audit action {value!r} is declared by both {owner} and {app_label}")
    for value, text in choices.choices:
        _owners[value] = app_label
        _labels[value] = text
    _groups[app_label] = ActionGroup(app_label, verbose_name, choices)


def collect() -> None:
    """Gather the ``AuditAction`` of every installed app whose ``actions`` module has been imported
    (``autodiscover_modules("actions")`` in AuditConfig.ready), in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.{ACTIONS_MODULE}")
        choices = getattr(module, ENUM_NAME, None)
        if choices is not None:
            register(config.label, config.verbose_name, choices)


def is_registered(action: str) -> bool:
    return action in _labels


def label(action: str) -> str | Promise | None:
    """The action's label (lazy: it reads in the active language), or None for an undeclared code."""
    return _labels.get(action)


def labels() -> dict[str, str]:
    """Every declared action's label in the active language, for an export written after the request."""
    return {value: str(text) for value, text in _labels.items()}


def groups() -> list[ActionGroup]:
    return list(_groups.values())


def group(app_label: str) -> ActionGroup | None:
    return _groups.get(app_label)


def values() -> list[str]:
    return list(_labels)


@contextmanager
def registered(app_label: str, verbose_name: str, choices: type[models.TextChoices]) -> Iterator[None]:
    """Declare extra actions for a while — for tests that write events of no real app (``test.write``)."""
    saved = [(table, dict(table)) for table in (_groups, _labels, _owners)]
    try:
        register(app_label, verbose_name, choices)
        yield
    finally:
        for table, content in saved:
            table.clear()
            table.update(content)
