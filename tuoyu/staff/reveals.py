"""The revealable personal data of staff (see tuoyu.audit.reveals): a person's full ID number and mobile."""

from tuoyu.audit.reveals import Revealable
from tuoyu.staff.actions import AuditAction
from tuoyu.staff.models import Person

PERSON_REVEAL = Revealable(
    Person, {"id_number": AuditAction.ID_NUMBER_REVEAL, "phone": AuditAction.PHONE_REVEAL}
)
