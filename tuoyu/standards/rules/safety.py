"""Rules on safety (SAF-01, SAF-02): CCTV retention and coverage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuoyu.standards.parameters import HIGHER, Param
from tuoyu.standards.rules.base import (
    BASIS_MGMT,
    BASIS_WST821,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    SEVERITY_FAIL,
    Context,
    Outcome,
    Rule,
    _names,
    _no_rooms,
    _o,
)


def _saf01(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    inst = ctx.institution
    days = inst.recording_retention_days
    if days is None:
        return _o(
            NOT_APPLICABLE, _("尚未填写录像保存天数。"), _("请在备案书“视频监控”部分填写录像保存天数。")
        )
    source = _("（依据机构自行承诺的录像保存天数，尚未经现场核验）")
    if days < p["min_days"]:
        return _o(
            FAIL,
            _("录像保存%(d)s天，少于%(n)s天%(s)s。") % {"d": days, "n": p["min_days"], "s": source},
            _("扩容录像存储，使录像保存不少于%(n)s天。") % {"n": p["min_days"]},
        )
    return _o(PASS, _("录像保存%(d)s天%(s)s。") % {"d": days, "s": source})


SAF_01 = Rule(
    "SAF-01",
    "监控录像保存≥90天",
    "CCTV retention ≥ 90 days",
    f"{BASIS_MGMT} 第32条；{BASIS_WST821}",
    "verified",
    SEVERITY_FAIL,
    _saf01,
    (Param("min_days", 90, HIGHER, gettext_noop("最少保存天数")),),
)


def _saf02(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    rooms = ctx.children_rooms
    inst = ctx.institution
    if not rooms:
        if inst.surveillance_attested and not inst.cameras_cover_children_areas:
            return _o(
                FAIL,
                _("机构自报视频监控未覆盖婴幼儿生活和活动区域。"),
                _("为每间婴幼儿用房安装摄像头，并录入房间信息。"),
            )
        return _no_rooms()
    bare = [r for r in rooms if r.camera_count < 1]
    if bare:
        return _o(
            FAIL,
            _("%(r)s没有摄像头（共%(k)s间婴幼儿用房）。") % {"r": _names(bare), "k": len(rooms)},
            _("为每间婴幼儿生活和活动用房安装摄像头，全天设防。"),
        )
    return _o(PASS, _("%(k)s间婴幼儿用房均有摄像头覆盖。") % {"k": len(rooms)})


SAF_02 = Rule(
    "SAF-02",
    "监控全覆盖",
    "Every children's room covered by a camera",
    f"{BASIS_MGMT} 第32条；{BASIS_WST821}",
    "verified",
    SEVERITY_FAIL,
    _saf02,
)
