"""Every audit action the code writes is declared by an app (tuoyu/<app>/actions.py), and an undeclared
one is refused in strict mode and recorded with a warning otherwise."""

from __future__ import annotations

import ast
import logging
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test import override_settings
from django.utils import translation

from tuoyu.audit import registry
from tuoyu.audit.models import Event
from tuoyu.audit.reveals import REVEALABLES
from tuoyu.audit.services import audit_event, audit_record
from tuoyu.bans.models import AlertKind
from tuoyu.core.workflow import workflows
from tuoyu.filings.workflow import TRANSITIONS
from tuoyu.institutions.services import TRANSFER_TRANSITIONS
from tuoyu.staff.actions import AuditAction as StaffAction

ROOT = Path(settings.BASE_DIR) / "tuoyu"
AUDIT_FUNCTIONS = {"audit_record", "audit_event", "request_audit"}  # request_audit: core's, via a signal

# Each f-string the code passes as an action, and every value it can take (read from where the variable
# comes from, so a new revealable field or workflow transition needs its action declared too).
FAMILIES: dict[str, set[str]] = {
    "bans.alert.{kind}": {f"bans.alert.{k}" for k in AlertKind.values},
    # core.workflow.Workflow.move audits <workflow>.<transition> for every transition of every workflow
    # (filings.workflow.FILING, institutions.services.REGION_TRANSFER, …).
    "{self.name}.{t.name}": {f"{w.name}.{t}" for w in workflows() for t in w.transitions},
    "filing.{action}": {f"filing.{a}" for a in TRANSITIONS},
    "region_transfer.{action}": {f"region_transfer.{a}" for a in TRANSFER_TRANSITIONS},
    # filings.services._apply_proposed: the InstitutionRevision source of an accepted filing.
    "institution.{source}": {"institution.change_filing", "institution.initial_filing"},
}


def _pattern(node: ast.JoinedStr) -> str:
    return "".join(
        part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
        for part in node.values
    )


def _actions(node: ast.expr) -> tuple[set[str], set[str], list[str]]:
    """(literal actions, f-string patterns, anything else) an action argument can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}, set(), []
    if isinstance(node, ast.JoinedStr):
        return set(), {_pattern(node)}, []
    if isinstance(node, ast.IfExp):
        a, b = _actions(node.body), _actions(node.orelse)
        return a[0] | b[0], a[1] | b[1], a[2] + b[2]
    return set(), set(), [ast.unparse(node)]


def written_actions() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Walk tuoyu's source (not its tests) for the first argument of every audit_record/audit_event call:
    literal actions and f-string patterns (each → where it is), and the calls passing anything else."""
    literals: dict[str, str] = {}
    patterns: dict[str, str] = {}
    other: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in AUDIT_FUNCTIONS:
                continue
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            arg = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == "action")
            found, shapes, rest = _actions(arg)
            literals.update(dict.fromkeys(found, where))
            patterns.update(dict.fromkeys(shapes, where))
            other += [f"{where}: {text}" for text in rest]
    return literals, patterns, other


def test_every_literal_action_the_code_writes_is_declared() -> None:
    literals, _patterns, _other = written_actions()
    # the walk found the calls (they span lines, some are conditional); the reveals, imports and workflow moves
    # are written by their one service each, with the action as a variable (checked in the tests below)
    assert len(literals) > 70
    missing = {action: where for action, where in literals.items() if not registry.is_registered(action)}
    assert not missing, f"declare these in the writing app's actions.py (AuditAction): {missing}"


def test_every_f_string_action_is_a_known_family_whose_values_are_declared() -> None:
    _literals, patterns, _other = written_actions()
    unknown = {p: where for p, where in patterns.items() if p not in FAMILIES}
    assert not unknown, f"a new f-string action: add it to FAMILIES with every value it can take: {unknown}"
    for family, values in FAMILIES.items():
        assert values, family
        missing = sorted(v for v in values if not registry.is_registered(v))
        assert not missing, f"{family} ({patterns.get(family)}) can write undeclared {missing}"


def test_the_only_actions_passed_as_a_variable_are_the_forwarders_handing_them_on() -> None:
    # audit_record hands its action to audit_event; the audit app's receiver hands on core's request_audit;
    # a declared list (core.lists) hands on the export action declared with it; the reveal service writes the
    # action its Revealable declares, the import skeleton the file-level action its SpreadsheetImport declares
    # (all checked below).
    _literals, _patterns, other = written_actions()
    assert sorted(o.split(": ", 1)[1] for o in other) == [
        "action",
        "action",
        "action",
        "self.audit_action",
        "self.spec.export_action",
    ], other
    assert sorted(o.split(":", 1)[0] for o in other) == [
        "tuoyu/audit/receivers.py",
        "tuoyu/audit/reveals.py",
        "tuoyu/audit/services.py",
        "tuoyu/core/imports.py",
        "tuoyu/core/lists.py",
    ]


def test_every_declared_lists_export_action_is_declared() -> None:
    import importlib

    from tuoyu.core.lists import DECLARED

    importlib.import_module("tuoyu.urls")  # the views import their apps' lists
    assert "institutions" in DECLARED
    exported = {name: spec.export_action for name, spec in DECLARED.items() if spec.export_action}
    missing = {name: action for name, action in exported.items() if not registry.is_registered(action)}
    assert exported and not missing, f"declare these in the list's app's actions.py (AuditAction): {missing}"


def test_every_spreadsheet_import_declares_its_file_level_action() -> None:
    from tuoyu.bans.imports import BanImport
    from tuoyu.children.imports import RosterImport as ChildImport
    from tuoyu.core.imports import SpreadsheetImport
    from tuoyu.institutions.imports import RegistrationImport
    from tuoyu.staff.imports import RosterImport as StaffImport

    imports = set(SpreadsheetImport.__subclasses__())
    assert {BanImport, ChildImport, RegistrationImport, StaffImport} <= imports
    assert all(registry.is_registered(str(i.audit_action)) for i in imports), imports


def test_every_revealable_field_writes_a_declared_action() -> None:
    # Each app's reveals.py declares its fields with their actions; the reveal service writes only those.
    labels = {r.model._meta.label_lower for r in REVEALABLES}
    assert {
        "accounts.user",
        "bans.ban",
        "children.child",
        "staff.person",
        "institutions.institution",
    } <= labels
    missing = {
        (r.model._meta.label_lower, f): str(a)
        for r in REVEALABLES
        for f, a in r.actions.items()
        if not registry.is_registered(str(a))
    }
    assert not missing, missing


def test_every_action_of_the_trail_in_the_tests_is_declared() -> None:
    # The values the tests look for in the table are real: a test filtering on a renamed action would
    # pass by finding nothing.
    # (The audit app's own tests also write made-up ``test.*`` actions, declared in their conftest.)
    sources = [p for p in ROOT.rglob("test_*.py") if p.relative_to(ROOT).parts[:2] != ("audit", "tests")]
    looked_for: set[str] = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg not in {"action", "action__startswith"} or not isinstance(
                        kw.value, ast.Constant
                    ):
                        continue
                    value = kw.value.value
                    if isinstance(value, str) and "." in value:
                        looked_for.add(value + "*" if kw.arg == "action__startswith" else value)
    assert looked_for, "the walk found the tests' Event filters"
    declared = registry.values()
    undeclared = sorted(
        v
        for v in looked_for
        if not (any(d.startswith(v[:-1]) for d in declared) if v.endswith("*") else registry.is_registered(v))
    )
    assert not undeclared, undeclared


def test_each_app_that_writes_events_declares_them_in_its_own_actions_module() -> None:
    apps = {g.app_label: g for g in registry.groups()}
    assert {
        "accounts",
        "audit",
        "bans",
        "calendars",
        "children",
        "fees",
        "files",
        "filings",
        "institutions",
        "staff",
        "standards",
    } <= set(apps)
    assert apps["staff"].choices is StaffAction
    assert registry.label("staff.hire") == StaffAction.HIRE.label
    # core imports no app: its actions are the audit app's, which records them.
    assert {"access.denied", "crypto.field_key_rotate"} <= set(apps["audit"].values)


def test_an_action_declared_by_two_apps_is_a_configuration_error() -> None:
    class Twice(models.TextChoices):
        HIRE = "staff.hire", "hire"

    with (
        pytest.raises(ImproperlyConfigured, match="staff.hire"),
        registry.registered("other", "other", Twice),
    ):
        pass  # pragma: no cover
    assert registry.group("other") is None
    assert registry.group("staff") is not None and registry.group("staff").choices is StaffAction


def test_labels_read_in_chinese_and_in_english() -> None:
    with translation.override("zh-hans"):
        assert str(registry.label("staff.hire")) == "录用工作人员"
        assert str(registry.group("staff").verbose_name) == "工作人员"
    with translation.override("en"):
        assert str(registry.label("staff.hire")) == "Hire a staff member"
        assert registry.labels()["access.denied"] == "Access refused (out of scope)"
    assert registry.label("no.such_action") is None


@pytest.mark.django_db
def test_strict_mode_refuses_an_undeclared_action() -> None:
    assert settings.AUDIT_STRICT_ACTIONS  # the test run is strict
    with pytest.raises(registry.UnknownAuditAction, match="staff.hier"):
        audit_record("staff.hier", object_type="staff.person", object_id=1)
    with pytest.raises(registry.UnknownAuditAction):
        audit_event("institution.update")
    assert not Event.objects.filter(action="staff.hier").exists()


@pytest.mark.django_db
def test_a_declared_action_may_be_passed_as_its_enumeration_member() -> None:
    event = audit_record(StaffAction.HIRE, object_type="staff.person", object_id=1)
    assert type(event.action) is str and event.action == "staff.hire"
    event.refresh_from_db()
    assert event.action == "staff.hire" and event.compute_hash() == event.hash


@pytest.mark.django_db
@override_settings(AUDIT_STRICT_ACTIONS=False)
def test_outside_strict_mode_an_undeclared_action_is_recorded_and_logged(caplog: Any) -> None:
    with caplog.at_level(logging.WARNING, logger="tuoyu.audit.services"):
        event = audit_record("staff.hier", object_type="staff.person", object_id=1)
    assert Event.objects.get(pk=event.pk).action == "staff.hier"
    assert event.action_label is None
    assert "staff.hier" in caplog.text
