"""The filing and notice state machines (core.workflow): which action moves which state to which, and who
may take it. A filing's move is logged as a ``FilingEvent`` (the filing's timeline) and audited as
``filing.<action>``; a notice's is recorded on the notice itself (who responded or closed, when) and audited as
``notice.<action>``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from tuoyu.core.workflow import Move, Transition, Workflow
from tuoyu.filings.models import FilingEvent, FilingState, NoticeStatus
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


def _notice_step(notice: Any, move: Move) -> None:
    """A notice keeps its history on itself: the latest response (updated until closed) and the closing."""
    if move.transition.name == "respond":
        notice.responded_at, notice.responded_by = move.at, move.actor
    else:
        notice.closed_at, notice.closed_by = move.at, move.actor


N = NoticeStatus
NOTICE = Workflow(
    "notice",
    [
        # The institution reports how it rectified (整改情况), and may correct its report until the notice closes.
        Transition("respond", {N.ISSUED, N.RESPONDED}, N.RESPONDED, by="institution"),
        Transition("close", {N.ISSUED, N.RESPONDED}, N.CLOSED, by="reviewer"),
    ],
    state_field="status",
    states=NoticeStatus,
    log=_notice_step,
    refusal=gettext_noop("该通知已办结。"),
    stale_message=gettext_noop("该通知已被他人处理或修改，请刷新后再操作。"),
)
