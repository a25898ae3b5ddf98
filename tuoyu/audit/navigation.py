"""The audit trail's menu entry (the auditor)."""

from django.utils.translation import gettext_lazy as _

from tuoyu.audit.models import Event
from tuoyu.core.registry import menu_entry
from tuoyu.core.scoping import allows

menu_entry(name="audit", label=_("审计日志"), url="audit:events", order=230, allowed=allows(Event))
