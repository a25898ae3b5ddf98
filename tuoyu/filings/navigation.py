"""The filing workflow's menu entries: review and FIL-05 notices for the bureau, filing for institutions."""

from django.utils.translation import gettext_lazy as _

from tuoyu.core.registry import menu_entry
from tuoyu.core.scoping import allows
from tuoyu.filings import scoping
from tuoyu.filings.models import Filing, NonComplianceNotice

menu_entry(
    name="filing-review",
    label=_("备案审核"),
    url="filings:review",
    order=70,
    allowed=allows(Filing, "change"),
)
menu_entry(
    name="filing-notices",
    label=_("核查不符通知"),
    url="filings:notices",
    order=80,
    allowed=allows(NonComplianceNotice, "change"),
)
menu_entry(
    name="filings", label=_("备案"), url="filings:list", order=130, allowed=scoping.files_for_institution
)
