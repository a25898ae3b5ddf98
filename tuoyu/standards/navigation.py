"""The compliance engine's menu entries: the regulators' risk list, an institution's self-check."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry
from tuoyu.standards import scoping

menu_entry(
    name="compliance-risk",
    label=_("合规风险"),
    url="standards:risk",
    order=90,
    allowed=scoping.reads_region_compliance,
)
menu_entry(
    name="compliance",
    label=_("合规自查"),
    url="standards:mine",
    order=100,
    allowed=scoping.reads_own_compliance,
)
