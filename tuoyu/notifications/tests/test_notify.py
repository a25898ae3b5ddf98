"""notify(): inbox rows in the caller's transaction; an email copy only when configured and only after commit;
a mail server that fails is logged and changes nothing else; links never leave tuoyu."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, override

from tuoyu.audit.services import audit_record
from tuoyu.notifications.models import Notification
from tuoyu.notifications.services import notify

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def email_on(settings: Any) -> Any:
    settings.NOTIFY_EMAIL = True
    settings.EMAIL_BACKEND = LOCMEM
    settings.SITE_URL = "https://tuoyu.example.gov.cn"
    return settings


def with_email(*users: Any) -> None:
    for u in users:
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])


def returned(recipients: list[Any]) -> list[Notification]:
    return notify(
        recipients=recipients,
        kind="filing.returned",
        title="备案材料被退回，请修改后重新提交",
        body="退回原因共 2 项。",
        link="/institutions/1/",
    )


def test_notify_writes_one_unread_row_per_distinct_recipient(cast: Any) -> None:
    rows = returned([cast.ann, cast.stacy, cast.ann, None])
    assert {n.recipient for n in rows} == {cast.ann, cast.stacy}
    stored = Notification.objects.order_by("recipient__username")
    assert [n.recipient.username for n in stored] == ["ann", "stacy"]
    for n in stored:
        assert n.kind == "filing.returned" and n.link == "/institutions/1/" and n.body == "退回原因共 2 项。"
        assert n.read_at is None and n.emailed_at is None


def test_notify_with_nobody_to_tell_writes_nothing(cast: Any) -> None:
    assert returned([]) == []
    assert not Notification.objects.exists()


def test_no_email_is_sent_when_email_is_not_configured(
    cast: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_EMAIL = False
    settings.EMAIL_BACKEND = LOCMEM
    with_email(cast.ann)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        returned([cast.ann])
    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_email_goes_only_after_commit_and_only_to_recipients_with_an_address(
    cast: Any, email_on: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(cast.ann)  # stacy has no address: inbox only
    with django_capture_on_commit_callbacks(execute=True):
        returned([cast.ann, cast.stacy])
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"]
    assert message.subject == "【托育服务监管平台】备案材料被退回，请修改后重新提交"
    assert "退回原因共 2 项。" in message.body
    assert "https://tuoyu.example.gov.cn/institutions/1/" in message.body
    assert Notification.objects.get(recipient=cast.ann).emailed_at is not None
    assert Notification.objects.get(recipient=cast.stacy).emailed_at is None


def test_each_recipient_gets_their_own_message(
    cast: Any, email_on: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(cast.ann, cast.stacy)
    with django_capture_on_commit_callbacks(execute=True):
        returned([cast.ann, cast.stacy])
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "stacy@example.org"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)


def test_an_inactive_recipient_is_not_emailed(
    cast: Any, email_on: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(cast.ann)
    cast.ann.is_active = False
    cast.ann.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        returned([cast.ann])
    assert mail.outbox == []


def test_without_a_site_address_the_email_says_to_sign_in_instead_of_linking(
    cast: Any, email_on: Any, django_capture_on_commit_callbacks: Any
) -> None:
    email_on.SITE_URL = ""
    with_email(cast.ann)
    with django_capture_on_commit_callbacks(execute=True):
        returned([cast.ann])
    assert "/institutions/1/" not in mail.outbox[0].body
    assert "请登录托育服务监管平台查看" in mail.outbox[0].body


def test_an_action_that_rolls_back_leaves_no_notification_and_sends_nothing(
    cast: Any, email_on: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(cast.ann)

    def action() -> None:
        with transaction.atomic():
            audit_record("filing.return", object_type="institutions.filing", object_id="1")
            returned([cast.ann])
            raise IntegrityError("the filing moved on")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(IntegrityError):
        action()
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_mail_server_that_cannot_be_reached_is_logged_and_the_action_stands(
    cast: Any, email_on: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    # A real SMTP backend pointed at a port where nothing listens: the connection is refused.
    email_on.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    email_on.EMAIL_HOST, email_on.EMAIL_PORT, email_on.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with_email(cast.ann)
    with (
        caplog.at_level(logging.ERROR, logger="tuoyu.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = returned([cast.ann])
    n = Notification.objects.get()
    assert n.pk == rows[0].pk and n.emailed_at is None
    failures = [r for r in caplog.records if r.name == "tuoyu.notifications"]
    assert len(failures) == 1 and failures[0].exc_info is not None
    assert str(n.pk) in failures[0].getMessage()
    assert "ann@example.org" not in caplog.text  # the address is personal data: ids only in the log


@pytest.mark.parametrize(
    "link",
    [
        "http://evil.example",
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example/path",
        "/path with space",
        "/a\nb",
    ],
)
def test_a_link_outside_tuoyu_is_refused(cast: Any, link: str) -> None:
    with pytest.raises(ValidationError) as raised:
        notify(recipients=[cast.ann], kind="filing.returned", title="标题", body="", link=link)
    assert "link" in raised.value.message_dict
    assert not Notification.objects.exists()


@pytest.mark.parametrize("link", ["//evil.example", "http://evil.example", "/\\evil.example"])
def test_the_database_refuses_a_link_outside_tuoyu_too(cast: Any, link: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=cast.ann, kind="x", title="标题", link=link)


def test_a_path_inside_tuoyu_with_a_query_is_accepted(cast: Any) -> None:
    (n,) = notify(
        recipients=[cast.ann], kind="x.y", title="标题", body="", link="/institutions/?q=小星星#top"
    )
    assert n.link == "/institutions/?q=小星星#top"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "第一行\n第二行"),
        ("title", ""),
        ("kind", "Filing Returned"),
        ("kind", ""),
        ("body", "a\x00b"),
    ],
)
def test_bad_text_is_refused(cast: Any, field: str, value: str) -> None:
    fields = {"kind": "filing.returned", "title": "标题", "body": "正文"} | {field: value}
    with pytest.raises(ValidationError) as raised:
        notify(recipients=[cast.ann], **fields)
    assert field in raised.value.message_dict


def test_lazy_text_is_stored_in_the_platform_language_whatever_the_actor_reads(cast: Any) -> None:
    with override("en"):
        assert str(gettext_lazy("首页")) == "Home"  # the actor reads English…
        (n,) = notify(
            recipients=[cast.ann],
            kind="filing.returned",
            title=gettext_lazy("首页"),
            body=format_lazy("{} · {}", gettext_lazy("首页"), 3),
        )
    assert n.title == "首页" and n.body == "首页 · 3"  # …the recipient's inbox is in Chinese
