"""The parameter table of the compliance rules (规则参数): each rule declares its parameters (``Param``: a
national default, which direction is stricter, a label) beside its check in ``rules/``; ``rules/__init__``
declares every rule here, and this module answers which values are in force for a region.

A city may override parameters in ``TUOYU_STANDARDS_OVERRIDES`` ({region prefix: {rule id: {param: value}}}):
a parameter the rule names in ``local_params`` freely, any other only in its stricter direction —
``validate_overrides`` refuses the rest at start-up. ``params_for(rule, region_prefix)``: national defaults,
then each matching city prefix from the shortest to the longest.

This module imports no app (it is what other apps' questions reach through ``core.registry.rule_params``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HIGHER, LOWER = "higher", "lower"  # which direction of a parameter is stricter


@dataclass(frozen=True)
class Param:
    name: str
    default: int | float
    stricter: str  # HIGHER: a larger value is stricter; LOWER: a smaller one
    label: str  # a Chinese msgid marked with gettext_noop: the API gives it as is, the pages translate it


class Declared(Protocol):
    """What the table needs of a rule (``rules.base.Rule``)."""

    id: str
    local_params: frozenset[str]

    def param(self, name: str) -> Param | None: ...

    def defaults(self) -> dict[str, Any]: ...


_rules: dict[str, Declared] = {}


def declare(rules: Iterable[Declared]) -> None:
    """Enter the rules' parameters in the table (``rules/__init__`` does, for every rule)."""
    for rule in rules:
        _rules[rule.id] = rule


def _declared() -> Mapping[str, Declared]:
    if not _rules:
        raise ImproperlyConfigured("no compliance rule is declared: import tuoyu.standards.rules first")
    return _rules


def validate_overrides(overrides: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Check ``TUOYU_STANDARDS_OVERRIDES``: {region prefix: {rule id: {param: value}}}. A known rule and param,
    a number, and — unless the rule names the param local — no laxer than the national default."""
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured("TUOYU_STANDARDS_OVERRIDES must be a dict of region prefix → rules.")
    for prefix, rules in overrides.items():
        if not isinstance(prefix, str) or not prefix.isdigit() or not 2 <= len(prefix) <= 12:
            raise ImproperlyConfigured(f"TUOYU_STANDARDS_OVERRIDES: {prefix!r} is not a region code prefix.")
        if not isinstance(rules, dict):
            raise ImproperlyConfigured(f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}] must be a dict of rule ids.")
        for rule_id, params in rules.items():
            rule = _declared().get(rule_id)
            if rule is None:
                raise ImproperlyConfigured(
                    f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}]: unknown rule {rule_id!r}."
                )
            if not isinstance(params, dict):
                raise ImproperlyConfigured(
                    f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}][{rule_id!r}] must be a dict."
                )
            for name, value in params.items():
                param = rule.param(name)
                where = f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}] rule {rule_id} param {name!r}"
                if param is None:
                    raise ImproperlyConfigured(f"{where}: the rule has no such parameter.")
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ImproperlyConfigured(f"{where}: {value!r} is not a non-negative number.")
                if name in rule.local_params:
                    continue
                laxer = value < param.default if param.stricter == HIGHER else value > param.default
                if laxer:
                    raise ImproperlyConfigured(
                        f"{where}: {value!r} is laxer than the national {param.default!r} "
                        f"(a city may only make it {'higher' if param.stricter == HIGHER else 'lower'})."
                    )
    return overrides


_validated: tuple[int, Any] | None = None


def overrides() -> dict[str, dict[str, dict[str, Any]]]:
    global _validated
    value = getattr(settings, "TUOYU_STANDARDS_OVERRIDES", {}) or {}
    if _validated is None or _validated[0] != id(value) or _validated[1] is not value:
        validate_overrides(value)
        _validated = (id(value), value)
    return value


def params_for(rule: Declared, region_prefix: str) -> dict[str, Any]:
    """The rule's parameters in force for a region: national defaults, then each matching city prefix from
    the shortest to the longest, so the most specific one wins."""
    params = rule.defaults()
    table = overrides()
    for prefix in sorted((p for p in table if region_prefix.startswith(p)), key=len):
        params.update(table[prefix].get(rule.id, {}))
    return params
