"""Public disclosure (信息公示): the one entry everyone sees, signed in or not."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry

menu_entry(name="public-institutions", label=_("机构公示"), url="disclosure:list", order=240, public=True)
