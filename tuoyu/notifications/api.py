"""API: the caller's own notifications (站内消息) — list, mark one read, mark all read."""

# No ``from __future__ import annotations``: django-ninja reads the annotations at runtime.

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tuoyu.core.apitypes import DbId
from tuoyu.core.pagination import LimitOffset
from tuoyu.core.registry import ApiMount
from tuoyu.notifications import selectors, services
from tuoyu.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="类型代码，如 filing.returned")
    title: str
    body: str = Field(description="纯文本")
    link: str = Field(description="本平台内的相对地址（以“/”开头），可为空")
    created_at: dt.datetime
    read_at: dt.datetime | None
    emailed_at: dt.datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj: Notification) -> bool:
        return obj.read_at is None


class ReadAllOut(Schema):
    marked: int = Field(description="本次标为已读的条数")


@router.get("", response=list[NotificationOut], summary="我的消息 / my notifications (newest first)")
@paginate(LimitOffset)
def notification_list(request: HttpRequest, unread: bool = False):  # noqa: ANN201
    return selectors.inbox(viewer=request.user, unread_only=unread)


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读 / mark all read")
def notification_read_all(request: HttpRequest) -> dict:
    return {"marked": services.notifications_mark_all_read(user=request.user)}


@router.post("/{notification_id}/read", response=NotificationOut, summary="标为已读 / mark one read")
def notification_read(request: HttpRequest, notification_id: DbId) -> Notification:
    return services.notification_mark_read(user=request.user, notification_id=notification_id)


# Where tuoyu/api.py mounts this app's routers (under /api/v1); the order keeps the OpenAPI order stable.
api_mounts = [
    ApiMount("/notifications", router, order=40),
]
