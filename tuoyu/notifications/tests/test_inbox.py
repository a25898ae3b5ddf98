"""The inbox in the web UI and the API: one's own notifications only (not even the system admin sees another's),
opening one marks it read and follows its link, the unread badge in the navigation, constant query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.audit.models import Event, Outcome
from tuoyu.core import scoping
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.notifications.models import Notification
from tuoyu.notifications.selectors import inbox, unread_count
from tuoyu.notifications.services import notification_mark_read, notifications_mark_all_read, notify

pytestmark = pytest.mark.django_db


def tell(
    user: Any, title: str = "备案已通过", link: str = "/accounts/profile/", n: int = 1
) -> list[Notification]:
    rows = []
    for i in range(n):
        rows += notify(
            recipients=[user],
            kind="filing.accepted",
            title=f"{title}{i or ''}",
            body="请查看备案回执。",
            link=link,
        )
    return rows


def badge(html: str) -> str | None:
    """The unread count in the navigation badge, or None when the badge is hidden."""
    m = re.search(
        r'<span id="nav-badge-notifications" class="([^"]*)"[^>]*>(\d+)<span class="visually-hidden">'
        r"条未读</span>",
        html,
    )
    assert m, "no notifications badge in the navigation"
    return None if "d-none" in m.group(1) else m.group(2)


# --- scoping ------------------------------------------------------------------------------------


def test_a_user_sees_and_changes_only_their_own_notifications(cast: Any) -> None:
    (mine,) = tell(cast.pat)
    (theirs,) = tell(cast.ann)
    for action in ("view", "change"):
        assert list(scoping.scoped(cast.pat, action, Notification)) == [mine]
    for action in ("reveal", "export"):
        assert not scoping.scoped(cast.pat, action, Notification).exists()
    assert list(inbox(viewer=cast.ann)) == [theirs]


@pytest.mark.parametrize("who", ["sam", "audrey", "zhou"])
def test_not_even_the_system_admin_or_auditor_reads_another_users_inbox(cast: Any, who: str) -> None:
    tell(cast.pat)
    assert not scoping.scoped(getattr(cast, who), "view", Notification).exists()


def test_marking_another_users_notification_is_not_found_audited_and_changes_nothing(
    cast: Any, login: Any
) -> None:
    from django.http import Http404

    (theirs,) = tell(cast.ann)
    with pytest.raises(Http404):
        notification_mark_read(user=cast.sam, notification_id=theirs.pk)
    # Through a request the refusal is recorded (after the service's transaction has rolled back).
    assert login(cast.sam).post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    denied = Event.objects.get(action="access.denied", object_id=str(theirs.pk))
    assert denied.outcome == Outcome.DENIED and denied.actor_id == cast.sam.pk
    assert notifications_mark_all_read(user=cast.sam) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_twice_keeps_the_first_read_time(cast: Any) -> None:
    (n,) = tell(cast.pat)
    first = notification_mark_read(user=cast.pat, notification_id=n.pk).read_at
    assert first is not None
    assert notification_mark_read(user=cast.pat, notification_id=n.pk).read_at == first


def test_unread_count_is_one_query_and_zero_for_anonymous(cast: Any, django_assert_num_queries: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    tell(cast.pat, n=3)
    notification_mark_read(user=cast.pat, notification_id=Notification.objects.first().pk)
    with django_assert_num_queries(1):
        assert unread_count(viewer=cast.pat) == 2
    with django_assert_num_queries(0):
        assert unread_count(viewer=AnonymousUser()) == 0


# --- the web inbox ------------------------------------------------------------------------------


def test_the_inbox_lists_newest_first_with_unread_in_bold(cast: Any, login: Any) -> None:
    old, new = tell(cast.pat, "旧消息")[0], tell(cast.pat, "新消息")[0]
    notification_mark_read(user=cast.pat, notification_id=old.pk)
    html = login(cast.pat).get("/notifications/").content.decode()
    assert html.index("新消息") < html.index("旧消息")
    assert re.search(r'fw-bold" type="submit">新消息<', html)
    assert re.search(r'text-decoration-none" type="submit">旧消息<', html)
    assert f"/notifications/{new.pk}/open/" in html


def test_the_inbox_shows_nothing_of_another_users(cast: Any, login: Any) -> None:
    tell(cast.ann, "安的消息")
    html = login(cast.pat).get("/notifications/").content.decode()
    assert "安的消息" not in html and "还没有消息" in html
    api = login(cast.pat).get("/api/v1/notifications").json()
    assert api["count"] == 0 and api["items"] == []


def test_the_unread_filter_lists_only_unread(cast: Any, login: Any) -> None:
    read, unread = tell(cast.pat, "已读的")[0], tell(cast.pat, "未读的")[0]
    notification_mark_read(user=cast.pat, notification_id=read.pk)
    html = login(cast.pat).get("/notifications/?unread=1").content.decode()
    assert "未读的" in html and "已读的" not in html
    assert unread.pk


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(cast: Any, login: Any) -> None:
    (n,) = tell(cast.pat, link="/accounts/profile/")
    client = login(cast.pat)
    assert client.get(f"/notifications/{n.pk}/open/").status_code == 405  # GET never changes state
    n.refresh_from_db()
    assert n.read_at is None
    response = client.post(f"/notifications/{n.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_opening_a_notification_without_a_link_goes_back_to_the_inbox(cast: Any, login: Any) -> None:
    (n,) = tell(cast.pat, link="")
    response = login(cast.pat).post(f"/notifications/{n.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"


def test_opening_another_users_notification_is_not_found_and_leaves_it_unread(cast: Any, login: Any) -> None:
    (theirs,) = tell(cast.ann)
    for who in (cast.pat, cast.sam, cast.ben):
        assert login(who).post(f"/notifications/{theirs.pk}/open/").status_code == 404
    for missing in ("999999999", "99999999999999999999999"):
        assert login(cast.pat).post(f"/notifications/{missing}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_ones_own(cast: Any, login: Any) -> None:
    tell(cast.pat, n=3)
    tell(cast.ann)
    response = login(cast.pat).post("/notifications/read-all/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=cast.pat, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=cast.ann).read_at is None


def test_mark_all_read_by_htmx_answers_the_list_and_the_badge_out_of_band(cast: Any, login: Any) -> None:
    tell(cast.pat, n=2)
    response = login(cast.pat).post("/notifications/read-all/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="nav-badge-notifications"' in html and 'hx-swap-oob="true"' in html
    assert badge(html) is None
    assert "HX-Request" in response["Vary"]


def test_the_filter_by_htmx_answers_only_the_list(cast: Any, login: Any) -> None:
    tell(cast.pat)
    html = login(cast.pat).get("/notifications/?unread=1", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "备案已通过" in html


def test_an_htmx_history_restore_gets_the_whole_page(cast: Any, login: Any) -> None:
    response = login(cast.pat).get(
        "/notifications/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_the_navigation_shows_the_unread_count_on_every_page(cast: Any, login: Any) -> None:
    client = login(cast.pat)
    assert badge(client.get("/").content.decode()) is None
    (first, *_rest) = tell(cast.pat, n=3)
    assert badge(client.get("/").content.decode()) == "3"
    assert badge(client.get("/accounts/profile/").content.decode()) == "3"
    client.post(f"/notifications/{first.pk}/open/")
    assert badge(client.get("/").content.decode()) == "2"
    tell(cast.ann, n=5)  # someone else's do not count
    assert badge(client.get("/").content.decode()) == "2"


def test_the_inbox_paginates(cast: Any, login: Any) -> None:
    tell(cast.pat, n=25)
    client = login(cast.pat)
    first = client.get("/notifications/").content.decode()
    assert first.count('class="notification-open"') == 20 and "1 / 2" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert second.count('class="notification-open"') == 5


def test_the_inbox_query_count_does_not_grow_with_the_notifications(cast: Any, login: Any) -> None:
    client = login(cast.pat)
    tell(cast.pat, n=2)
    client.get("/notifications/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/notifications/").status_code == 200
    tell(cast.pat, n=40)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/notifications/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_anonymous_visitors_are_sent_to_sign_in(cast: Any, client: Any) -> None:
    (n,) = tell(cast.pat)
    for response in (client.get("/notifications/"), client.post(f"/notifications/{n.pk}/open/")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    n.refresh_from_db()
    assert n.read_at is None


# --- the API ------------------------------------------------------------------------------------


def test_the_api_lists_ones_own_newest_first_paginated_and_filtered(cast: Any, login: Any) -> None:
    rows = tell(cast.pat, n=3)
    tell(cast.ann)
    notification_mark_read(user=cast.pat, notification_id=rows[0].pk)
    client = login(cast.pat)
    body = client.get("/api/v1/notifications?limit=2").json()
    assert body["count"] == 3 and [i["id"] for i in body["items"]] == [rows[2].pk, rows[1].pk]
    item = body["items"][0]
    assert (
        item["unread"] is True and item["link"] == "/accounts/profile/" and item["kind"] == "filing.accepted"
    )
    assert set(item) == {
        "id",
        "kind",
        "title",
        "body",
        "link",
        "created_at",
        "read_at",
        "emailed_at",
        "unread",
    }
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert {i["id"] for i in unread["items"]} == {rows[1].pk, rows[2].pk}


def test_the_api_marks_one_read_and_all_read(cast: Any, login: Any) -> None:
    rows = tell(cast.pat, n=3)
    client = login(cast.pat)
    response = client.post(f"/api/v1/notifications/{rows[0].pk}/read")
    assert response.status_code == 200 and response.json()["unread"] is False
    response = client.post("/api/v1/notifications/read-all")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}


def test_an_id_beyond_any_database_id_is_a_422_problem_naming_it(cast: Any, login: Any) -> None:
    response = login(cast.sam).post("/api/v1/notifications/99999999999999999999999/read")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert [e["field"] for e in response.json()["errors"]] == ["notification_id"]


@pytest.mark.parametrize("notification_id", ["theirs", "999999999", "9223372036854775807"])
def test_the_api_answers_404_problem_for_another_users_or_a_missing_notification(
    cast: Any, login: Any, notification_id: str
) -> None:
    (theirs,) = tell(cast.ann)
    nid = theirs.pk if notification_id == "theirs" else notification_id
    response = login(cast.sam).post(f"/api/v1/notifications/{nid}/read")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_refuses_a_bad_filter_and_bad_paging_with_a_problem(cast: Any, login: Any) -> None:
    client = login(cast.pat)
    for query in ("unread=maybe", "limit=0", "limit=100000", "offset=-1"):
        response = client.get(f"/api/v1/notifications?{query}")
        assert response.status_code == 422 and response["Content-Type"] == PROBLEM_CONTENT_TYPE, query


def test_the_api_needs_authentication(cast: Any, client: Any) -> None:
    for response in (
        client.get("/api/v1/notifications"),
        client.post("/api/v1/notifications/read-all"),
        client.post("/api/v1/notifications/1/read"),
    ):
        assert response.status_code == 401 and response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_the_api_list_query_count_does_not_grow(cast: Any, login: Any) -> None:
    client = login(cast.pat)
    tell(cast.pat, n=2)
    client.get("/api/v1/notifications")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/notifications")
    tell(cast.pat, n=30)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/notifications")
    assert len(many.captured_queries) == len(few.captured_queries)
