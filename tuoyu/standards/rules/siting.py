"""Rules on the premises (SIT-01…06): tenure or lease, floors, activity area, daylight, the observation room,
outdoor space."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuoyu.core.dates import add_years
from tuoyu.institutions.models import (
    ClassType,
    InstitutionKind,
    PremisesTenure,
    RoomUse,
)
from tuoyu.standards.parameters import HIGHER, LOWER, Param
from tuoyu.standards.rules.base import (
    BASIS_58,
    BASIS_HEALTH,
    BASIS_WST821,
    BLOCK,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    SEVERITY_FAIL,
    SEVERITY_WARN,
    WARN,
    Context,
    Outcome,
    Rule,
    _centres_only,
    _m2,
    _names,
    _no_rooms,
    _o,
    _sentences,
    _series,
)


def _sit01(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    inst = ctx.institution
    if not inst.premises_tenure:
        return _o(NOT_APPLICABLE, _("尚未填写场地性质。"), _("请在备案书“场地”部分填写场地为自有或租赁。"))
    if inst.premises_tenure == PremisesTenure.OWN:
        return _o(PASS, _("场地为自有产权。"))
    if not inst.lease_start or not inst.lease_end:
        return _o(NOT_APPLICABLE, _("场地为租赁，但未填写租赁起止日期。"), _("请填写租赁起始日和到期日。"))
    years = int(p["min_lease_years"])
    span = _("租期%(s)s至%(e)s") % {"s": inst.lease_start.isoformat(), "e": inst.lease_end.isoformat()}
    if inst.lease_end < add_years(inst.lease_start, years):
        return _o(
            FAIL,
            _("%(span)s，共%(d)s天，不足%(y)s年。")
            % {"span": span, "d": (inst.lease_end - inst.lease_start).days, "y": years},
            _("续签租期不少于%(y)s年的租赁合同，并办理变更备案。") % {"y": years},
        )
    if inst.lease_end < ctx.on:
        return _o(FAIL, _("%(span)s，租赁已到期。") % {"span": span}, _("续签租赁合同并办理变更备案。"))
    left = (inst.lease_end - ctx.on).days
    if left <= p["warn_days_before_end"]:
        return _o(
            WARN,
            _("%(span)s，距到期还有%(d)s天。") % {"span": span, "d": left},
            _("尽早续签租赁合同，续签后办理变更备案。"),
        )
    return _o(PASS, _("%(span)s，不少于%(y)s年。") % {"span": span, "y": years})


SIT_01 = Rule(
    "SIT-01",
    "场地产权或租期",
    "Own premises, or lease ≥ 3 years",
    f"{BASIS_58} 第11条",
    "secondary-consistent",
    BLOCK,
    _sit01,
    (
        Param("min_lease_years", 3, HIGHER, gettext_noop("最短租期（年）")),
        Param("warn_days_before_end", 60, HIGHER, gettext_noop("到期前提醒天数")),
    ),
)


def _sit06(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    area = ctx.institution.outdoor_area_m2
    if ctx.institution.uses_public_outdoor_space and not area:
        return _o(PASS, _("利用周边安全的公共场地开展户外活动。"))
    if area is None:
        return _o(NOT_APPLICABLE, _("尚未填写室外活动面积。"), _("请在备案书“场地”部分填写室外活动面积。"))
    if area <= 0:
        return _o(
            FAIL,
            _("室外活动面积为0㎡。"),
            _("设置室外活动场地，或经评估安全后就近使用公共场地，并更新备案信息。"),
        )
    per_child = Decimal(str(p["per_child_m2"]))
    capacity = ctx.institution.capacity
    if per_child > 0 and capacity and not ctx.institution.uses_public_outdoor_space:
        needed = per_child * capacity
        if area < needed:
            return _o(
                FAIL,
                _("室外活动面积%(a)s㎡，托位%(c)s个，本地要求每托位%(p)s㎡，应不少于%(n)s㎡。")
                % {"a": _m2(area), "c": capacity, "p": _m2(per_child), "n": _m2(needed)},
                _("扩大室外活动场地或减少托位数。"),
            )
    return _o(PASS, _("室外活动面积%(a)s㎡。") % {"a": _m2(area)})


SIT_06 = Rule(
    "SIT-06",
    "户外活动场地",
    "Outdoor play area exists",
    BASIS_58,
    "secondary",
    SEVERITY_FAIL,
    _sit06,
    (Param("per_child_m2", 0, HIGHER, gettext_noop("每托位室外面积（㎡，本地）")),),
    frozenset({"per_child_m2"}),
)


def _sit02(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    rooms = ctx.children_rooms
    if not rooms:
        return _no_rooms()
    top = int(p["max_floor"])
    high = [r for r in rooms if r.floor > top]
    low = [r for r in rooms if r.below_ground or r.floor < 1]
    if high or low:
        parts = []
        if high:
            parts.append(
                _("%(r)s在%(f)s层，高于%(n)s层")
                % {"r": _names(high), "f": max(r.floor for r in high), "n": top}
            )
        if low:
            parts.append(_("%(r)s在地下或半地下") % {"r": _names(low)})
        return _o(
            FAIL,
            _sentences(parts),
            _("将婴幼儿生活用房调整到地上%(n)s层及以下。") % {"n": top},
        )
    return _o(
        PASS,
        _("%(k)s间婴幼儿用房均在地上%(lo)s至%(hi)s层。")
        % {"k": len(rooms), "lo": min(r.floor for r in rooms), "hi": max(r.floor for r in rooms)},
    )


SIT_02 = Rule(
    "SIT-02",
    "生活用房楼层",
    "Children's rooms on the 3rd floor or lower, none below ground",
    f"{BASIS_WST821}；{BASIS_HEALTH}",
    "verified",
    SEVERITY_FAIL,
    _sit02,
    (Param("max_floor", 3, LOWER, gettext_noop("最高楼层")),),
)


def _sit03(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    classes = [c for c in ctx.active_classes if c.class_type != ClassType.HOME_GROUP]
    if not classes:
        return _o(NOT_APPLICABLE, _("尚未录入班级。"), _("请在“园舍与班级”中录入班级及其活动室。"))
    minimum = {
        ClassType.INFANT: Decimal(str(p["infant_m2"])),
        ClassType.TODDLER: Decimal(str(p["toddler_m2"])),
        ClassType.OLDER_TODDLER: Decimal(str(p["toddler_m2"])),
        ClassType.MIXED: Decimal(str(p["toddler_m2"])),
    }
    per_child = Decimal(str(p["per_child_m2"]))
    short, unknown, ok = [], [], 0
    for c in classes:
        room = ctx.room(c.room_id)
        if room is None:
            unknown.append(c.name)
            continue
        needed = max(minimum[ClassType(c.class_type)], per_child * c.planned_size)
        if room.floor_area_m2 < needed:
            short.append(
                _("%(c)s（%(t)s）活动室%(a)s㎡，应不少于%(n)s㎡")
                % {
                    "c": c.name,
                    "t": ClassType(c.class_type).label,
                    "a": _m2(room.floor_area_m2),
                    "n": _m2(needed),
                }
            )
        else:
            ok += 1
    if short:
        return _o(WARN, _sentences(short), _("为班级调换更大的活动室，或缩小班额。"))
    if unknown:
        return _o(
            NOT_APPLICABLE,
            _("班级%(c)s未指定活动室。") % {"c": _series(unknown)},
            _("请为每个班级指定活动室。"),
        )
    return _o(PASS, _("%(k)s个班级的活动室面积均达标。") % {"k": ok})


SIT_03 = Rule(
    "SIT-03",
    "活动区面积",
    "Activity area per class",
    BASIS_WST821,
    "verified",
    SEVERITY_WARN,
    _sit03,
    (
        Param("infant_m2", 15, HIGHER, gettext_noop("乳儿班活动室（㎡）")),
        Param("toddler_m2", 35, HIGHER, gettext_noop("托小班、托大班、混龄班活动室（㎡）")),
        Param("per_child_m2", 0, HIGHER, gettext_noop("按计划班额每人面积（㎡，本地）")),
    ),
    frozenset({"per_child_m2"}),
)


def _sit04(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    rooms = ctx.children_rooms
    if not rooms:
        return _no_rooms()
    ratio = Decimal(str(p["min_ratio"]))
    low = [r for r in rooms if r.window_area_m2 < r.floor_area_m2 * ratio]
    if low:
        detail = _("；").join(
            _("%(r)s窗地比%(x)s") % {"r": r.name, "x": f"{r.window_area_m2 / r.floor_area_m2:.2f}"}
            for r in low[:10]
        )
        return _o(
            WARN,
            _("%(d)s，低于%(n)s。") % {"d": detail, "n": f"{ratio:.2f}"},
            _("扩大窗洞口面积，使窗地面积比不低于%(n)s。") % {"n": f"{ratio:.2f}"},
        )
    worst = min(r.window_area_m2 / r.floor_area_m2 for r in rooms)
    return _o(PASS, _("%(k)s间婴幼儿用房窗地比最低%(x)s。") % {"k": len(rooms), "x": f"{worst:.2f}"})


SIT_04 = Rule(
    "SIT-04",
    "采光窗地比",
    "Window opening ≥ 20% of floor area",
    f"{BASIS_WST821}；{BASIS_HEALTH}",
    "verified",
    SEVERITY_WARN,
    _sit04,
    (Param("min_ratio", 0.20, HIGHER, gettext_noop("最低窗地比")),),
)


def _sit05(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    if ctx.institution.kind == InstitutionKind.HOME_POINT:
        return _centres_only()
    if not ctx.rooms:
        return _no_rooms()
    area, beds = Decimal(str(p["min_area_m2"])), int(p["min_beds"])
    observation = [r for r in ctx.rooms if r.use == RoomUse.OBSERVATION]
    if not observation:
        return _o(
            FAIL,
            _("未设保健观察室。"),
            _("设置不小于%(a)s㎡、至少%(b)s张观察床的保健观察室，并录入房间信息。")
            % {"a": _m2(area), "b": beds},
        )
    good = [r for r in observation if r.floor_area_m2 >= area and r.beds >= beds]
    if good:
        r = good[0]
        return _o(
            PASS,
            _("保健观察室%(r)s面积%(a)s㎡，观察床%(b)s张。")
            % {"r": r.name, "a": _m2(r.floor_area_m2), "b": r.beds},
        )
    r = max(observation, key=lambda x: (x.floor_area_m2, x.beds))
    return _o(
        FAIL,
        _("保健观察室%(r)s面积%(a)s㎡、观察床%(b)s张，须不小于%(n)s㎡且至少%(m)s张。")
        % {"r": r.name, "a": _m2(r.floor_area_m2), "b": r.beds, "n": _m2(area), "m": beds},
        _("扩大保健观察室或增加观察床。"),
    )


SIT_05 = Rule(
    "SIT-05",
    "保健观察室",
    "Health observation room ≥ 6 m² with ≥ 1 bed",
    BASIS_HEALTH,
    "verified",
    BLOCK,
    _sit05,
    (
        Param("min_area_m2", 6, HIGHER, gettext_noop("最小面积（㎡）")),
        Param("min_beds", 1, HIGHER, gettext_noop("最少观察床（张）")),
    ),
)
