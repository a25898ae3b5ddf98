"""The staff register's menu entries: the rosters and the regional indicators."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry
from tuoyu.staff import scoping

menu_entry(name="staff", label=_("工作人员"), url="staff:list", order=170, allowed=scoping.reads_rosters)
menu_entry(
    name="staff-indicators",
    label=_("从业人员指标"),
    url="staff:indicators",
    order=180,
    allowed=scoping.reads_region_indicators,
)
