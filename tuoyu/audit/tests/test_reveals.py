"""The one reveal service (tuoyu.audit.reveals): a reveal writes its audit event, and a reveal whose event
cannot be written reveals nothing — from the service, the page and the API alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from tuoyu.audit.models import Event
from tuoyu.audit.reveals import personal_data_reveal
from tuoyu.bans import services
from tuoyu.bans.reveals import BAN_REVEAL
from tuoyu.core.errors import DomainError
from tuoyu.staff.reveals import PERSON_REVEAL
from tuoyu.testing.bans import ZZ_ID, ban_data

pytestmark = pytest.mark.django_db


class AuditStoreDown(Exception):
    pass


def _audit_down(monkeypatch: Any) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AuditStoreDown("the audit table is unavailable")

    # The chain appends through core.imports.bulk_insert (bulk_create where that does not apply).
    monkeypatch.setattr("tuoyu.audit.services.bulk_insert", fail)
    monkeypatch.setattr(Event.objects, "bulk_create", fail)


def test_a_reveal_returns_the_value_and_writes_its_event_with_the_viewer(cast: Any) -> None:
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    value = personal_data_reveal(viewer=cast.zhou, revealable=BAN_REVEAL, pk=ban.pk, field="id_number")
    assert value == ZZ_ID
    event = Event.objects.get(action="bans.id_number_reveal")
    assert (event.actor, event.object_type, event.object_id) == (cast.zhou, "bans.ban", str(ban.pk))
    assert ZZ_ID not in str(event.detail) + str(event.after)


def test_a_reveal_whose_audit_write_fails_reveals_nothing(cast: Any, monkeypatch: Any) -> None:
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    before = Event.objects.count()
    _audit_down(monkeypatch)
    with pytest.raises(AuditStoreDown):
        personal_data_reveal(viewer=cast.zhou, revealable=BAN_REVEAL, pk=ban.pk, field="id_number")
    assert Event.objects.count() == before


@pytest.mark.parametrize("url", ["/bans/{pk}/reveal/", "/api/v1/bans/{pk}/reveal"])
def test_the_page_and_the_api_show_no_value_when_the_audit_write_fails(
    cast: Any, login: Any, monkeypatch: Any, url: str
) -> None:
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    client = login(cast.zhou)
    ok = client.post(url.format(pk=ban.pk))
    assert ok.status_code == 200 and ZZ_ID in ok.content.decode()
    reveals = Event.objects.filter(action="bans.id_number_reveal").count()
    _audit_down(monkeypatch)
    quiet = Client(raise_request_exception=False)
    quiet.cookies = client.cookies
    response = quiet.post(url.format(pk=ban.pk))
    assert response.status_code == 500 and ZZ_ID not in response.content.decode()
    assert Event.objects.filter(action="bans.id_number_reveal").count() == reveals


def test_a_field_not_declared_revealable_is_refused_before_anything_is_read(cast: Any) -> None:
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(DomainError) as caught:
        personal_data_reveal(viewer=cast.zhou, revealable=BAN_REVEAL, pk=ban.pk, field="reason")
    assert caught.value.code == "not_revealable"
    assert not Event.objects.filter(action__endswith="_reveal").exists()


def test_someone_outside_the_scope_gets_404_and_no_reveal_event(cast: Any, login: Any) -> None:
    ban = services.ban_create(by=cast.zhou, data=ban_data())
    with pytest.raises(Http404):
        personal_data_reveal(viewer=cast.carol, revealable=BAN_REVEAL, pk=ban.pk, field="id_number")
    assert login(cast.carol).post(f"/bans/{ban.pk}/reveal/").status_code == 404
    assert login(cast.zhou).post("/staff/999999/reveal/reason/").status_code == 404  # not a revealable field
    assert not Event.objects.filter(action__endswith="_reveal").exists()
    assert PERSON_REVEAL.fields == {"id_number", "phone"}
