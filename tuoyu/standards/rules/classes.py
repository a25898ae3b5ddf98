"""Rules on classes (CLS-01…06): each class type's age band and size cap, mixed classes, the service's ages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuoyu.institutions.models import (
    ClassType,
)
from tuoyu.standards.parameters import HIGHER, LOWER, Param
from tuoyu.standards.rules.base import (
    BASIS_58,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    SEVERITY_FAIL,
    SEVERITY_WARN,
    WARN,
    Check,
    Context,
    Outcome,
    Rule,
    _no_children,
    _no_classes,
    _o,
    _sentences,
    _series,
)

# CLS-05's parameter for each class type is named by the type's value (children.policy reads them so).
CLASS_CAP_PARAM = {
    t: t.value for t in (ClassType.INFANT, ClassType.TODDLER, ClassType.OLDER_TODDLER, ClassType.MIXED)
}


def _cls05(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    classes = [c for c in ctx.active_classes if c.class_type in CLASS_CAP_PARAM]
    if not classes:
        return _o(NOT_APPLICABLE, _("尚未录入班级。"), _("请在“园舍与班级”中录入班级及计划班额。"))
    over = []
    for c in classes:
        cap = p[CLASS_CAP_PARAM[ClassType(c.class_type)]]
        label = {"c": c.name, "t": ClassType(c.class_type).label, "m": cap}
        if ctx.enrolled(c) > cap:
            over.append(_("%(c)s（%(t)s）在班%(n)s人，上限%(m)s人") % {**label, "n": ctx.enrolled(c)})
        elif c.planned_size > cap:
            over.append(_("%(c)s（%(t)s）计划班额%(n)s人，上限%(m)s人") % {**label, "n": c.planned_size})
    if over:
        return _o(FAIL, _sentences(over), _("降低计划班额或分班。"))
    return _o(
        PASS,
        _("%(k)s个班级的在班人数和计划班额均不超过上限（共在班%(n)s人）。")
        % {"k": len(classes), "n": sum(ctx.enrolled(c) for c in classes)},
    )


CLS_05 = Rule(
    "CLS-05",
    "班额上限",
    "Class size cap",
    f"{BASIS_58} 第19条",
    "secondary-consistent",
    SEVERITY_FAIL,
    _cls05,
    (
        Param("infant", 10, LOWER, gettext_noop("乳儿班（人）")),
        Param("toddler", 15, LOWER, gettext_noop("托小班（人）")),
        Param("older_toddler", 20, LOWER, gettext_noop("托大班（人）")),
        Param("mixed", 18, LOWER, gettext_noop("混龄班（人）")),
    ),
)


# 设置标准 art. 19: the completed months of age each class type is for, [from, to).
AGE_BANDS = {
    ClassType.INFANT: (6, 12),
    ClassType.TODDLER: (12, 24),
    ClassType.OLDER_TODDLER: (24, 36),
}


def _months(ages: list[int]) -> str:
    return _series(_("%(m)s月龄") % {"m": a} for a in ages)


def _age_band(class_type: ClassType) -> Check:
    """CLS-01…03: every child in a class of ``class_type`` is within its band on the day; a child may stay
    up to ``grace_months`` (local) past the band's end, having outgrown it during the term."""
    low, high = AGE_BANDS[class_type]

    def check(ctx: Context, p: Mapping[str, Any]) -> Outcome:
        kind = class_type.label
        classes = [c for c in ctx.active_classes if c.class_type == class_type]
        if not classes:
            return _o(NOT_APPLICABLE, _("未设%(t)s。") % {"t": kind})
        children = sum(ctx.enrolled(c) for c in classes)
        if not children:
            return _no_children()
        grace = int(p["grace_months"])
        band = {"lo": low, "hi": high}
        outside = []
        for c in classes:
            ages = [a for a in ctx.ages(c) if not low <= a < high + grace]
            if ages:
                outside.append(
                    _("%(c)s有%(n)s名幼儿不在%(lo)s–%(hi)s月龄（%(ages)s）")
                    % {"c": c.name, "n": len(ages), "ages": _months(ages), **band}
                )
        note = _("（本地允许超出%(g)s个月）") % {"g": grace} if grace else ""
        if outside:
            return _o(
                WARN,
                _sentences(outside) + note,
                _("核对幼儿的出生日期，将不在本班月龄段的幼儿转入相应班级。"),
            )
        return _o(
            PASS,
            _("%(t)s共%(n)s名在班幼儿，均在%(lo)s–%(hi)s月龄。") % {"t": kind, "n": children, **band} + note,
        )

    return check


CLS_01 = Rule(
    "CLS-01",
    "乳儿班收托6–12月龄婴幼儿",
    "Infant class holds children aged 6–12 months",
    f"{BASIS_58} 第19条",
    "secondary-consistent",
    SEVERITY_WARN,
    _age_band(ClassType.INFANT),
    (Param("grace_months", 0, LOWER, gettext_noop("超出月龄段的宽限（月，本地）")),),
    frozenset({"grace_months"}),
)


CLS_02 = Rule(
    "CLS-02",
    "托小班收托12–24月龄",
    "Toddler-small class: 12–24 months",
    f"{BASIS_58} 第19条",
    "secondary-consistent",
    SEVERITY_WARN,
    _age_band(ClassType.TODDLER),
    (Param("grace_months", 0, LOWER, gettext_noop("超出月龄段的宽限（月，本地）")),),
    frozenset({"grace_months"}),
)


CLS_03 = Rule(
    "CLS-03",
    "托大班收托24–36月龄",
    "Toddler-large class: 24–36 months",
    f"{BASIS_58} 第19条",
    "secondary-consistent",
    SEVERITY_WARN,
    _age_band(ClassType.OLDER_TODDLER),
    (Param("grace_months", 0, LOWER, gettext_noop("超出月龄段的宽限（月，本地）")),),
    frozenset({"grace_months"}),
)


def _cls04(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    classes = [c for c in ctx.active_classes if c.class_type == ClassType.MIXED]
    if not classes:
        return _o(NOT_APPLICABLE, _("未设%(t)s。") % {"t": ClassType.MIXED.label})
    children = sum(ctx.enrolled(c) for c in classes)
    if not children:
        return _no_children()
    low = int(p["min_months"])
    young = []
    for c in classes:
        ages = [a for a in ctx.ages(c) if a < low]
        if ages:
            young.append(
                _("%(c)s有%(n)s名幼儿不满%(m)s月龄（%(ages)s）")
                % {"c": c.name, "n": len(ages), "m": low, "ages": _months(ages)}
            )
    if young:
        return _o(
            FAIL,
            _sentences(young),
            _("混龄班只收%(m)s月龄及以上的幼儿：将不满%(m)s月龄的幼儿转入乳儿班或托小班。") % {"m": low},
        )
    return _o(PASS, _("混龄班共%(n)s名在班幼儿，均已满%(m)s月龄。") % {"n": children, "m": low})


CLS_04 = Rule(
    "CLS-04",
    "混合编班仅限18月龄以上",
    "Mixed-age class only for children ≥ 18 months",
    f"{BASIS_58} 第19条",
    "secondary-consistent",
    SEVERITY_FAIL,
    _cls04,
    (Param("min_months", 18, HIGHER, gettext_noop("混龄班最小月龄")),),
)


def _cls06(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    classes = ctx.active_classes
    if not classes:
        return _no_classes()
    children = ctx.enrolled_total
    if not children:
        return _no_children()
    low, high = int(p["min_months"]), int(p["max_months"])
    outside = []
    for c in classes:
        ages = [a for a in ctx.ages(c) if not low <= a < high]
        if ages:
            outside.append(
                _("%(c)s有%(n)s名幼儿不满%(lo)s月龄或已满%(hi)s月龄（%(ages)s）")
                % {"c": c.name, "n": len(ages), "lo": low, "hi": high, "ages": _months(ages)}
            )
    if outside:
        return _o(
            WARN,
            _sentences(outside),
            _("按本地规定确认能否收托；已满%(hi)s月龄的幼儿宜转入幼儿园。") % {"hi": high},
        )
    return _o(PASS, _("%(n)s名在班幼儿均在%(lo)s–%(hi)s月龄。") % {"n": children, "lo": low, "hi": high})


CLS_06 = Rule(
    "CLS-06",
    "不满6月龄/满36月龄提示",
    "Child under 6 months or 36 months and over",
    f"{BASIS_58} 适用范围",
    "secondary",
    SEVERITY_WARN,
    _cls06,
    (
        Param("min_months", 6, HIGHER, gettext_noop("最小月龄（本地）")),
        Param("max_months", 36, LOWER, gettext_noop("月龄上限（不含，本地）")),
    ),
    frozenset({"min_months", "max_months"}),
)
