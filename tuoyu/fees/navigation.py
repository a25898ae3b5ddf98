"""The fee schedule's menu entry (an institution's admin publishes it)."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry
from tuoyu.fees.scoping import publishes_fees

menu_entry(name="fees", label=_("收费标准"), url="fees:schedule", order=140, allowed=publishes_fees)
