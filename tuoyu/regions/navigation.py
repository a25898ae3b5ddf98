"""The regions' menu entry."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry
from tuoyu.core.scoping import allows
from tuoyu.regions.models import Region

menu_entry(name="regions", label=_("行政区划"), url="regions:tree", order=30, allowed=allows(Region))
