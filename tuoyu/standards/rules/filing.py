"""Rules on the filing (FIL-01…03): materials complete, registration body, business scope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from tuoyu.institutions.models import (
    AUTHORITY_FOR_LEGAL_PERSON,
    LegalPersonKind,
    RegistrationAuthority,
)
from tuoyu.standards.rules.base import (
    BASIS_FILING,
    BASIS_WST821,
    BLOCK,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    SEVERITY_FAIL,
    Context,
    Outcome,
    Rule,
    _o,
    _series,
)


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


FIL_02 = Rule(
    "FIL-02",
    "登记机关与机构性质一致",
    "Registration body matches the institution type",
    f"{BASIS_FILING} 第4条",
    "verified",
    SEVERITY_FAIL,
    _fil02,
)


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


FIL_03 = Rule(
    "FIL-03",
    "经营/业务范围含托育",
    "Business scope includes 托育服务",
    f"{BASIS_FILING} 第5条；{BASIS_WST821}",
    "verified",
    SEVERITY_FAIL,
    _fil03,
)


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


FIL_01 = Rule(
    "FIL-01",
    "备案材料齐全",
    "Filing materials complete",
    f"{BASIS_FILING} 第8条",
    "verified",
    BLOCK,
    _fil01,
)
