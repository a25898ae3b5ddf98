"""The revealable personal data of accounts (see tuoyu.audit.reveals): a user's own phone and ID number."""

from tuoyu.accounts.actions import AuditAction
from tuoyu.accounts.models import User
from tuoyu.audit.reveals import Revealable

USER_REVEAL = Revealable(
    User, {"phone": AuditAction.USER_PHONE_REVEAL, "id_number": AuditAction.USER_ID_NUMBER_REVEAL}
)
