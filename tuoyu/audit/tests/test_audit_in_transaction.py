"""A service's change and its audit event commit together: if the event cannot be written, nothing is."""

from __future__ import annotations

from typing import Any

import pytest

from tuoyu.accounts.models import ApiToken
from tuoyu.accounts.services import api_token_create
from tuoyu.audit.models import Event

pytestmark = pytest.mark.django_db


class AuditStoreDown(Exception):
    pass


def test_a_service_whose_audit_write_fails_changes_nothing(cast: Any, monkeypatch: Any) -> None:
    events_before = Event.objects.count()

    def fail(self: Event, *args: Any, **kwargs: Any) -> None:
        raise AuditStoreDown("the audit table is unavailable")

    monkeypatch.setattr(Event, "save", fail)
    # The chain appends through core.imports.bulk_insert (bulk_create where that does not apply).
    monkeypatch.setattr("tuoyu.audit.services.bulk_insert", fail)
    monkeypatch.setattr(Event.objects, "bulk_create", fail)
    with pytest.raises(AuditStoreDown):
        api_token_create(user=cast.alice, name="登记系统")
    assert not ApiToken.objects.filter(user=cast.alice).exists()
    assert Event.objects.count() == events_before


def test_the_same_service_commits_its_change_and_event_together(cast: Any) -> None:
    token, _secret = api_token_create(user=cast.alice, name="登记系统")
    event = Event.objects.get(action="api_token.create", object_id=str(token.pk))
    assert event.actor_id == cast.alice.pk
    assert event.after == {"name": "登记系统", "prefix": token.key_prefix}
