"""Rules on the ban list (BAN-01): nobody under a lifetime ban works here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from tuoyu.standards.rules.base import (
    BASIS_BAN,
    BLOCK,
    FAIL,
    PASS,
    Context,
    Outcome,
    Rule,
    _no_staff,
    _o,
)


def _ban01(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    """A banned person works here (an open employed-match alert of a ban in force, the person still employed).
    The evidence is seen by the institution: it gives the number of people only — no name, reason or
    decision, as when a hire is refused."""
    from tuoyu.bans.services import employed_matches

    if not ctx.employments:
        return _no_staff()
    matches = employed_matches(ctx.ban_alerts, (e.person.id_index for e in ctx.employments))
    if matches:
        people = len({a.ban.id_index for a in matches})
        return _o(
            FAIL,
            _("%(n)s名在职人员不得从事托育服务，请联系卫生健康部门。") % {"n": people},
            _("请联系卫生健康部门，按其要求处理。"),
        )
    return _o(PASS, _("%(n)s名在职人员均未匹配终身禁入名单。") % {"n": len(ctx.employments)})


BAN_01 = Rule(
    "BAN-01",
    "在职人员无终身禁入",
    "No staff member under a lifetime ban",
    BASIS_BAN,
    "verified",
    BLOCK,
    _ban01,
)
