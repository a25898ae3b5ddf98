"""The institutions' menu entries: the regional list, registration, transfers, premises."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry
from tuoyu.core.scoping import allows
from tuoyu.institutions import scoping
from tuoyu.institutions.models import RegionTransfer, Room

menu_entry(
    name="institutions",
    label=_("托育机构"),
    url="institutions:list",
    order=40,
    allowed=scoping.reads_region_institutions,
)
# The unfiled institutions of the jurisdiction: the health bureau that reviews filings chases them.
menu_entry(
    name="pending", label=_("待备案"), url="institutions:pending", order=50, allowed=scoping.bureau_of_region
)
# A move to another county: the city over both decides.
menu_entry(
    name="region-transfers",
    label=_("区划变更审核"),
    url="institutions:region_transfers",
    order=60,
    allowed=allows(RegionTransfer, "change"),
)
menu_entry(
    name="classes",
    label=_("园舍与班级"),
    url="institutions:classes",
    order=160,
    allowed=allows(Room, "change"),
)
menu_entry(
    name="registration",
    label=_("登记录入"),
    url="institutions:registration_create",
    order=190,
    allowed=scoping.registers_institutions,
)
menu_entry(
    name="registration-import",
    label=_("批量导入"),
    url="institutions:registration_import",
    order=200,
    allowed=scoping.registers_institutions,
)
