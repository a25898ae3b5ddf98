"""Writing notifications: ``notify`` for the services of other apps, and marking them read for their recipient.

How a workflow service tells people about a step::

    @transaction.atomic
    def filing_return(*, filing, by, reasons):
        ...change the state, audit_record(...)...
        notify(
            recipients=institution_admins(filing.institution),
            kind="filing.returned",
            title=_("备案材料被退回，请修改后重新提交"),
            body=format_lazy(_("退回原因共 {n} 项，请登录查看。"), n=len(reasons)),
            link=reverse("filings:detail", args=[filing.pk]),
        )

- The inbox rows are written in the caller's transaction: if the action rolls back, so do they.
- Email goes out only after the transaction commits (``transaction.on_commit``), only when
  ``settings.NOTIFY_EMAIL`` is on, and only to active recipients with an email address. A rolled-back action
  sends nothing. A mail server that fails is logged and leaves ``emailed_at`` empty; the action stands.
- **Personal data stays out of notifications.** Email crosses servers we do not run, and the inbox outlives
  the record's access rules. Write only what the recipient needs to know that something happened — the kind
  of step, a count, a deadline — and a link; the details are behind the link, where scoping and the audit
  trail apply. No ID or phone numbers, no children's names, no health data.
- Text is stored in the platform's language (``settings.LANGUAGE_CODE``), whatever the acting user reads:
  pass ``gettext_lazy`` strings (``format_lazy`` for ones with values) and ``notify`` renders them.

Marking read is the recipient's own inbox state, not a change to the domain, so it is not written to the
audit trail (the action that caused the notification is audited by its own service; a read time is kept on
the row). Trying another user's notification answers 404 and *is* audited, by ``get_scoped_or_404``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser as User  # notifications sit below accounts
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tuoyu.core.scoping import get_scoped_or_404, scoped
from tuoyu.notifications.models import Notification

logger = logging.getLogger("tuoyu.notifications")

Text = str | Promise


@transaction.atomic
def notify(
    *, recipients: Iterable[User], kind: str, title: Text, body: Text, link: str = ""
) -> list[Notification]:
    """One inbox row per distinct recipient; an email copy after commit when configured. Returns the rows.

    Raises ``django.core.exceptions.ValidationError`` for a bad kind, title, body or link (a link must be a
    path inside tuoyu: ``/…``, never ``//…`` or ``http…``) — a programming error of the caller.
    """
    users = list({u.pk: u for u in recipients if u is not None and u.pk is not None}.values())
    with translation.override(settings.LANGUAGE_CODE):
        prototype = Notification(kind=str(kind), title=str(title), body=str(body), link=str(link))
    prototype.clean_fields(exclude=["recipient", "created_at"])
    if not users:
        return []
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                kind=prototype.kind,
                title=prototype.title,
                body=prototype.body,
                link=prototype.link,
                created_at=now,
            )
            for u in users
        ]
    )
    if settings.NOTIFY_EMAIL:
        to_email = [n for n in rows if n.recipient.email and n.recipient.is_active]
        if to_email:
            transaction.on_commit(lambda: _send_emails(to_email), robust=True)
    return rows


def _email_text(n: Notification) -> str:
    parts = [n.body.strip()] if n.body.strip() else []
    site = settings.SITE_URL.rstrip("/")
    if n.link and site:
        parts.append(_("查看详情：%(url)s") % {"url": site + n.link})
    else:
        parts.append(_("请登录托育服务监管平台查看。"))
    parts.append("—\n" + _("本邮件由托育服务监管平台自动发送，请勿回复。"))
    return "\n\n".join(parts)


def _send_emails(rows: list[Notification]) -> None:
    """After commit: one message per recipient (no one sees another's address), over one connection.

    Every failure is logged with the notification's id and the recipient's user id — never the address —
    and leaves ``emailed_at`` empty, so an operator can find and resend what did not go out.
    """
    sent: list[int] = []
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with mail.get_connection(fail_silently=False) as connection:
                for n in rows:
                    message = mail.EmailMessage(
                        subject=_("【托育服务监管平台】%(title)s") % {"title": n.title},
                        body=_email_text(n),
                        to=[n.recipient.email],
                        connection=connection,
                    )
                    try:
                        message.send()
                    except Exception:
                        logger.exception(
                            "notification email failed: notification=%s recipient=%s", n.pk, n.recipient_id
                        )
                    else:
                        sent.append(n.pk)
        except Exception:
            logger.exception(
                "notification email failed: could not reach the mail server (notifications %s)",
                ",".join(str(n.pk) for n in rows),
            )
    if sent:
        Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())


# No @transaction.atomic on the two below: each is one conditional UPDATE, and a transaction here would roll
# back the access.denied event that get_scoped_or_404 writes before answering 404.
def notification_mark_read(*, user: Any, notification_id: int) -> Notification:
    """The user's own notification, marked read (once: a second call keeps the first read time)."""
    n = get_scoped_or_404(user, "change", Notification, pk=notification_id)
    if n.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=now):
            n.read_at = now
        else:  # read in another tab a moment ago
            n.refresh_from_db(fields=["read_at"])
    return n


def notifications_mark_all_read(*, user: Any) -> int:
    """Every unread notification of the user, marked read; returns how many."""
    qs = scoped(user, "change", Notification).filter(read_at__isnull=True)
    return qs.update(read_at=timezone.now())
