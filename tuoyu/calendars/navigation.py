"""The holiday table's menu entry (the system admin keeps it)."""

from django.utils.translation import gettext_lazy as _

from tuoyu.calendars.models import HolidayYear
from tuoyu.core.registry import menu_entry
from tuoyu.core.scoping import allows

menu_entry(
    name="calendar",
    label=_("节假日安排"),
    url="calendars:index",
    order=220,
    allowed=allows(HolidayYear, "change"),
)
