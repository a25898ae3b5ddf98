"""The revealable personal data of the ban list (see tuoyu.audit.reveals): a ban's full ID number, for the
city administrator who keeps it."""

from tuoyu.audit.reveals import Revealable
from tuoyu.bans.actions import AuditAction
from tuoyu.bans.models import Ban

BAN_REVEAL = Revealable(Ban, {"id_number": AuditAction.ID_NUMBER_REVEAL})
