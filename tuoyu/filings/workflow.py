"""The filing state machine (core.workflow): which action moves which state to which, and who may take it.
Each move is logged as a ``FilingEvent`` (the filing's timeline) and audited as ``filing.<action>``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from tuoyu.core.workflow import Move, Transition, Workflow
from tuoyu.filings.models import FilingEvent, FilingState
from tuoyu.filings.models import FilingState as S


def _timeline(filing: Any, move: Move) -> FilingEvent:
    return FilingEvent.objects.create(
        filing=filing,
        action=move.transition.name,
        from_state=move.before,
        to_state=move.after,
        actor=move.actor,
        comment=move.comment,
    )


FILING = Workflow(
    "filing",
    [
        Transition("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, by="institution"),
        Transition("return", {S.SUBMITTED}, S.RETURNED, by="reviewer"),
        Transition("accept", {S.SUBMITTED}, S.ACCEPTED, by="reviewer"),
        Transition("withdraw", {S.DRAFT, S.SUBMITTED, S.RETURNED}, S.WITHDRAWN, by="institution"),
    ],
    state_field="state",
    states=FilingState,
    log=_timeline,
    stale_message=gettext_noop("该备案已被他人处理或修改，请刷新后再操作。"),
)
TRANSITIONS = FILING.transitions


def allowed_actions(state: str, *, side: str) -> list[str]:
    return FILING.allowed(state, by=side)
