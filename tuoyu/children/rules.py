"""Enrollment rules the compliance engine can import as they are (one source of truth).

CLASS_SIZE_CAP: the most children a class of each type may hold — 托育机构设置标准（试行）
(国卫人口发〔2019〕58号) art. 19: 乳儿班 ≤ 10, 托小班 ≤ 15, 托大班 ≤ 20, 混龄班 ≤ 18; a home childcare
point (家庭托育点) takes at most 5 children (家庭托育点管理办法（试行） art. 7; RAT-02).
"""

from __future__ import annotations

from tuoyu.institutions.models import ClassType

CLASS_SIZE_CAP: dict[str, int] = {
    ClassType.INFANT: 10,
    ClassType.TODDLER: 15,
    ClassType.OLDER_TODDLER: 20,
    ClassType.MIXED: 18,
    ClassType.HOME_GROUP: 5,
}
CLASS_SIZE_RULE: dict[str, str] = {
    ClassType.INFANT: "CLS-05",
    ClassType.TODDLER: "CLS-05",
    ClassType.OLDER_TODDLER: "CLS-05",
    ClassType.MIXED: "CLS-05",
    ClassType.HOME_GROUP: "RAT-02",
}
CLASS_SIZE_SOURCE = "托育机构设置标准（试行）第19条；家庭托育点管理办法（试行）"

# The ages a childcare service takes (托育机构设置标准 art. 2: 3岁以下; centres take infants from 6 months):
# at the enrollment's start the child is at least MIN_AGE_MONTHS and less than MAX_AGE_MONTHS old.
MIN_AGE_MONTHS = 6
MAX_AGE_MONTHS = 36
