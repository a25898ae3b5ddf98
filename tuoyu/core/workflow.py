"""Workflows (流程): one small state machine for every record that moves through states — a filing, a region
transfer, later inspections, rectifications, complaints and applications.

A ``Workflow`` is a transition table: each ``Transition`` names the states it leaves (``sources``), the state
it reaches (``target``), who takes it (``by``, the app's own word: "institution", "reviewer") and an optional
``guard(obj, actor)`` that raises a ``DomainError`` to refuse. ``Workflow.move(obj, name, actor, comment)``
is the one way a service moves a record:

1. with ``version=`` (optimistic locking), a stale version is refused first (``StaleVersion``);
2. a record in a state the transition does not leave is refused: ``Conflict("wrong_state")``, naming the state;
3. the guard runs (it sees the record still in its old state);
4. the state moves (and ``version`` goes up by one when locking);
5. the app's ``log(obj, move)`` writes the event entry — actor, time, comment, from and to — in the app's
   own history (``FilingEvent`` for filings; the request's decision fields for a region transfer) and
   answers it;
6. the move is audited (``<workflow name>.<transition>``, through ``core.signals.request_audit``, in the
   caller's transaction) with the state before and after and the comment.

Nothing is saved but what ``log`` writes: the service saves the record with its other changes, inside its
own ``transaction.atomic`` (a refusal at any step leaves everything as it was).

Example (filings/workflow.py)::

    FILING = Workflow("filing", [Transition("accept", {SUBMITTED}, ACCEPTED, by="reviewer"), ...],
                      state_field="state", states=FilingState, log=_filing_event)
    event = FILING.move(filing, "accept", actor=by, comment=comment, version=version)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.core.errors import Conflict, check_version
from tuoyu.core.signals import request_audit

Guard = Callable[[Any, Any], None]
_workflows: dict[str, Workflow] = {}


def workflows() -> list[Workflow]:
    """Every workflow declared so far (each registers itself by name: the audit's list of actions reads it)."""
    return list(_workflows.values())


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    by: str = (
        ""  # who takes it, in the app's words ("institution", "reviewer"); "" for anyone the service lets
    )
    guard: Guard | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))


@dataclass(frozen=True)
class Move:
    """One step taken: what ``log`` records."""

    transition: Transition
    before: str
    after: str
    actor: Any
    at: dt.datetime
    comment: str


class Workflow:
    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition],
        *,
        log: Callable[[Any, Move], Any],
        state_field: str = "status",
        states: Any = None,  # the TextChoices of the states, for the refusal's label
        refusal: str = "",  # a msgid (gettext_noop) with %(state)s; default "当前状态“…”不能执行此操作。"
        stale_message: str | None = None,  # a msgid (gettext_noop) for a stale version
        audit: bool = True,
        audit_detail: Callable[[Any], dict[str, Any]] | None = None,
    ) -> None:
        self.name = name
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.name in self.transitions:
                raise ValueError(f"workflow {name!r}: two transitions named {t.name!r}")
            self.transitions[t.name] = t
        self.log = log
        self.state_field = state_field
        self.states = states
        self.refusal = refusal
        self.stale_message = stale_message
        self.audit = audit
        self.audit_detail = audit_detail
        if name in _workflows:
            raise ValueError(f"two workflows named {name!r}")
        _workflows[name] = self

    def __getitem__(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise ValueError(f"workflow {self.name!r} has no transition {name!r}") from None

    def allowed(self, state: str, *, by: str | None = None) -> list[str]:
        """The transitions that leave ``state`` (taken by ``by``, when given), in table order."""
        return [
            t.name for t in self.transitions.values() if state in t.sources and (by is None or t.by == by)
        ]

    def can(self, obj: Any, name: str) -> bool:
        return getattr(obj, self.state_field) in self[name].sources

    def _label(self, state: str) -> str:
        if self.states is not None and state in self.states.values:
            return str(self.states(state).label)
        return state

    def move(
        self, obj: Any, transition: str, actor: Any, comment: str = "", *, version: int | None = None
    ) -> Any:
        """Take ``transition`` on ``obj`` (see the module's steps); answers what ``log`` wrote."""
        t = self[transition]
        if version is not None:
            check_version(obj, version, message=_(self.stale_message) if self.stale_message else None)
        before = getattr(obj, self.state_field)
        if before not in t.sources:
            message = _(self.refusal) if self.refusal else _("当前状态“%(state)s”不能执行此操作。")
            label = self._label(before)
            raise Conflict("wrong_state", message % {"state": label, "status": label})
        if t.guard is not None:
            t.guard(obj, actor)
        setattr(obj, self.state_field, t.target)
        if version is not None:
            obj.version += 1
        move = Move(t, before, t.target, actor, timezone.now(), comment)
        entry = self.log(obj, move)
        if self.audit:
            after: dict[str, Any] = {self.state_field: t.target}
            if version is not None:
                after["version"] = obj.version
            detail = dict(self.audit_detail(obj)) if self.audit_detail else {}
            detail["comment"] = comment[:500]
            request_audit(
                f"{self.name}.{t.name}",
                obj=obj,
                actor=actor,
                before={self.state_field: before},
                after=after,
                detail=detail,
            )
        return entry
