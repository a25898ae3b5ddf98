"""The revealable personal data of children (see tuoyu.audit.reveals): a child's full ID number, for the
institution's admin."""

from tuoyu.audit.reveals import Revealable
from tuoyu.children.actions import AuditAction
from tuoyu.children.models import Child

CHILD_REVEAL = Revealable(Child, {"id_number": AuditAction.ID_NUMBER_REVEAL})
