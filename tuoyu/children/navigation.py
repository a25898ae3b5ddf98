"""The children roster's menu entry."""

from django.utils.translation import gettext_lazy as _

from tuoyu.children.scoping import reads_rosters
from tuoyu.core.registry import menu_entry

menu_entry(name="children", label=_("幼儿"), url="children:list", order=150, allowed=reads_rosters)
