"""The ban list (its keepers, the city administrators) and its alerts (the region's regulators)."""

from django.utils.translation import gettext_lazy as _

from tuoyu.bans.models import Ban, BanAlert
from tuoyu.core.registry import menu_entry
from tuoyu.core.scoping import allows

menu_entry(name="bans", label=_("禁入名单"), url="bans:list", order=110, allowed=allows(Ban))
menu_entry(name="ban-alerts", label=_("禁入预警"), url="bans:alerts", order=120, allowed=allows(BanAlert))
