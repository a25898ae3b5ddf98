"""The filing state machine: which action moves which state to which, and who may take it."""

from __future__ import annotations

from dataclasses import dataclass

from tuoyu.filings.models import FilingState as S


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    by: str  # "institution" or "reviewer"


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "institution"),
        Transition("return", frozenset({S.SUBMITTED}), S.RETURNED, "reviewer"),
        Transition("accept", frozenset({S.SUBMITTED}), S.ACCEPTED, "reviewer"),
        Transition("withdraw", frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}), S.WITHDRAWN, "institution"),
    ]
}


def allowed_actions(state: str, *, side: str) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if state in t.sources and t.by == side]
