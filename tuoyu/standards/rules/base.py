"""What every compliance rule is made of: the outcome statuses and severities, the ``Context`` a check reads,
the ``Rule`` declaration, the helpers that word evidence (``_sentences``, ``_series``) and the outcomes that
say an input is missing, and the sources (依据) the rules cite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tuoyu.institutions.models import (
    CHILDREN_ROOM_USES,
    CareClass,
    Institution,
    Room,
)
from tuoyu.standards.parameters import Param

PASS, FAIL, WARN, NOT_APPLICABLE = "pass", "fail", "warn", "not_applicable"
STATUSES = (FAIL, WARN, NOT_APPLICABLE, PASS)  # the order a page shows them in
BLOCK, SEVERITY_FAIL, SEVERITY_WARN = "block", "fail", "warn"


# Risk score = Σ weight of every non-passing outcome's severity (not-applicable counts nothing).
SEVERITY_WEIGHTS = {BLOCK: 10, SEVERITY_FAIL: 5, SEVERITY_WARN: 1}


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


# A person's records the staffing rules read, prefetched by ``loaded`` as ``person.standard_<name>`` lists.
PERSON_RECORDS = ("health_certificates", "background_checks", "certificates", "training_records")


def person_records(person: Any, name: str) -> list[Any]:
    """``person``'s ``name`` records (one of PERSON_RECORDS): the list ``loaded`` prefetched, or a query for
    a person that did not come through it."""
    records = getattr(person, f"standard_{name}", None)
    return records if records is not None else list(getattr(person, name).all())


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


# What a rule's ``confidence`` mark means (shared/standards/STANDARDS.md): how far its number was checked
# against the original text. Shown in the catalogue by these labels.
CONFIDENCE_LABELS = {
    "verified": gettext_lazy("已核实（官方来源）"),
    "secondary-consistent": gettext_lazy("二手来源，多方一致"),
    "secondary": gettext_lazy("二手来源"),
    "unverified": gettext_lazy("未核实"),
}


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

    @property
    def confidence_label(self) -> Any:
        return CONFIDENCE_LABELS.get(self.confidence, self.confidence)

    def title(self) -> str:
        """The rule's title in the active language (the Chinese title unless English is active)."""
        return self.title_en if get_language() and get_language().startswith("en") else self.title_zh

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


def _no_rooms() -> Outcome:
    return _o(
        NOT_APPLICABLE,
        _("尚未录入房间。"),
        _("请在“园舍与班级”中录入各房间的楼层、面积、窗洞口面积、摄像头和床位。"),
    )


def _names(rooms: list[Any]) -> str:
    return _series(r.name for r in rooms)


def _centres_only() -> Outcome:
    """Rules of the setting standards and the health assessment that do not bind a home childcare point (家庭托育点,
    under its own 管理办法: a home, an operator and carers)."""
    return _o(NOT_APPLICABLE, _("仅适用于托育机构（家庭托育点除外）。"))


def _no_classes() -> Outcome:
    return _o(NOT_APPLICABLE, _("尚未录入班级。"), _("请在“园舍与班级”中录入班级及计划班额。"))


def _no_children() -> Outcome:
    return _o(NOT_APPLICABLE, _("尚无在班幼儿。"), _("请在“幼儿”中录入在班幼儿及其入班日期。"))


def _no_staff() -> Outcome:
    return _o(NOT_APPLICABLE, _("尚未录入在职工作人员。"), _("请在“工作人员”中录入全部在职人员。"))


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
