"""Notifications (站内消息): what the platform tells one user, in their inbox and (when configured) by email."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# One line of printable text (a title becomes an email subject: no header injection).
one_line = RegexValidator(r"^[^\x00-\x1f\x7f]*$", _("不能包含控制字符或换行。"), code="control_characters")
# Plain text with line breaks and tabs, nothing else below 0x20 (PostgreSQL refuses NUL with an error).
plain_text = RegexValidator(
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$", _("不能包含控制字符。"), code="control_characters"
)
kind_code = RegexValidator(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", _("类型代码只能由小写字母、数字、下划线和点组成。"), code="kind"
)


def validate_internal_link(value: str) -> None:
    """A path inside tuoyu (``/filings/12/``): never another site, so following a notification is safe.

    ``//evil`` and ``/\\evil`` are refused too: browsers read both as a link to another host.
    """
    if not value:
        return
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in value)
    ):
        raise ValidationError(
            _("链接必须是本平台内以“/”开头的相对地址。"), code="external_link", params={"value": value}
        )


class Notification(models.Model):
    """A message to one user (站内消息) about a step that concerns them — a filing returned, a deadline near.

    Rows are written by ``services.notify`` inside the action's transaction; the recipient alone reads them and
    marks them read. ``emailed_at`` is set once an email copy was handed to the mail server.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=64, validators=[kind_code])
    title = models.CharField(_("标题"), max_length=200, validators=[one_line])
    body = models.TextField(_("内容"), blank=True, validators=[plain_text])
    link = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_internal_link])
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [
            # The inbox and the unread badge: one user's rows, unread first, newest first.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notifications_inbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="") & ~models.Q(title=""),
                name="%(app_label)s_%(class)s_kind_and_title",
                violation_error_message=_("消息必须有类型和标题。"),
            ),
            models.CheckConstraint(
                condition=models.Q(link="")
                | (
                    models.Q(link__startswith="/")
                    & ~models.Q(link__startswith="//")
                    & ~models.Q(link__contains="\\")
                ),
                name="%(app_label)s_%(class)s_link_internal",
                violation_error_message=_("链接必须是本平台内以“/”开头的相对地址。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
