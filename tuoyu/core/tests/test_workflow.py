"""core.workflow: the transition table refuses a wrong state, a stale version and a guard's refusal without
changing anything, and logs and audits each move it takes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tuoyu.core import workflow as workflow_module
from tuoyu.core.errors import Conflict, DomainError, StaleVersion
from tuoyu.core.workflow import Move, Transition, Workflow, workflows


@dataclass
class Thing:
    status: str = "open"
    version: int = 1
    ok: bool = True


def _no_closing_unless_ok(thing: Thing, actor: Any) -> None:
    if not thing.ok:
        raise DomainError("not_ok", "不能办结。", field="ok")


def make(log: list[Move], name: str, **kwargs: Any) -> Workflow:
    return Workflow(
        name,
        [
            Transition("close", {"open"}, "closed", by="reviewer", guard=_no_closing_unless_ok),
            Transition("reopen", {"closed"}, "open", by="reviewer"),
            Transition("drop", {"open", "closed"}, "dropped", by="owner"),
        ],
        log=lambda thing, move: log.append(move) or len(log),
        audit=False,
        **kwargs,
    )


@pytest.fixture
def log() -> list[Move]:
    return []


@pytest.fixture
def flow(log: list[Move], request: pytest.FixtureRequest) -> Iterator[Workflow]:
    yield make(log, f"test.{request.node.name}")
    workflow_module._workflows.pop(f"test.{request.node.name}", None)


def test_a_move_changes_the_state_and_logs_actor_time_and_comment(flow: Workflow, log: list[Move]) -> None:
    thing = Thing()
    entry = flow.move(thing, "close", "张三", "已整改")
    assert thing.status == "closed" and thing.version == 1  # no version given: no locking
    assert entry == 1 and len(log) == 1
    move = log[0]
    assert (move.transition.name, move.before, move.after, move.actor, move.comment) == (
        "close",
        "open",
        "closed",
        "张三",
        "已整改",
    )
    assert move.at is not None


def test_a_wrong_state_is_refused_with_wrong_state_and_nothing_changes(
    flow: Workflow, log: list[Move]
) -> None:
    thing = Thing(status="closed")
    with pytest.raises(Conflict) as refused:
        flow.move(thing, "close", "张三")
    assert refused.value.code == "wrong_state" and refused.value.status == 409
    assert "closed" in refused.value.message  # names the state it is in
    assert thing.status == "closed" and log == []


def test_the_refusal_names_the_state_by_its_label_and_may_be_worded_by_the_app(log: list[Move]) -> None:
    from django.db import models

    class States(models.TextChoices):
        OPEN = "open", "办理中"
        CLOSED = "closed", "已办结"

    flow = make(log, "test.labels", states=States, refusal="该事项已处理（%(status)s）。")
    try:
        with pytest.raises(Conflict) as refused:
            flow.move(Thing(status="closed"), "close", "张三")
        assert refused.value.code == "wrong_state"
        assert refused.value.message == "该事项已处理（已办结）。"
    finally:
        workflow_module._workflows.pop("test.labels")


def test_a_guard_refuses_before_anything_moves(flow: Workflow, log: list[Move]) -> None:
    thing = Thing(ok=False)
    with pytest.raises(DomainError) as refused:
        flow.move(thing, "close", "张三")
    assert refused.value.code == "not_ok"
    assert thing.status == "open" and log == []


def test_a_stale_version_is_refused_first_and_a_fresh_one_moves_on(flow: Workflow, log: list[Move]) -> None:
    thing = Thing(status="closed", version=3)
    with pytest.raises(StaleVersion) as refused:
        flow.move(thing, "close", "张三", version=2)  # stale, and the wrong state: stale is said first
    assert refused.value.code == "stale_version"
    assert thing.status == "closed" and thing.version == 3 and log == []
    flow.move(thing, "reopen", "张三", version=3)
    assert thing.status == "open" and thing.version == 4


def test_an_unknown_transition_is_a_programming_error(flow: Workflow) -> None:
    with pytest.raises(ValueError, match="no transition"):
        flow.move(Thing(), "publish", "张三")


def test_the_table_answers_what_may_leave_a_state(flow: Workflow) -> None:
    assert flow.allowed("open") == ["close", "drop"]
    assert flow.allowed("open", by="owner") == ["drop"]
    assert flow.allowed("dropped") == []
    assert flow.can(Thing(status="closed"), "reopen") and not flow.can(Thing(), "reopen")


def test_a_table_with_two_transitions_of_one_name_or_two_workflows_of_one_name_is_refused(
    flow: Workflow, log: list[Move]
) -> None:
    with pytest.raises(ValueError, match="two transitions"):
        Workflow("test.twice", [Transition("a", {"x"}, "y"), Transition("a", {"y"}, "x")], log=print)
    with pytest.raises(ValueError, match="two workflows"):
        make(log, flow.name)


def test_a_move_is_audited_with_the_states_the_version_and_the_comment(
    log: list[Move], monkeypatch: pytest.MonkeyPatch
) -> None:
    audited: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(workflow_module, "request_audit", lambda action, **f: audited.append((action, f)))
    flow = Workflow(
        "test.audited",
        [Transition("close", {"open"}, "closed")],
        log=lambda thing, move: None,
        audit_detail=lambda thing: {"ok": thing.ok},
    )
    try:
        thing = Thing()
        flow.move(thing, "close", "张三", "办结", version=1)
        [(action, fields)] = audited
        assert action == "test.audited.close"
        assert fields == {
            "obj": thing,
            "actor": "张三",
            "before": {"status": "open"},
            "after": {"status": "closed", "version": 2},
            "detail": {"ok": True, "comment": "办结"},
        }
        with pytest.raises(Conflict):
            flow.move(thing, "close", "张三", version=2)
        assert len(audited) == 1  # a refusal audits nothing here (the caller's transaction rolls back)
    finally:
        workflow_module._workflows.pop("test.audited")


def test_the_apps_workflows_are_declared() -> None:
    import tuoyu.filings.workflow  # noqa: F401
    import tuoyu.institutions.services  # noqa: F401

    names = {w.name for w in workflows()}
    assert {"filing", "region_transfer"} <= names
