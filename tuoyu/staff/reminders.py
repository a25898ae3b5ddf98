"""Certificate-expiry reminders (证书到期提醒), run nightly by ``tuoyu tick``.

For each institution, the qualification certificates (``Certificate.expires_on``) and the health
certificates (the latest one of each person, valid 12 months) of its *active* staff that expire within
``EXPIRING_DAYS`` produce ONE notification to the institution's admins: how many, and a link to the roster.
Each certificate is reminded once per expiry date and institution (``ExpiryReminder``, unique), so a second
run the same night — or every night until it expires — sends nothing more; a renewed certificate has a new
expiry date and is reminded again when that one nears.

The notification carries a count only, no names: the inbox outlives the roster's access rules (see
tuoyu/notifications/services.py); the names are behind the link, where scoping applies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import Membership, Role, User
from tuoyu.audit.services import audit_record
from tuoyu.institutions.models import Institution
from tuoyu.staff.models import (
    Certificate,
    Employment,
    ExpiryReminder,
    ExpiryReminderKind,
    HealthCertificate,
)
from tuoyu.staff.selectors import EXPIRING_DAYS

Key = tuple[str, int, dt.date]  # (kind, record id, expires on)


@dataclass
class ExpiryReminderSummary:
    institutions: int = 0  # notifications sent (one per institution)
    certificates: int = 0  # certificates newly reminded


def _expiring(on: dt.date, until: dt.date) -> dict[int, list[Key]]:
    """Person id → the certificates of theirs that expire in [on, until] (already expired ones are not)."""
    found: dict[int, list[Key]] = defaultdict(list)
    active = Employment.objects.filter(person=OuterRef("person"), end_date__isnull=True)
    for pk, person_id, expires_on in (
        Certificate.objects.filter(Exists(active), expires_on__gte=on, expires_on__lte=until)
        .values_list("pk", "person_id", "expires_on")
        .order_by()
    ):
        found[person_id].append((ExpiryReminderKind.CERTIFICATE.value, pk, expires_on))
    # A health certificate expires on or after ``on`` exactly when it was issued on or after
    # issued_since(on), and by ``until`` when issued before issued_since(until + 1 day). Only the latest of a
    # person's counts: a newer one supersedes it.
    newer = HealthCertificate.objects.filter(person=OuterRef("person"), issued_on__gt=OuterRef("issued_on"))
    for h in (
        HealthCertificate.objects.filter(
            Exists(active),
            ~Exists(newer),
            issued_on__gte=HealthCertificate.issued_since(on),
            issued_on__lt=HealthCertificate.issued_since(until + dt.timedelta(days=1)),
        )
        .only("pk", "person_id", "issued_on")
        .order_by()
    ):
        found[h.person_id].append((ExpiryReminderKind.HEALTH.value, h.pk, h.expires_on))
    return found


def expiry_reminders_send(*, on: dt.date | None = None) -> ExpiryReminderSummary:
    """Tell each institution's admins, once per certificate and expiry, how many certificates of their
    active staff expire within EXPIRING_DAYS. One transaction per institution: its reminder rows and its
    notification stand or fall together."""
    from tuoyu.notifications.services import notify

    on = on or timezone.localdate()
    until = on + dt.timedelta(days=EXPIRING_DAYS)
    summary = ExpiryReminderSummary()
    by_person = _expiring(on, until)
    if not by_person:
        return summary
    per_institution: dict[int, set[Key]] = defaultdict(set)
    for person_id, institution_id in Employment.objects.filter(
        person_id__in=list(by_person), end_date__isnull=True
    ).values_list("person_id", "institution_id"):
        per_institution[institution_id].update(by_person[person_id])
    admins: dict[int, list[User]] = defaultdict(list)
    for m in Membership.objects.filter(
        role=Role.INSTITUTION_ADMIN,
        is_active=True,
        user__is_active=True,
        institution_id__in=list(per_institution),
    ).select_related("user"):
        admins[m.institution_id].append(m.user)
    for institution in Institution.objects.filter(pk__in=list(per_institution)).order_by("pk"):
        keys = per_institution[institution.pk]
        with transaction.atomic():
            sent = set(
                ExpiryReminder.objects.filter(
                    institution=institution, record_id__in=[k[1] for k in keys]
                ).values_list("kind", "record_id", "expires_on")
            )
            new = sorted(keys - sent)
            if not new:
                continue
            now = timezone.now()
            ExpiryReminder.objects.bulk_create(
                [
                    ExpiryReminder(kind=k, record_id=r, expires_on=d, institution=institution, sent_at=now)
                    for k, r, d in new
                ]
            )
            notify(
                recipients=admins.get(institution.pk, []),
                kind="staff.certificates_expiring",
                title=_("工作人员证书即将到期"),
                body=format_lazy(
                    _(
                        "本机构在职工作人员有 {n} 份证书（资格证书或健康证明）将在{days}天内到期，请及时更新。"
                    ),
                    n=len(new),
                    days=EXPIRING_DAYS,
                ),
                link=f"/staff/?institution={institution.pk}",
            )
            audit_record(
                "staff.expiry_reminder",
                obj=institution,
                actor=None,
                detail={"certificates": len(new), "recipients": len(admins.get(institution.pk, []))},
            )
        summary.institutions += 1
        summary.certificates += len(new)
    return summary
