"""Writing, verifying and pruning the audit trail. Services call ``audit_record`` inside their own
transaction: if the event cannot be written, their change rolls back with it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from tuoyu.audit.models import GENESIS_HASH, Event, Outcome
from tuoyu.core import context

_LOCK_KEY = 727_701  # pg advisory lock id for appending to the chain


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _clean_ip(value: str | None) -> str | None:
    """The address as the database will give it back (the hash covers it), or None if it is not one."""
    if not value:
        return None
    try:
        addr = ipaddress.ip_address(value.strip().split("%")[0])
    except ValueError:
        return None
    return clean_ipv6_address(str(addr)) if addr.version == 6 else str(addr)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    # SQLite: write transactions begin IMMEDIATE (settings), so appends are already serialised.


def audit_record(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = Outcome.SUCCESS,
    before: Any = None,
    after: Any = None,
    detail: Any = None,
    actor: Any = None,
    actor_username: str | None = None,
    ip: str | None = None,
) -> Event:
    """Append one event to the chain. Actor and IP default to the current request's."""
    event = audit_event(
        action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        before=before,
        after=after,
        detail=detail,
        actor=actor,
        actor_username=actor_username,
        ip=ip,
    )
    with transaction.atomic():
        _lock_chain()
        last = Event.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS_HASH
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event


def audit_event(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = Outcome.SUCCESS,
    before: Any = None,
    after: Any = None,
    detail: Any = None,
    actor: Any = None,
    actor_username: str | None = None,
    ip: str | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """An event not yet in the chain (no hashes), for :func:`audit_record_many`. Same defaults as
    :func:`audit_record`."""
    ctx = context.current()
    actor = actor if actor is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return Event(
        at=at or timezone.now(),
        actor=actor,
        actor_username=actor_username if actor_username is not None else getattr(actor, "username", ""),
        ip=_clean_ip(ip if ip is not None else ctx.ip),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        outcome=outcome,
        before=_jsonable(before),
        after=_jsonable(after),
        detail=_jsonable(detail),
    )


AUDIT_BATCH_SIZE = 500


def audit_record_many(events: list[Event]) -> list[Event]:
    """Append many events (from :func:`audit_event`) to the chain in a few INSERTs, in list order.

    The chain is the same as if each had been recorded with :func:`audit_record`: each event's
    ``prev_hash`` is the one before it, the first follows the current head. For bulk writes (an import's
    rows), which would otherwise lock the chain and read its head once per event.
    """
    if not events:
        return events
    with transaction.atomic():
        _lock_chain()
        prev = Event.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
        for event in events:
            if event.pk is not None:
                raise ValueError("audit events are appended once")
            event.prev_hash = prev
            event.hash = prev = event.compute_hash()
        # bulk_create bypasses Event.save(), which only refuses updates; these are all inserts.
        Event.objects.bulk_create(events, batch_size=AUDIT_BATCH_SIZE)
    return events


def model_snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A model's concrete field values for before → after. Encrypted fields are left out: the trail
    must not become a second copy of personal data."""
    from tuoyu.core.fields import BlindIndexField, EncryptedTextField

    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if isinstance(field, EncryptedTextField | BlindIndexField) or field.name == "password":
            continue
        out[field.attname] = field.value_from_object(obj)
    return _jsonable(out)


@dataclass
class VerifyResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""
    # The newest event's hash. The chain cannot show that its newest events were cut off; an operator
    # who notes the head now and then (or ships it off the machine) can.
    head: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def audit_verify(*, progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    """Walk the chain from the oldest event and name the first broken link."""
    total = Event.objects.count()
    prev: str | None = None
    checked = 0
    prune_anchors = {
        (e.detail or {}).get("through_hash")
        for e in Event.objects.filter(action="audit.prune").only("detail")
    }
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        if prev is None:
            if event.prev_hash != GENESIS_HASH and event.prev_hash not in prune_anchors:
                return VerifyResult(
                    checked, event.id, "first event does not start the chain or follow a prune"
                )
        elif event.prev_hash != prev:
            return VerifyResult(
                checked, event.id, "prev_hash does not match the previous event (removed or altered)"
            )
        if event.compute_hash() != event.hash:
            return VerifyResult(checked, event.id, "content does not match its hash (altered)")
        prev = event.hash
        checked += 1
        if progress and (checked % 5000 == 0 or checked == total):
            progress(checked, total)
    return VerifyResult(checked, head=prev or GENESIS_HASH)


def audit_prune(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete events older than the retention period (never less than 180 days) and record it."""
    days = max(days or settings.AUDIT_RETENTION_DAYS, 180)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        _lock_chain()
        old = Event.objects.filter(at__lt=cutoff)
        last = old.order_by("-id").values("id", "hash").first()
        if last is None:
            return 0
        # Keep the chain checkable: the first surviving event must follow the newest pruned one.
        old = Event.objects.filter(id__lte=last["id"])
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET LOCAL tuoyu.audit_prune = 'on'")
            else:
                cur.execute("INSERT INTO audit_pruneguard (id) VALUES (1)")
        deleted = old._prune_delete()
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET LOCAL tuoyu.audit_prune = 'off'")
            else:
                cur.execute("DELETE FROM audit_pruneguard")
        audit_record(
            "audit.prune",
            object_type="audit.event",
            detail={"deleted": deleted, "through_id": last["id"], "through_hash": last["hash"], "days": days},
        )
    return deleted
