"""The permission-matrix rows of notifications: everyone's inbox is their own (tuoyu/notifications/urls.py,
api.py).

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tuoyu.notifications.models import Notification
from tuoyu.notifications.services import notify
from tuoyu.testing.matrix import (
    SIGNED_IN,
    Check,
    Env,
    is_api,
    refused_anonymous,
    status_of,
)


def tell(env: Env, role: str) -> Notification:
    """A new unread notification for ``role``."""
    (n,) = notify(recipients=[env.user(role)], kind="test.matrix", title=f"«{role}»的消息", body="", link="/")
    return n


def everyone_told(env: Env) -> None:
    for r in SIGNED_IN:
        if not Notification.objects.filter(recipient=env.user(r)).exists():
            tell(env, r)


@dataclass
class OwnInbox(Check):
    """The inbox (web page or API list): one's own notifications, never another's — not even for the system
    admin or the auditor. Anonymous: the login page (web) or 401 (API)."""

    path: str

    def __call__(self, env: Env, role: str) -> None:
        everyone_told(env)
        response = env.client(role).get(self.path)
        if role == "anonymous":
            refused_anonymous(response, self.path)
            return
        what = f"GET {self.path}"
        status_of(response, role, what, 200)
        text = (
            json.dumps(response.json(), ensure_ascii=False)
            if is_api(self.path)
            else response.content.decode()
        )
        assert f"«{role}»的消息" in text, f"{role} {what}: own notification missing"
        for other in SIGNED_IN:
            if other != role:
                assert f"«{other}»的消息" not in text, f"{role} {what}: shows {other}'s notification"


@dataclass
class MarkOwnNotification(Check):
    """POST …/{id}/open/ (web) or …/{id}/read (API): one's own marks it read; another's answers 404 and stays
    unread; GET is refused on the web; anonymous to the login page (web) or 401 (API)."""

    path: str
    own_status: int

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        theirs = tell(env, env.other_than(role))
        url = self.path.format(notification_id=theirs.pk)
        if role == "anonymous":
            refused_anonymous(c.post(url), url)
        else:
            if not is_api(url):
                status_of(c.get(url), role, f"GET {url}", 405)
            response = c.post(url)
            status_of(response, role, f"POST {url} (another's)", 404)
            own = tell(env, role)
            status_of(c.post(self.path.format(notification_id=own.pk)), role, "POST (own)", self.own_status)
            own.refresh_from_db()
            assert own.read_at is not None, f"{role}: own notification still unread"
        theirs.refresh_from_db()
        assert theirs.read_at is None, f"{role} marked someone else's notification read"


@dataclass
class MarkAllOwnNotifications(Check):
    """POST read-all: marks one's own, nobody else's; anonymous to the login page (web) or 401 (API)."""

    path: str
    own_status: int

    def __call__(self, env: Env, role: str) -> None:
        everyone_told(env)
        Notification.objects.update(read_at=None)
        response = env.client(role).post(self.path)
        read_by = set(
            Notification.objects.filter(read_at__isnull=False).values_list("recipient_id", flat=True)
        )
        if role == "anonymous":
            refused_anonymous(response, self.path)
            assert not read_by
            return
        status_of(response, role, f"POST {self.path}", self.own_status)
        assert read_by == {env.user(role).pk}, f"{role} POST {self.path}: marked others' notifications read"


ROWS: dict[str, Check] = {
    # notifications: one's own inbox only
    "notifications/": OwnInbox("/notifications/"),
    "notifications/<int:notification_id>/open/": MarkOwnNotification(
        "/notifications/{notification_id}/open/", 302
    ),
    "notifications/read-all/": MarkAllOwnNotifications("/notifications/read-all/", 302),
    "GET /api/v1/notifications": OwnInbox("/api/v1/notifications"),
    "POST /api/v1/notifications/{notification_id}/read": MarkOwnNotification(
        "/api/v1/notifications/{notification_id}/read", 200
    ),
    "POST /api/v1/notifications/read-all": MarkAllOwnNotifications("/api/v1/notifications/read-all", 200),
}
