"""The compliance rule catalogue (合规规则目录): each machine-checkable rule of the national standards as data
(id, titles, basis, confidence, severity, parameters) plus one ``check`` function.

A rule reads only the ``Context`` (an institution with its rooms, classes and accepted filings already
loaded) and returns an ``Outcome``: pass, fail, warn or not applicable — never a pass when its inputs are
missing. Parameters carry national defaults; a city may override them in ``TUOYU_STANDARDS_OVERRIDES``:
a parameter named in ``local_params`` freely, any other only in its stricter direction.

Adding a rule: write ``def _check_xxx(ctx, params) -> Outcome``, load what it needs in ``engine.loaded`` (one
prefetch, so the query count stays fixed), and append a ``Rule`` to ``RULES``. Evidence that lists several
findings goes through ``_sentences`` (translatable separators), a list of names or ages through ``_series``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuoyu.core.dates import add_years
from tuoyu.institutions.models import (
    AUTHORITY_FOR_LEGAL_PERSON,
    CHILDREN_ROOM_USES,
    CareClass,
    ClassType,
    Education,
    Institution,
    InstitutionKind,
    LegalPersonKind,
    PremisesTenure,
    RegistrationAuthority,
    Room,
    RoomUse,
    SettingMode,
)

PASS, FAIL, WARN, NOT_APPLICABLE = "pass", "fail", "warn", "not_applicable"
STATUSES = (FAIL, WARN, NOT_APPLICABLE, PASS)  # the order a page shows them in
BLOCK, SEVERITY_FAIL, SEVERITY_WARN = "block", "fail", "warn"
# Risk score = Σ weight of every non-passing outcome's severity (not-applicable counts nothing).
SEVERITY_WEIGHTS = {BLOCK: 10, SEVERITY_FAIL: 5, SEVERITY_WARN: 1}
HIGHER, LOWER = "higher", "lower"  # which direction of a parameter is stricter


@dataclass(frozen=True)
class Param:
    name: str
    default: int | float
    stricter: str  # HIGHER: a larger value is stricter; LOWER: a smaller one
    label: str  # a Chinese msgid marked with gettext_noop: the API gives it as is, the pages translate it


@dataclass(frozen=True)
class Outcome:
    rule_id: str
    status: str
    evidence: str
    fix: str = ""
    severity: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "rule_id": self.rule_id,
            "status": self.status,
            "evidence": self.evidence,
            "fix": self.fix,
            "severity": self.severity,
        }


@dataclass
class Context:
    """What the rules read: the institution with ``rooms``, ``classes`` and the accepted initial filing."""

    institution: Institution
    rooms: list[Room]
    classes: list[CareClass]
    accepted_initial: Any  # filings.Filing with prefetched ``materials``, or None
    on: dt.date
    # staff.Employment (active), each with ``person`` and its health certificates, background checks,
    # certificates and training records
    employments: list[Any] = field(default_factory=list)
    # bans.BanAlert: the institution's employed-match alerts whose ban is in force (bans.open_match_alerts)
    ban_alerts: list[Any] = field(default_factory=list)
    _classes_per_employment: dict[int, int] | None = field(default=None, repr=False)

    def enrolments(self, care_class: CareClass) -> list[Any]:
        """The class's children.Enrollment rows on the evaluation day (prefetched by the engine with the child)."""
        return [e for e in getattr(care_class, "standard_enrollments", []) if e.active_on(self.on)]

    def enrolled(self, care_class: CareClass) -> int:
        """Children in the class on the evaluation day."""
        return len(self.enrolments(care_class))

    @property
    def enrolled_total(self) -> int:
        return sum(self.enrolled(c) for c in self.active_classes)

    def ages(self, care_class: CareClass) -> list[int]:
        """The completed months of age of the class's children on the evaluation day, youngest first."""
        from tuoyu.children.models import age_in_months

        births = [e.child.birth_date for e in self.enrolments(care_class)]
        return sorted(age_in_months(b, self.on) if b <= self.on else 0 for b in births)

    def _caregiver_assignments(self, care_class: CareClass) -> set[Any]:
        """The caregivers' (保育人员) active employments assigned to the class on the evaluation day: the
        assignment has started and not ended (an assignment ending on a day no longer counts that day, like an
        enrolment)."""
        from tuoyu.staff.models import StaffRole

        return {
            a.employment
            for a in getattr(care_class, "standard_assignments", [])
            if a.start_date <= self.on
            and (a.end_date is None or a.end_date > self.on)
            and a.employment.end_date is None
            and StaffRole.CAREGIVER in a.employment.roles
        }

    def caregivers(self, care_class: CareClass) -> int:
        """How many caregivers are assigned to the class on the evaluation day (heads, not shares)."""
        return len(self._caregiver_assignments(care_class))

    def caregiver_share(self, care_class: CareClass, *, part_time: Decimal) -> Decimal:
        """The caregivers the class has on the day, each counted once across the institution: one assigned to
        k classes gives each 1/k, and a part-timer counts ``part_time`` of a full-timer."""
        if self._classes_per_employment is None:
            counts: dict[int, int] = {}
            for c in self.active_classes:
                for e in self._caregiver_assignments(c):
                    counts[e.pk] = counts.get(e.pk, 0) + 1
            self._classes_per_employment = counts
        return sum(
            (
                (Decimal(1) if e.full_time else part_time) / self._classes_per_employment[e.pk]
                for e in self._caregiver_assignments(care_class)
            ),
            Decimal(0),
        )

    def staff_with(self, role: str) -> list[Any]:
        """Active employments holding the post ``role`` (a staff.StaffRole value)."""
        return [e for e in self.employments if role in (e.roles or [])]

    @property
    def children_rooms(self) -> list[Room]:
        return [r for r in self.rooms if r.use in CHILDREN_ROOM_USES]

    @property
    def active_classes(self) -> list[CareClass]:
        return [c for c in self.classes if c.closed_on is None or c.closed_on > self.on]

    def room(self, room_id: int | None) -> Room | None:
        return next((r for r in self.rooms if r.pk == room_id), None)


Check = Callable[[Context, Mapping[str, Any]], Outcome]


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    basis: str
    confidence: str
    severity: str
    check_fn: Check
    params: tuple[Param, ...] = ()
    local_params: frozenset[str] = field(default_factory=frozenset)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def check(self, ctx: Context, params: Mapping[str, Any]) -> Outcome:
        outcome = self.check_fn(ctx, params)
        # A warning weighs as a warning even under a block or fail rule; a failure weighs the rule's severity.
        severity = {FAIL: self.severity, WARN: SEVERITY_WARN}.get(outcome.status, "")
        return Outcome(outcome.rule_id or self.id, outcome.status, outcome.evidence, outcome.fix, severity)


def _o(status: str, evidence: str, fix: str = "") -> Outcome:
    return Outcome("", status, evidence, fix)


def _m2(value: Any) -> str:
    return f"{Decimal(value).normalize():f}"


def _sentences(parts: Any) -> str:
    """Several findings as one piece of evidence: joined by a translatable "；" and closed by "。"."""
    return _("；").join(str(p) for p in parts) + _("。")


def _series(items: Any, *, limit: int = 10) -> str:
    """Names or values in a row, joined by a translatable "、"; beyond ``limit`` they end in "等"."""
    items = [str(i) for i in items]
    return _("、").join(items[:limit]) + (_("等") if len(items) > limit else "")


# --- rules on the institution's 备案书 facts -------------------------------------------------------------

EDUCATION_OK = {Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.POSTGRADUATE}


def _stf01(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    inst = ctx.institution
    if not inst.director_education or inst.director_management_years is None:
        return _o(
            NOT_APPLICABLE,
            _("尚未填写负责人学历或管理经验。"),
            _("请在备案书“负责人”部分填写负责人学历、管理经验年数和岗位培训证书编号。"),
        )
    education = Education(inst.director_education).label
    years = inst.director_management_years
    problems = []
    if inst.director_education not in EDUCATION_OK:
        problems.append(_("学历为%(e)s，须大专及以上") % {"e": education})
    if years < p["min_management_years"]:
        problems.append(_("管理经验%(y)s年，须不少于%(n)s年") % {"y": years, "n": p["min_management_years"]})
    if not inst.director_training_certificate.strip():
        problems.append(_("未填写负责人岗位培训证书"))
    if problems:
        return _o(
            FAIL,
            _("负责人%(list)s") % {"list": _sentences(problems)},
            _("更换符合条件的负责人，或补齐学历、管理经验和岗位培训证明后办理变更备案。"),
        )
    return _o(
        PASS,
        _("负责人学历%(e)s，管理经验%(y)s年，岗位培训证书%(c)s。")
        % {"e": education, "y": years, "c": inst.director_training_certificate},
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


def _fil02(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    inst = ctx.institution
    if not inst.registration_authority:
        return _o(NOT_APPLICABLE, _("尚无登记机关信息。"), _("请登记机关推送或补录登记信息。"))
    kind = LegalPersonKind(inst.legal_person_kind)
    expected = AUTHORITY_FOR_LEGAL_PERSON[kind]
    actual = RegistrationAuthority(inst.registration_authority)
    if actual != expected:
        return _o(
            FAIL,
            _("%(kind)s由%(actual)s登记，应由%(expected)s登记。")
            % {"kind": kind.label, "actual": actual.label, "expected": expected.label},
            _("到%(expected)s办理登记，或更正登记信息。") % {"expected": expected.label},
        )
    return _o(PASS, _("%(kind)s由%(actual)s登记。") % {"kind": kind.label, "actual": actual.label})


def _fil03(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    from tuoyu.institutions.services import RegistrationData, registration_problems

    inst = ctx.institution
    if not inst.business_scope.strip():
        return _o(NOT_APPLICABLE, _("尚无经营（业务）范围信息。"), _("请登记机关推送或补录登记信息。"))
    data = RegistrationData(
        name=inst.name,
        uscc=inst.uscc,
        kind=inst.kind,
        legal_person_kind=inst.legal_person_kind,
        is_for_profit=inst.is_for_profit,
        authority=inst.registration_authority or "",
        registration_date=inst.registration_date or ctx.on,
        business_scope=inst.business_scope,
        legal_rep_name=inst.legal_rep_name,
        legal_rep_id_number="",
        address=inst.address,
        region=inst.region,
    )
    problems = [message for _field, code, message in registration_problems(data) if code == "FIL-03"]
    if problems:
        return _o(
            FAIL,
            _("经营（业务）范围为“%(s)s”。%(p)s") % {"s": inst.business_scope[:100], "p": problems[0]},
            _("到登记机关变更经营（业务）范围。"),
        )
    return _o(PASS, _("经营（业务）范围为“%(s)s”。") % {"s": inst.business_scope[:100]})


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


# --- rules on rooms and classes --------------------------------------------------------------------------


def _no_rooms() -> Outcome:
    return _o(
        NOT_APPLICABLE,
        _("尚未录入房间。"),
        _("请在“园舍与班级”中录入各房间的楼层、面积、窗洞口面积、摄像头和床位。"),
    )


def _names(rooms: list[Any]) -> str:
    return _series(r.name for r in rooms)


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


def _centres_only() -> Outcome:
    """Rules of the setting standards and the health assessment that do not bind a home childcare point (家庭托育点,
    under its own 管理办法: a home, an operator and carers)."""
    return _o(NOT_APPLICABLE, _("仅适用于托育机构（家庭托育点除外）。"))


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


# 设置标准 art. 19: the completed months of age each class type is for, [from, to).
AGE_BANDS = {
    ClassType.INFANT: (6, 12),
    ClassType.TODDLER: (12, 24),
    ClassType.OLDER_TODDLER: (24, 36),
}


def _months(ages: list[int]) -> str:
    return _series(_("%(m)s月龄") % {"m": a} for a in ages)


def _no_classes() -> Outcome:
    return _o(NOT_APPLICABLE, _("尚未录入班级。"), _("请在“园舍与班级”中录入班级及计划班额。"))


def _no_children() -> Outcome:
    return _o(NOT_APPLICABLE, _("尚无在班幼儿。"), _("请在“幼儿”中录入在班幼儿及其入班日期。"))


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


# --- rules on staff ------------------------------------------------------------------------------------------


def _no_staff() -> Outcome:
    return _o(NOT_APPLICABLE, _("尚未录入在职工作人员。"), _("请在“工作人员”中录入全部在职人员。"))


def _stf05(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    if not ctx.employments:
        return _no_staff()
    soon = ctx.on + dt.timedelta(days=int(p["warn_days"]))
    lacking, expiring = [], []
    for e in ctx.employments:
        valid = [h for h in e.person.health_certificates.all() if h.is_valid(ctx.on)]
        if not valid:
            lacking.append(e.person.name)
        elif max(h.expires_on for h in valid) <= soon:
            expiring.append(e.person.name)
    if lacking:
        return _o(
            FAIL,
            _("%(n)s名在职人员没有有效健康证：%(names)s。")
            % {"n": len(lacking), "names": _series(lacking, limit=50)},
            _("安排上述人员体检，取得健康证后再上岗。"),
        )
    if expiring:
        return _o(
            WARN,
            _("%(n)s名人员的健康证将在%(d)s天内到期：%(names)s。")
            % {"n": len(expiring), "d": p["warn_days"], "names": _series(expiring, limit=50)},
            _("提前安排复检。"),
        )
    return _o(PASS, _("%(n)s名在职人员的健康证均在有效期内。") % {"n": len(ctx.employments)})


def _stf06(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    from tuoyu.staff.models import CheckKind, CheckResult

    if not ctx.employments:
        return _no_staff()
    missing, found = [], []
    for e in ctx.employments:
        checks = [c for c in e.person.background_checks.all() if c.kind == CheckKind.NO_CRIMINAL_RECORD]
        if not checks:
            missing.append(e.person.name)
        elif any(c.result == CheckResult.FOUND for c in checks):
            found.append(e.person.name)
    if found:
        return _o(
            FAIL,
            _("%(names)s的无犯罪记录证明显示有记录。") % {"names": _series(found, limit=50)},
            _("立即调离婴幼儿照护岗位，并报告卫生健康部门。"),
        )
    if missing:
        return _o(
            FAIL,
            _("%(n)s名在职人员缺少无犯罪记录证明：%(names)s。")
            % {"n": len(missing), "names": _series(missing, limit=50)},
            _("为上述人员开具无犯罪记录证明并录入。"),
        )
    return _o(PASS, _("%(n)s名在职人员均有无犯罪记录证明。") % {"n": len(ctx.employments)})


def _qualified(person: Any, post: str, on: dt.date) -> bool:
    """The person holds a certificate that qualifies them for ``post`` (staff.models.POST_CERTIFICATES),
    issued by ``on`` and not expired on it (no expiry date: it does not lapse)."""
    from tuoyu.staff.models import POST_CERTIFICATES

    kinds = POST_CERTIFICATES[post]
    return any(
        c.kind in kinds and c.issued_on <= on and (c.expires_on is None or c.expires_on >= on)
        for c in person.certificates.all()
    )


def _stf02(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    from tuoyu.staff.models import StaffRole

    if not ctx.employments:
        return _no_staff()
    workers = ctx.staff_with(StaffRole.HEALTH_WORKER)
    if not workers:
        return _o(
            NOT_APPLICABLE,
            _("没有岗位为保健人员的在职人员（见STF-03）。"),
            _("在“工作人员”中录入保健人员。"),
        )
    lacking = [e.person.name for e in workers if not _qualified(e.person, StaffRole.HEALTH_WORKER, ctx.on)]
    if lacking:
        return _o(
            FAIL,
            _("%(n)s名保健人员没有有效的保健员培训合格证明（妇幼保健机构）：%(names)s。")
            % {"n": len(lacking), "names": _series(lacking, limit=50)},
            _("安排上述人员参加妇幼保健机构组织的保健员培训，取得合格证明后录入。"),
        )
    return _o(PASS, _("%(n)s名保健人员均有保健员培训合格证明。") % {"n": len(workers)})


def _stf03(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    """≥ 1 health worker of any kind (专职 or 兼职), and ≥ floor(enrolled/150) full-time (专职) ones: part-time
    health workers count towards the first floor only."""
    from tuoyu.staff.models import StaffRole

    if ctx.institution.kind == InstitutionKind.HOME_POINT:
        return _centres_only()
    if not ctx.employments:
        return _no_staff()
    workers = ctx.staff_with(StaffRole.HEALTH_WORKER)
    full_time = sum(1 for e in workers if e.full_time)
    children, per = ctx.enrolled_total, p["children_per_full_time"]
    minimum = int(p["min_health_workers"])
    needed = int(children // max(per, 1))
    facts = {"n": children, "k": len(workers), "f": full_time, "m": needed, "min": minimum}
    if len(workers) < minimum:
        return _o(
            FAIL,
            _("在托%(n)s人，保健人员%(k)s名，应不少于%(min)s名。") % facts,
            _("配备保健人员（在托每满%(per)s人至少1名专职保健人员），并在“工作人员”中录入。")
            % {"per": _m2(per)},
        )
    if full_time < needed:
        return _o(
            FAIL,
            _("在托%(n)s人，保健人员%(k)s名，其中专职%(f)s名，专职应不少于%(m)s名。") % facts,
            _("配备专职保健人员（在托每满%(per)s人至少1名），并在“工作人员”中录入为专职。")
            % {"per": _m2(per)},
        )
    return _o(
        PASS,
        _("在托%(n)s人，保健人员%(k)s名，其中专职%(f)s名（专职应不少于%(m)s名）。") % facts,
    )


def _stf04(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    from tuoyu.staff.models import StaffRole

    if ctx.institution.kind == InstitutionKind.HOME_POINT:
        return _centres_only()
    if ctx.institution.setting_mode == SettingMode.ATTACHED:
        return _o(
            NOT_APPLICABLE,
            _("机构为附设（%(mode)s），保安由依托单位配备。") % {"mode": SettingMode.ATTACHED.label},
        )
    if not ctx.employments:
        return _no_staff()
    guards = ctx.staff_with(StaffRole.GUARD)
    minimum = int(p["min_guards"])
    unlicensed = [e.person.name for e in guards if not _qualified(e.person, StaffRole.GUARD, ctx.on)]
    if len(guards) < minimum:
        return _o(
            FAIL,
            _("在职保安%(k)s名，应不少于%(m)s名。") % {"k": len(guards), "m": minimum},
            _("配备持保安员证的保安（可由有资质的保安服务公司派驻），并在“工作人员”中录入。"),
        )
    if unlicensed:
        return _o(
            FAIL,
            _("%(n)s名保安没有有效的保安员证：%(names)s。")
            % {"n": len(unlicensed), "names": _series(unlicensed, limit=50)},
            _("安排持保安员证的人员上岗，并录入其保安员证。"),
        )
    return _o(PASS, _("%(n)s名保安均持有效的保安员证。") % {"n": len(guards)})


def _stf07(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    """Cooks for meals. The institution records only whether it serves meals (not whether it cooks them or
    has them delivered), so serving meals is read as preparing them; the rule is a warning only."""
    from tuoyu.staff.models import StaffRole

    if not ctx.institution.serves_meals:
        return _o(NOT_APPLICABLE, _("机构不提供膳食。"))
    if not ctx.employments:
        return _no_staff()
    children, per = ctx.enrolled_total, p["children_per_cook"]
    needed = max(int(p["min_cooks"]), math.ceil(children / max(per, 1)))
    cooks = len(ctx.staff_with(StaffRole.COOK))
    facts = {"n": children, "k": cooks, "m": needed}
    if cooks < needed:
        return _o(
            WARN,
            _("机构提供膳食，在托%(n)s人，炊事人员%(k)s名，应不少于%(m)s名。") % facts,
            _("增配炊事人员（每%(per)s名幼儿至少1名），并在“工作人员”中录入。") % {"per": _m2(per)},
        )
    return _o(PASS, _("机构提供膳食，在托%(n)s人，炊事人员%(k)s名，不少于%(m)s名。") % facts)


def _stf08(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    from tuoyu.staff.models import StaffRole, TrainingKind

    if not ctx.employments:
        return _no_staff()
    directors = ctx.staff_with(StaffRole.DIRECTOR)
    if not directors:
        return _o(
            NOT_APPLICABLE,
            _("没有岗位为负责人的在职人员。"),
            _("在“工作人员”中录入负责人，岗位选“负责人”。"),
        )
    needed = Decimal(str(p["min_hours"]))
    short, done = [], []
    for e in directors:
        # WS/T 821 5.2.1 asks for 60 hours of 岗位培训 without naming a period, so the post training of every
        # recorded year counts (a yearly reading would fail a director who trained fully before taking the
        # post); training of other kinds (继续教育, first aid …) does not.
        hours = sum(
            (r.hours for r in e.person.training_records.all() if r.kind == TrainingKind.POST), Decimal(0)
        )
        facts = {"name": e.person.name, "h": _m2(hours), "n": _m2(needed)}
        if hours < needed:
            short.append(_("负责人%(name)s的岗位培训记录共%(h)s学时，少于%(n)s学时") % facts)
        else:
            done.append(_("负责人%(name)s的岗位培训记录共%(h)s学时") % facts)
    if short:
        return _o(
            WARN,
            _sentences(short),
            _("安排负责人参加岗位培训，并在“工作人员”中录入培训学时。"),
        )
    return _o(PASS, _sentences(done))


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


# --- rules on filings --------------------------------------------------------------------------------------


def _fil01(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    from tuoyu.filings.models import MaterialKind
    from tuoyu.filings.policy import required_materials

    filing = ctx.accepted_initial
    if filing is None:
        return _o(NOT_APPLICABLE, _("尚无已通过的备案。"), _("请通过备案系统提交备案。"))
    have = {m.kind for m in filing.materials.all()}
    missing = [k for k in required_materials(filing) if k not in have]
    if missing:
        return _o(
            FAIL,
            _("备案%(n)s缺少：%(m)s。")
            % {"n": filing.number, "m": _series((MaterialKind(k).label for k in missing), limit=50)},
            _("补交所缺材料（可通过变更备案上传）。"),
        )
    return _o(PASS, _("备案%(n)s的材料齐全。") % {"n": filing.number})


BASIS_58 = "《托育机构设置标准（试行）》（国卫人口发〔2019〕58号）"
BASIS_WST821 = "WS/T 821—2023《托育机构质量评估标准》"
BASIS_HEALTH = "2022年《托育机构卫生评价》通知"
BASIS_MGMT = "《托育机构管理规范（试行）》（国卫人口发〔2019〕58号）"
BASIS_FILING = "《托育机构登记和备案办法（试行）》（国卫办人口发〔2019〕25号）"
BASIS_HOME = "《家庭托育点管理办法（试行）》（2023）"
BASIS_CHILDCARE_HEALTH = "《托儿所幼儿园卫生保健管理办法》（卫生部令第76号）"
# The seed policies: “对虐童等行为的相关个人和直接管理人员实行终身禁入”.
BASIS_BAN = (
    "各地婴幼儿照护服务实施方案“对虐童等行为实行终身禁入”"
    "（鹤政办〔2020〕29号、东政办〔2021〕6号、临政办发〔2020〕112号、株政办发〔2022〕23号）"
)

RULES: list[Rule] = [
    Rule(
        "STF-01",
        "负责人资质",
        "Head qualifications",
        f"{BASIS_58} 第18条；{BASIS_WST821}",
        "verified",
        BLOCK,
        _stf01,
        (Param("min_management_years", 3, HIGHER, gettext_noop("最少管理经验（年）")),),
    ),
    Rule(
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
    ),
    Rule(
        "SIT-02",
        "生活用房楼层",
        "Children's rooms on the 3rd floor or lower, none below ground",
        f"{BASIS_WST821}；{BASIS_HEALTH}",
        "verified",
        SEVERITY_FAIL,
        _sit02,
        (Param("max_floor", 3, LOWER, gettext_noop("最高楼层")),),
    ),
    Rule(
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
    ),
    Rule(
        "SIT-04",
        "采光窗地比",
        "Window opening ≥ 20% of floor area",
        f"{BASIS_WST821}；{BASIS_HEALTH}",
        "verified",
        SEVERITY_WARN,
        _sit04,
        (Param("min_ratio", 0.20, HIGHER, gettext_noop("最低窗地比")),),
    ),
    Rule(
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
    ),
    Rule(
        "SIT-06",
        "户外活动场地",
        "Outdoor play area exists",
        BASIS_58,
        "secondary",
        SEVERITY_FAIL,
        _sit06,
        (Param("per_child_m2", 0, HIGHER, gettext_noop("每托位室外面积（㎡，本地）")),),
        frozenset({"per_child_m2"}),
    ),
    Rule(
        "SAF-01",
        "监控录像保存≥90天",
        "CCTV retention ≥ 90 days",
        f"{BASIS_MGMT} 第32条；{BASIS_WST821}",
        "verified",
        SEVERITY_FAIL,
        _saf01,
        (Param("min_days", 90, HIGHER, gettext_noop("最少保存天数")),),
    ),
    Rule(
        "SAF-02",
        "监控全覆盖",
        "Every children's room covered by a camera",
        f"{BASIS_MGMT} 第32条；{BASIS_WST821}",
        "verified",
        SEVERITY_FAIL,
        _saf02,
    ),
    Rule(
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
    ),
    Rule(
        "STF-05",
        "工作人员健康证有效",
        "Every staff member's health certificate valid",
        "托儿所幼儿园卫生保健管理办法 第14条；托育机构管理规范 第28条",
        "secondary-consistent",
        SEVERITY_FAIL,
        _stf05,
        (Param("warn_days", 30, HIGHER, gettext_noop("到期前提醒天数")),),
    ),
    Rule(
        "STF-06",
        "无犯罪记录证明",
        "No-criminal-record certificate on file",
        "WS/T 821—2023",
        "verified",
        SEVERITY_FAIL,
        _stf06,
    ),
    Rule(
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
    ),
    Rule(
        "CLS-01",
        "乳儿班收托6–12月龄婴幼儿",
        "Infant class holds children aged 6–12 months",
        f"{BASIS_58} 第19条",
        "secondary-consistent",
        SEVERITY_WARN,
        _age_band(ClassType.INFANT),
        (Param("grace_months", 0, LOWER, gettext_noop("超出月龄段的宽限（月，本地）")),),
        frozenset({"grace_months"}),
    ),
    Rule(
        "CLS-02",
        "托小班收托12–24月龄",
        "Toddler-small class: 12–24 months",
        f"{BASIS_58} 第19条",
        "secondary-consistent",
        SEVERITY_WARN,
        _age_band(ClassType.TODDLER),
        (Param("grace_months", 0, LOWER, gettext_noop("超出月龄段的宽限（月，本地）")),),
        frozenset({"grace_months"}),
    ),
    Rule(
        "CLS-03",
        "托大班收托24–36月龄",
        "Toddler-large class: 24–36 months",
        f"{BASIS_58} 第19条",
        "secondary-consistent",
        SEVERITY_WARN,
        _age_band(ClassType.OLDER_TODDLER),
        (Param("grace_months", 0, LOWER, gettext_noop("超出月龄段的宽限（月，本地）")),),
        frozenset({"grace_months"}),
    ),
    Rule(
        "CLS-04",
        "混合编班仅限18月龄以上",
        "Mixed-age class only for children ≥ 18 months",
        f"{BASIS_58} 第19条",
        "secondary-consistent",
        SEVERITY_FAIL,
        _cls04,
        (Param("min_months", 18, HIGHER, gettext_noop("混龄班最小月龄")),),
    ),
    Rule(
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
    ),
    Rule(
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
    ),
    Rule(
        "STF-02",
        "保健人员培训合格",
        "Health staff trained by a maternal and child health institution",
        f"{BASIS_58}；{BASIS_HEALTH}",
        "verified",
        SEVERITY_FAIL,
        _stf02,
    ),
    Rule(
        "STF-03",
        "至少1名保健员",
        "≥ 1 health worker; ≥ 1 full-time per 150 children",
        f"{BASIS_HEALTH}；{BASIS_CHILDCARE_HEALTH} 第12条",
        "verified",
        SEVERITY_FAIL,
        _stf03,
        (
            Param("min_health_workers", 1, HIGHER, gettext_noop("最少保健人员（名）")),
            Param("children_per_full_time", 150, LOWER, gettext_noop("每名专职保健人员对应在托人数")),
        ),
    ),
    Rule(
        "STF-04",
        "保安在岗",
        "Independent institution has ≥ 1 licensed guard",
        BASIS_58,
        "secondary",
        SEVERITY_FAIL,
        _stf04,
        (Param("min_guards", 1, HIGHER, gettext_noop("最少保安（名）")),),
    ),
    Rule(
        "STF-07",
        "炊事人员配备",
        "Cooks for self-prepared meals",
        BASIS_WST821,
        "verified",
        SEVERITY_WARN,
        _stf07,
        (
            Param("min_cooks", 1, HIGHER, gettext_noop("最少炊事人员（名）")),
            Param("children_per_cook", 50, LOWER, gettext_noop("每名炊事人员对应在托人数")),
        ),
    ),
    Rule(
        "STF-08",
        "负责人岗位培训学时",
        "Head training ≥ 60 hours",
        f"{BASIS_WST821} 5.2.1",
        "secondary",
        SEVERITY_WARN,
        _stf08,
        (Param("min_hours", 60, HIGHER, gettext_noop("最少培训学时")),),
    ),
    Rule(
        "BAN-01",
        "在职人员无终身禁入",
        "No staff member under a lifetime ban",
        BASIS_BAN,
        "verified",
        BLOCK,
        _ban01,
    ),
    Rule(
        "FIL-01",
        "备案材料齐全",
        "Filing materials complete",
        f"{BASIS_FILING} 第8条",
        "verified",
        BLOCK,
        _fil01,
    ),
    Rule(
        "FIL-02",
        "登记机关与机构性质一致",
        "Registration body matches the institution type",
        f"{BASIS_FILING} 第4条",
        "verified",
        SEVERITY_FAIL,
        _fil02,
    ),
    Rule(
        "FIL-03",
        "经营/业务范围含托育",
        "Business scope includes 托育服务",
        f"{BASIS_FILING} 第5条；{BASIS_WST821}",
        "verified",
        SEVERITY_FAIL,
        _fil03,
    ),
]
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


# --- per-city overrides ---------------------------------------------------------------------------------


def validate_overrides(overrides: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Check ``TUOYU_STANDARDS_OVERRIDES``: {region prefix: {rule id: {param: value}}}. A known rule and param,
    a number, and — unless the rule names the param local — no laxer than the national default."""
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured("TUOYU_STANDARDS_OVERRIDES must be a dict of region prefix → rules.")
    for prefix, rules in overrides.items():
        if not isinstance(prefix, str) or not prefix.isdigit() or not 2 <= len(prefix) <= 12:
            raise ImproperlyConfigured(f"TUOYU_STANDARDS_OVERRIDES: {prefix!r} is not a region code prefix.")
        if not isinstance(rules, dict):
            raise ImproperlyConfigured(f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}] must be a dict of rule ids.")
        for rule_id, params in rules.items():
            rule = RULES_BY_ID.get(rule_id)
            if rule is None:
                raise ImproperlyConfigured(
                    f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}]: unknown rule {rule_id!r}."
                )
            if not isinstance(params, dict):
                raise ImproperlyConfigured(
                    f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}][{rule_id!r}] must be a dict."
                )
            for name, value in params.items():
                param = rule.param(name)
                where = f"TUOYU_STANDARDS_OVERRIDES[{prefix!r}] rule {rule_id} param {name!r}"
                if param is None:
                    raise ImproperlyConfigured(f"{where}: the rule has no such parameter.")
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ImproperlyConfigured(f"{where}: {value!r} is not a non-negative number.")
                if name in rule.local_params:
                    continue
                laxer = value < param.default if param.stricter == HIGHER else value > param.default
                if laxer:
                    raise ImproperlyConfigured(
                        f"{where}: {value!r} is laxer than the national {param.default!r} "
                        f"(a city may only make it {'higher' if param.stricter == HIGHER else 'lower'})."
                    )
    return overrides


_validated: tuple[int, Any] | None = None


def overrides() -> dict[str, dict[str, dict[str, Any]]]:
    global _validated
    value = getattr(settings, "TUOYU_STANDARDS_OVERRIDES", {}) or {}
    if _validated is None or _validated[0] != id(value) or _validated[1] is not value:
        validate_overrides(value)
        _validated = (id(value), value)
    return value


def params_for(rule: Rule, region_prefix: str) -> dict[str, Any]:
    """The rule's parameters in force for a region: national defaults, then each matching city prefix from
    the shortest to the longest, so the most specific one wins."""
    params = rule.defaults()
    table = overrides()
    for prefix in sorted((p for p in table if region_prefix.startswith(p)), key=len):
        params.update(table[prefix].get(rule.id, {}))
    return params
