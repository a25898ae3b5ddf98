"""Enrolment policy (入托政策): which children a class may take, read from the compliance engine's parameters
so that an enrolment is refused exactly where the compliance page would fail.

``class_size_cap``: the most children a class of each type may hold is the CLS-05 / RAT-02 parameter of the
rule catalogue (托育机构设置标准（试行）(国卫人口发〔2019〕58号) art. 19: 乳儿班 ≤ 10, 托小班 ≤ 15, 托大班 ≤ 20,
混龄班 ≤ 18; 家庭托育点管理办法（试行）: a home childcare point takes at most 5), with the city's overrides.

The parameters come through ``core.registry.rule_params`` (the compliance engine answers it; children does
not import standards). Enrolment has no numbers of its own: without the engine it refuses to guess
(``ImproperlyConfigured`` naming the missing rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from tuoyu.core import registry
from tuoyu.institutions.models import CareClass, ClassType, Institution, InstitutionKind


def class_size_cap(class_type: str, region_prefix: str) -> tuple[int, str]:
    """The most children a class of this type may hold in this region, and the rule that says so: CLS-05's
    parameter for the class type, RAT-02's for a home point's group — national defaults with the city's
    (only stricter) overrides, so an enrolment is refused exactly where the compliance page would fail.
    CLS-05 names its parameters by the class type (``infant``, ``toddler``, ``older_toddler``, ``mixed``)."""
    if class_type == ClassType.HOME_GROUP:
        rule_id, name = "RAT-02", "max_children"
    else:
        rule_id, name = "CLS-05", ClassType(class_type).value
    return int(_params(rule_id, region_prefix)[name]), rule_id


@dataclass(frozen=True)
class AgeBand:
    """The completed months of age a class may take at an enrolment's start: ``low`` ≤ age < ``high``, and
    what sets each end (for the refusal's message)."""

    low: int
    high: int
    low_because: str
    high_because: str

    def admits(self, months: int) -> bool:
        return self.low <= months < self.high


def _params(rule_id: str, region_prefix: str) -> dict:
    params = registry.rule_params(rule_id, region_prefix)
    if not params:
        raise ImproperlyConfigured(f"enrolment reads {rule_id}'s parameters: install the compliance engine")
    return params


def oldest_months(institution: Institution) -> int:
    """Children of this many months or more are not for a childcare service here: CLS-06's upper bound, with
    the city's overrides (36 nationally)."""
    return int(_params("CLS-06", institution.region_prefix)["max_months"])


def age_band(care_class: CareClass) -> AgeBand:
    """Where a child may join this class: CLS-06's local bounds (a centre from 6 months; a home childcare
    point has no floor — 家庭托育点管理办法 speaks only of 3岁以下), narrowed by the ages the institution declared
    in its filing (最小/最大收托月龄, the maximum inclusive), and for a mixed class by CLS-04 (≥ 18 months)."""
    institution = care_class.institution
    cls06 = _params("CLS-06", institution.region_prefix)
    if institution.kind == InstitutionKind.HOME_POINT:
        low, low_because = 0, ""
    else:
        low, low_because = (
            int(cls06["min_months"]),
            _("托育机构收托%(m)d个月以上的婴幼儿（CLS-06）") % {"m": int(cls06["min_months"])},
        )
    high = int(cls06["max_months"])
    high_because = _("托育服务面向不满%(m)d个月的婴幼儿（CLS-06）") % {"m": high}
    if institution.min_age_months is not None and institution.min_age_months > low:
        low = institution.min_age_months
        low_because = _("本机构备案的最小收托月龄为%(m)d个月") % {"m": low}
    if institution.max_age_months is not None and institution.max_age_months + 1 < high:
        high = institution.max_age_months + 1
        high_because = _("本机构备案的最大收托月龄为%(m)d个月") % {"m": institution.max_age_months}
    if care_class.class_type == ClassType.MIXED:
        mixed = int(_params("CLS-04", institution.region_prefix)["min_months"])
        if mixed > low:
            low, low_because = mixed, _("混龄班只收%(m)d个月及以上的幼儿（CLS-04）") % {"m": mixed}
    return AgeBand(low, high, low_because, high_because)
