"""The revealable personal data of institutions (see tuoyu.audit.reveals): the legal representative's and
the director's ID numbers and the contact phone, for the health bureau of the region."""

from tuoyu.audit.reveals import Revealable
from tuoyu.institutions.actions import AuditAction
from tuoyu.institutions.models import Institution

INSTITUTION_REVEAL = Revealable(
    Institution,
    {
        "legal_rep_id_number": AuditAction.LEGAL_REP_ID_NUMBER_REVEAL,
        "director_id_number": AuditAction.DIRECTOR_ID_NUMBER_REVEAL,
        "phone": AuditAction.PHONE_REVEAL,
    },
)
