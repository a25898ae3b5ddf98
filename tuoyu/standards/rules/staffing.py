"""Rules on the head and the staff (STF-01…08): qualifications, health certificates, background checks,
the posts a centre must fill, training."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuoyu.institutions.models import (
    Education,
    InstitutionKind,
    SettingMode,
)
from tuoyu.standards.parameters import HIGHER, LOWER, Param
from tuoyu.standards.rules.base import (
    BASIS_58,
    BASIS_CHILDCARE_HEALTH,
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
    _no_staff,
    _o,
    _sentences,
    _series,
    person_records,
)

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


STF_01 = Rule(
    "STF-01",
    "负责人资质",
    "Head qualifications",
    f"{BASIS_58} 第18条；{BASIS_WST821}",
    "verified",
    BLOCK,
    _stf01,
    (Param("min_management_years", 3, HIGHER, gettext_noop("最少管理经验（年）")),),
)


def _stf05(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    if not ctx.employments:
        return _no_staff()
    soon = ctx.on + dt.timedelta(days=int(p["warn_days"]))
    lacking, expiring = [], []
    for e in ctx.employments:
        valid = [h for h in person_records(e.person, "health_certificates") if h.is_valid(ctx.on)]
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


STF_05 = Rule(
    "STF-05",
    "工作人员健康证有效",
    "Every staff member's health certificate valid",
    "托儿所幼儿园卫生保健管理办法 第14条；托育机构管理规范 第28条",
    "secondary-consistent",
    SEVERITY_FAIL,
    _stf05,
    (Param("warn_days", 30, HIGHER, gettext_noop("到期前提醒天数")),),
)


def _stf06(ctx: Context, p: Mapping[str, Any]) -> Outcome:
    from tuoyu.staff.models import CheckKind, CheckResult

    if not ctx.employments:
        return _no_staff()
    missing, found = [], []
    for e in ctx.employments:
        checks = [
            c for c in person_records(e.person, "background_checks") if c.kind == CheckKind.NO_CRIMINAL_RECORD
        ]
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


STF_06 = Rule(
    "STF-06",
    "无犯罪记录证明",
    "No-criminal-record certificate on file",
    "WS/T 821—2023",
    "verified",
    SEVERITY_FAIL,
    _stf06,
)


def _qualified(person: Any, post: str, on: dt.date) -> bool:
    """The person holds a certificate that qualifies them for ``post`` (staff.models.POST_CERTIFICATES),
    issued by ``on`` and not expired on it (no expiry date: it does not lapse)."""
    from tuoyu.staff.models import POST_CERTIFICATES

    kinds = POST_CERTIFICATES[post]
    return any(
        c.kind in kinds and c.issued_on <= on and (c.expires_on is None or c.expires_on >= on)
        for c in person_records(person, "certificates")
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


STF_02 = Rule(
    "STF-02",
    "保健人员培训合格",
    "Health staff trained by a maternal and child health institution",
    f"{BASIS_58}；{BASIS_HEALTH}",
    "verified",
    SEVERITY_FAIL,
    _stf02,
)


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


STF_03 = Rule(
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


STF_04 = Rule(
    "STF-04",
    "保安在岗",
    "Independent institution has ≥ 1 licensed guard",
    BASIS_58,
    "secondary",
    SEVERITY_FAIL,
    _stf04,
    (Param("min_guards", 1, HIGHER, gettext_noop("最少保安（名）")),),
)


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


STF_07 = Rule(
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
)


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
            (r.hours for r in person_records(e.person, "training_records") if r.kind == TrainingKind.POST),
            Decimal(0),
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


STF_08 = Rule(
    "STF-08",
    "负责人岗位培训学时",
    "Head training ≥ 60 hours",
    f"{BASIS_WST821} 5.2.1",
    "secondary",
    SEVERITY_WARN,
    _stf08,
    (Param("min_hours", 60, HIGHER, gettext_noop("最少培训学时")),),
)
