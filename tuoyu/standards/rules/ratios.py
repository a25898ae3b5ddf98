"""Rules on ratios (RAT-01, RAT-02): caregivers per child, a home point's group size."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuoyu.institutions.models import (
    ClassType,
    InstitutionKind,
)
from tuoyu.standards.parameters import LOWER, Param
from tuoyu.standards.rules.base import (
    BASIS_58,
    BASIS_HOME,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    SEVERITY_FAIL,
    Context,
    Outcome,
    Rule,
    _m2,
    _no_children,
    _no_classes,
    _o,
    _sentences,
)
from tuoyu.standards.rules.classes import CLASS_CAP_PARAM


def _rat02(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    """A home point's capacity, its children enrolled on the day and its carers. A home point has one care
    group, so every active employment with the caregiver post counts as a carer (no class assignment needed)."""
    from tuoyu.staff.models import StaffRole

    inst = ctx.institution
    if inst.kind != InstitutionKind.HOME_POINT:
        return _o(NOT_APPLICABLE, _("仅适用于家庭托育点。"))
    enrolled = ctx.enrolled_total
    if inst.capacity is None and not enrolled:
        return _o(NOT_APPLICABLE, _("尚未填写托位数。"), _("请在备案书中填写托位数。"))
    cap, per = int(p["max_children"]), p["children_per_carer"]
    carers = len(ctx.staff_with(StaffRole.CAREGIVER))
    needed = math.ceil(enrolled / max(per, 1))
    problems = []
    if inst.capacity is not None and inst.capacity > cap:
        problems.append(_("托位%(c)s个，超过%(n)s个") % {"c": inst.capacity, "n": cap})
    if enrolled > cap:
        problems.append(_("在托%(e)s人，超过%(n)s人") % {"e": enrolled, "n": cap})
    if carers < needed:
        problems.append(
            _("在托%(e)s人，看护人员%(k)s名，应不少于%(m)s名") % {"e": enrolled, "k": carers, "m": needed}
        )
    if problems:
        return _o(
            FAIL,
            _("家庭托育点%(p)s") % {"p": _sentences(problems)},
            _(
                "将托位和在托人数减至%(n)s人以内，按每%(per)s名幼儿至少1名看护人员配备并录入；或按托育机构办理登记和备案。"
            )
            % {"n": cap, "per": _m2(per)},
        )
    capacity = inst.capacity if inst.capacity is not None else _("未填写")
    return _o(
        PASS,
        _("家庭托育点托位%(c)s个，在托%(e)s人，看护人员%(k)s名：不超过%(n)s人，每名看护人员不超过%(per)s人。")
        % {"c": capacity, "e": enrolled, "k": carers, "n": cap, "per": _m2(per)},
    )


RAT_02 = Rule(
    "RAT-02",
    "家庭托育点看护比与规模",
    "Home childcare point: ≤ 5 children, ≤ 3 per carer",
    BASIS_HOME,
    "verified",
    SEVERITY_FAIL,
    _rat02,
    (
        Param("max_children", 5, LOWER, gettext_noop("最多收托人数")),
        Param("children_per_carer", 3, LOWER, gettext_noop("每名看护人员最多看护（人）")),
    ),
)


def _rat01(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    """Caregivers assigned to each class on the day against its children enrolled on the day (the standard
    speaks of children present and caregivers on duty; the register holds enrolments and assignments)."""
    classes = [c for c in ctx.active_classes if c.class_type in CLASS_CAP_PARAM]
    if not classes:
        return _no_classes()
    with_children = [c for c in classes if ctx.enrolled(c)]  # an empty class needs no caregiver
    if not with_children:
        return _no_children()
    part_time = Decimal(str(p["part_time_share"]))
    short = []
    for c in with_children:
        n, per = ctx.enrolled(c), p[CLASS_CAP_PARAM[ClassType(c.class_type)]]
        needed, have = math.ceil(n / max(per, 1)), ctx.caregiver_share(c, part_time=part_time)
        if have < needed:
            short.append(
                _("%(c)s（%(t)s）在班%(n)s人，保育人员折合%(k)s名，应不少于%(m)s名（1:%(r)s）")
                % {
                    "c": c.name,
                    "t": ClassType(c.class_type).label,
                    "n": n,
                    "k": _m2(have.quantize(Decimal("0.01"))),
                    "m": needed,
                    "r": _m2(per),
                }
            )
    if short:
        return _o(
            FAIL,
            _sentences(short),
            _("为上述班级增配保育人员并在“工作人员”中安排带班，或调整班级人数。"),
        )
    return _o(
        PASS,
        _("%(k)s个有在班幼儿的班级保育人员配比均达标（共在班%(n)s人）。")
        % {"k": len(with_children), "n": sum(ctx.enrolled(c) for c in with_children)},
    )


RAT_01 = Rule(
    "RAT-01",
    "保育人员配比",
    "Caregiver:child ratio per class",
    f"{BASIS_58} 第20条",
    "secondary-consistent",
    SEVERITY_FAIL,
    _rat01,
    (
        Param("infant", 3, LOWER, gettext_noop("乳儿班每名保育人员最多（人）")),
        Param("toddler", 5, LOWER, gettext_noop("托小班每名保育人员最多（人）")),
        Param("older_toddler", 7, LOWER, gettext_noop("托大班每名保育人员最多（人）")),
        Param("mixed", 5, LOWER, gettext_noop("混龄班每名保育人员最多（人，本地）")),
        # The standards say nothing of part-time caregivers; until attendance records hours on duty, a
        # part-timer counts as this share of a full-timer (a local choice, default one half).
        Param("part_time_share", 0.5, LOWER, gettext_noop("兼职保育人员折合专职的比例（本地）")),
    ),
    frozenset({"mixed", "part_time_share"}),
)
