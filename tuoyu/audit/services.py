"""Writing, verifying and pruning the audit trail. Services call ``audit_record`` inside their own
transaction: if the event cannot be written, their change rolls back with it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from tuoyu.audit import registry
from tuoyu.audit.checkpoints import checkpoint_append, checkpoint_read
from tuoyu.audit.models import GENESIS_HASH, Event, Outcome
from tuoyu.core import context
from tuoyu.core.crypto import UnknownKeyError
from tuoyu.core.imports import bulk_insert
from tuoyu.core.masking import mask_id_number, mask_mobile
from tuoyu.core.validators import id_check_character

_LOCK_KEY = 727_701  # pg advisory lock id for appending to the chain

logger = logging.getLogger(__name__)


class _NotPlain(Exception):
    """Internal: a value :func:`_json_copy` leaves to the JSON round trip."""


# What ``json.dumps(default=str)`` writes as ``str(value)``: the types services put in before/after/detail.
_AS_TEXT = (dt.date, dt.datetime, Decimal)


def _json_copy(value: Any) -> Any:
    """``value`` as a JSON round trip gives it back, for the plain cases: dicts with string keys, lists and
    tuples, strings, integers, booleans, None, finite floats, and dates, datetimes and decimals (their
    ``str()``, as ``default=str`` writes them). Raises _NotPlain for anything else (a subclass, a set…)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out[key] = _json_copy(item)
        return out
    if kind is list or kind is tuple:
        return [_json_copy(item) for item in value]
    if kind is float and math.isfinite(value):
        return value
    if kind in _AS_TEXT:
        return str(value)
    raise _NotPlain


def _jsonable(value: Any) -> Any:
    """``value`` as JSON gives it back (dates as strings, tuples as lists…): copied directly when it is made
    of the plain types (:func:`_json_copy`), else through ``json.dumps``/``json.loads``."""
    if value is None:
        return None
    try:
        return _json_copy(value)
    except _NotPlain:
        return json.loads(json.dumps(value, default=str, ensure_ascii=False))


# A whole 18-character ID number or an 11-digit mainland mobile (optionally +86), standing alone or inside
# text, but not a run of digits inside a longer token such as a hash or a serial number.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<![0-9A-Za-z+])((?:\+|00)?86[- ]?)?(1[3-9]\d{9})(?![0-9A-Za-z])")


# Both numbers above hold a run of at least 11 digits: text without one has nothing to mask.
_DIGIT_RUN_RE = re.compile(r"\d{11}")


def _mask_text(text: str) -> str:
    if not _DIGIT_RUN_RE.search(text):
        return text

    def id_number(match: re.Match[str]) -> str:
        number = match.group(1).upper()
        return mask_id_number(number) if id_check_character(number[:17]) == number[17] else match.group(0)

    text = _ID_RE.sub(id_number, text)
    return _MOBILE_RE.sub(lambda m: (m.group(1) or "") + mask_mobile(m.group(2)), text)


def _mask_personal_data(value: Any) -> Any:
    """The same JSON value with every full ID number (valid check character) and mobile number masked.

    A guard, not the rule: callers leave personal data out of before/after/detail (``model_snapshot`` skips
    encrypted fields), but one forgotten field must not put a clear number into a table that is never
    changed or deleted for at least 180 days."""
    if isinstance(value, str):
        return _mask_text(value) if len(value) >= 11 else value
    if isinstance(value, dict):
        return {key: _mask_personal_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_personal_data(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and 13_000_000_000 <= value < 20_000_000_000:
        masked = _mask_text(str(value))
        return value if masked == str(value) else masked
    return value


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


def audit_record(action: str, **fields: Any) -> Event:
    """Append one event to the chain (the fields of :func:`audit_event`; actor and IP default to the current
    request's)."""
    return audit_record_many([audit_event(action, **fields)])[0]


def _anchor_first_keyed(last_key: str | None) -> None:
    if last_key is None:
        # The first keyed event (of a new trail, or after the plain ones): anchor it at once rather than
        # at the next tick, so the trail cannot be rewritten wholesale with plain hashes until then.
        transaction.on_commit(audit_checkpoint, robust=True)


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
    :func:`audit_record`.

    ``action`` is one an app declares in its ``actions.py`` (tuoyu.audit.registry). An undeclared one is
    refused with UnknownAuditAction when ``settings.AUDIT_STRICT_ACTIONS`` is on (tests); otherwise it is
    recorded as given and logged as a warning."""
    action = str(action)  # an AuditAction member is stored as its code
    if not registry.is_registered(action):
        if settings.AUDIT_STRICT_ACTIONS:
            raise registry.UnknownAuditAction(
                f"audit action {action!r} is not declared in any app's actions.py (AuditAction)"
            )
        logger.warning("audit action %r is not declared in any app's actions.py; recorded as given", action)
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
        before=_mask_personal_data(_jsonable(before)),
        after=_mask_personal_data(_jsonable(after)),
        detail=_mask_personal_data(_jsonable(detail)),
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
        prev, last_key = Event.objects.order_by("-id").values_list("hash", "mac_key").first() or (
            GENESIS_HASH,
            None,
        )
        for event in events:
            if event.pk is not None:
                raise ValueError("audit events are appended once")
            event.prev_hash = prev
            event.seal()
            prev = event.hash
        # bulk_insert bypasses Event.save(), which only refuses updates; these are all inserts.
        bulk_insert(Event, events, batch_size=AUDIT_BATCH_SIZE)
        _anchor_first_keyed(last_key)
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
    # The newest event's hash and id.
    head: str = GENESIS_HASH
    head_id: int | None = None
    # How many checkpoint lines verified and agreed with the table, and the newest of them.
    checkpoints: int = 0
    newest_checkpoint: dict[str, Any] | None = None
    # Events from before keyed hashes (plain SHA-256, ``mac_key`` NULL): only as strong as they were.
    legacy: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass
class _Prunes:
    """The prunes whose record can be trusted: a keyed ``audit.prune`` event whose MAC verifies and whose
    ``through_id``/``through_hash`` a prune checkpoint line also names — or, from before keyed hashes, a
    plain one among the plain events (pinned by the first keyed event's MAC over its ``prev_hash``)."""

    anchors: set[str] = dataclasses.field(default_factory=set)
    covered_through: int = 0
    event_ids: set[int] = dataclasses.field(default_factory=set)
    # checkpoint seq of each trusted keyed prune's line → how many events that prune deleted
    deleted_at_line: dict[int, int] = dataclasses.field(default_factory=dict)


def _trusted_prunes(lines: list[dict[str, Any]]) -> _Prunes:
    first_keyed = (
        Event.objects.filter(mac_key__isnull=False).order_by("id").values_list("id", flat=True).first()
    )
    prune_lines: dict[tuple[Any, Any], int] = {}
    for line in lines:
        if line["kind"] == "prune":  # a retried prune names the same events again: the last line counts
            prune_lines[(line.get("through_id"), line.get("through_hash"))] = line["seq"]
    trusted = _Prunes()
    for event in Event.objects.filter(action="audit.prune").order_by("id"):
        detail = event.detail if isinstance(event.detail, dict) else {}
        through_id, through_hash = detail.get("through_id"), detail.get("through_hash")
        try:
            if event.compute_hash() != event.hash:
                continue
        except UnknownKeyError:
            continue
        if event.mac_key is None:
            if first_keyed is not None and event.id > first_keyed:
                continue
        elif (through_id, through_hash) in prune_lines:
            trusted.deleted_at_line[prune_lines[(through_id, through_hash)]] = int(detail.get("deleted") or 0)
        else:
            continue
        trusted.anchors.add(through_hash)
        trusted.event_ids.add(event.id)
        if isinstance(through_id, int):
            trusted.covered_through = max(trusted.covered_through, through_id)
    return trusted


def audit_verify(
    *,
    checkpoint_file: Path | str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyResult:
    """Check the whole trail and name the first problem.

    1. The checkpoint file: every line's MAC and its link to the line before.
    2. The chain, from the oldest event: each event's MAC (or plain hash, for the events from before keyed
       hashes, none of which may follow a keyed one) and its link to the one before; the oldest must start
       the chain or follow a trusted prune.
    3. Every checkpoint against the table: the event it names is there with the same hash and as many
       events up to it as it counted (less what trusted prunes since removed), or a trusted prune removed
       it. A checkpoint newer than the table's head means the newest events were cut off.
    """
    log = checkpoint_read(checkpoint_file)
    if log.problem:
        return VerifyResult(0, reason=log.problem)
    by_event: dict[int, list[dict[str, Any]]] = {}
    for line in log.lines:
        if line["last_id"] is not None:
            by_event.setdefault(line["last_id"], []).append(line)
    prunes = _trusted_prunes(log.lines)

    total = Event.objects.count()
    result = VerifyResult(0)
    prev: str | None = None
    keyed_seen = False
    agreed: set[int] = set()

    def broken(event: Event, reason: str) -> VerifyResult:
        result.broken_id, result.reason = event.id, reason
        return result

    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        if prev is None:
            if event.prev_hash != GENESIS_HASH and event.prev_hash not in prunes.anchors:
                return broken(event, "first event does not start the chain or follow a recorded prune")
        elif event.prev_hash != prev:
            return broken(event, "prev_hash does not match the previous event (removed or altered)")
        if event.mac_key is None:
            if keyed_seen:
                return broken(event, "plain SHA-256 hash after keyed events (downgraded to forge it)")
            result.legacy += 1
        else:
            keyed_seen = True
        try:
            expected = event.compute_hash()
        except UnknownKeyError:
            return broken(event, f"hashed with unknown audit key {event.mac_key}")
        if expected != event.hash:
            return broken(
                event, "content does not match its hash (altered, or re-hashed without the audit key)"
            )
        if event.action == "audit.prune" and event.mac_key is not None and event.id not in prunes.event_ids:
            return broken(event, "prune event is not recorded in the checkpoint file")
        result.checked += 1
        for line in by_event.get(event.id, ()):
            if line["last_hash"] != event.hash:
                return broken(
                    event, f"hash differs from checkpoint #{line['seq']} of {line['at']} (rewritten)"
                )
            expected_count = line["count"] - sum(
                deleted for seq, deleted in prunes.deleted_at_line.items() if seq >= line["seq"]
            )
            if result.checked != expected_count:
                return broken(
                    event,
                    f"checkpoint #{line['seq']} counted {expected_count} events up to here,"
                    f" the table has {result.checked} (removed or inserted)",
                )
            agreed.add(line["seq"])
        prev = event.hash
        result.head, result.head_id = event.hash, event.id
        if progress and (result.checked % 5000 == 0 or result.checked == total):
            progress(result.checked, total)

    for line in log.lines:
        if line["seq"] in agreed or line["last_id"] is None or line["last_id"] <= prunes.covered_through:
            continue
        result.broken_id = line["last_id"]
        if result.head_id is None or line["last_id"] > result.head_id:
            result.reason = (
                f"the trail ends at event {result.head_id or '-'} but checkpoint #{line['seq']} of"
                f" {line['at']} recorded event {line['last_id']} as its head: newest events were removed"
            )
        else:
            result.reason = (
                f"event {line['last_id']} named by checkpoint #{line['seq']} of {line['at']} is missing,"
                " and no recorded prune removed it"
            )
        return result
    result.checkpoints = len(log.lines)
    result.newest_checkpoint = log.lines[-1] if log.lines else None
    if not log.lines:
        result.warnings.append(
            "no checkpoints yet: newest events cut off would not be noticed (run `tuoyu audit-checkpoint`)"
        )
    return result


def audit_checkpoint(*, path: Path | str | None = None) -> dict[str, Any]:
    """Append the chain's head (newest id, its hash, how many events) to the checkpoint file."""
    with transaction.atomic():
        _lock_chain()
        head = Event.objects.order_by("-id").values("id", "hash").first() or {
            "id": None,
            "hash": GENESIS_HASH,
        }
        return checkpoint_append(
            kind="head", last_id=head["id"], last_hash=head["hash"], count=Event.objects.count(), path=path
        )


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
        # Record the prune outside the table before deleting: if the transaction then fails, the line only
        # names a prune that no audit.prune event confirms, which makes nothing acceptable.
        head = Event.objects.order_by("-id").values("id", "hash").first()
        checkpoint_append(
            kind="prune",
            last_id=head["id"],
            last_hash=head["hash"],
            count=Event.objects.count(),
            through_id=last["id"],
            through_hash=last["hash"],
            deleted=old.count(),
        )
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
