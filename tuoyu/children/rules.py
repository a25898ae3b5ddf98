"""Enrollment rules, with one source of truth shared with the compliance engine.

``class_size_cap``: the most children a class of each type may hold is the CLS-05 / RAT-02 parameter of the
rule catalogue (托育机构设置标准（试行）(国卫人口发〔2019〕58号) art. 19: 乳儿班 ≤ 10, 托小班 ≤ 15, 托大班 ≤ 20,
混龄班 ≤ 18; 家庭托育点管理办法（试行）: a home childcare point takes at most 5), with the city's overrides.
"""

from __future__ import annotations

from tuoyu.institutions.models import ClassType


def class_size_cap(class_type: str, region_prefix: str) -> tuple[int, str]:
    """The most children a class of this type may hold in this region, and the rule that says so: CLS-05's
    parameter for the class type, RAT-02's for a home point's group — national defaults with the city's
    (only stricter) overrides, so an enrolment is refused exactly where the compliance page would fail."""
    from tuoyu.standards.catalogue import CLASS_CAP_PARAM, RULES_BY_ID, params_for

    if class_type == ClassType.HOME_GROUP:
        rule, name = RULES_BY_ID["RAT-02"], "max_children"
    else:
        rule, name = RULES_BY_ID["CLS-05"], CLASS_CAP_PARAM[ClassType(class_type)]
    return int(params_for(rule, region_prefix)[name]), rule.id


# The ages a childcare service takes (托育机构设置标准 art. 2: 3岁以下; centres take infants from 6 months):
# at the enrollment's start the child is at least MIN_AGE_MONTHS and less than MAX_AGE_MONTHS old.
MIN_AGE_MONTHS = 6
MAX_AGE_MONTHS = 36
