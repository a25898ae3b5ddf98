"""Head checkpoints (审计链锚点): the chain's head, recorded outside the audit table.

A hash chain shows a changed or removed event in the middle, but not that its newest events were cut off,
nor — if whoever changed it could recompute every hash — that it was rewritten. So now and then (`tuoyu
tick`, `tuoyu audit-checkpoint`, and every retention prune before it deletes) the head of the chain is
appended as one line to ``settings.AUDIT_CHECKPOINT_FILE`` (var/audit-checkpoints.jsonl), a file the
database cannot reach. Each line is a JSON object::

    {"seq": 7, "kind": "head", "at": "...", "last_id": 1234, "last_hash": "...", "count": 1200,
     "key": "<audit key id>", "prev": "<mac of line 6>", "mac": "<HMAC-SHA256 of the rest>"}

A ``"prune"`` line also names the newest event the prune removes (``through_id``, ``through_hash``) and how
many it removes (``deleted``). ``mac`` is an HMAC under the audit key over the line's other fields, and
``prev`` chains each line to the one before, so an edited, inserted or removed line is seen. Cutting off
the file's own last lines is not visible in the file alone: that is why the operator copies it off the
machine (docs/operations.md) and can verify against that copy (`tuoyu audit-verify --checkpoints`).
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from tuoyu.core.crypto import UnknownKeyError, audit_keyring, audit_mac

CHECKPOINT_MAC_LABEL = b"tuoyu audit checkpoint v1\x00"
FIRST_PREV = "0" * 64


class CheckpointError(Exception):
    """The checkpoint file cannot be appended to safely (its last line is damaged)."""


def checkpoint_path(path: Path | str | None = None) -> Path:
    return Path(path or settings.AUDIT_CHECKPOINT_FILE)


def _mac_input(body: dict[str, Any]) -> bytes:
    content = {k: v for k, v in body.items() if k != "mac"}
    return (
        CHECKPOINT_MAC_LABEL
        + json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    )


def _last_line(fh: Any) -> str | None:
    """The file's last line, read from its end (the file only grows), or None if it is empty."""
    fh.seek(0, os.SEEK_END)
    end = fh.tell()
    if end == 0:
        return None
    chunk, pos, data = 4096, end, b""
    while pos > 0:
        step = min(chunk, pos)
        pos -= step
        fh.seek(pos)
        data = fh.read(step) + data
        if data.count(b"\n") >= 2 or pos == 0:
            break
    if not data.endswith(b"\n"):
        raise CheckpointError("the last line of the checkpoint file is incomplete")
    return data[:-1].rsplit(b"\n", 1)[-1].decode("utf-8")


def checkpoint_append(
    *,
    kind: str,
    last_id: int | None,
    last_hash: str,
    count: int,
    path: Path | str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Append one MACed line, chained to the previous one; the file is locked while it is read and
    written, and synced before returning."""
    target = checkpoint_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            raw = _last_line(fh)
            if raw is None:
                seq, prev = 1, FIRST_PREV
            else:
                try:
                    previous = json.loads(raw)
                    seq, prev = int(previous["seq"]) + 1, str(previous["mac"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise CheckpointError("the last line of the checkpoint file is damaged") from exc
            body: dict[str, Any] = {
                "seq": seq,
                "kind": kind,
                "at": timezone.now().isoformat(timespec="microseconds"),
                "last_id": last_id,
                "last_hash": last_hash,
                "count": count,
                **extra,
                "key": audit_keyring().current_id,
                "prev": prev,
            }
            body["mac"] = audit_mac(_mac_input(body), kid=body["key"])[1]
            fh.seek(0, os.SEEK_END)
            fh.write((json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return body


@dataclass
class CheckpointLog:
    """The checkpoint lines that verified, in order, and the first problem found (which ends the read:
    nothing after a bad line can be trusted)."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""
    exists: bool = True


def checkpoint_read(path: Path | str | None = None) -> CheckpointLog:
    """Read and check every line: valid JSON, consecutive seq, ``prev`` naming the line before, a MAC
    that verifies under a known audit key."""
    source = checkpoint_path(path)
    if not source.exists():
        return CheckpointLog(exists=False)
    log = CheckpointLog()
    prev = FIRST_PREV
    with open(source, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            where = f"checkpoint file {source.name} line {number}"
            if not raw.endswith(b"\n"):
                log.problem = f"{where}: incomplete line"
                return log
            try:
                body = json.loads(raw)
                seq, key, mac = body["seq"], body["key"], body["mac"]
                last_id, last_hash, count = body["last_id"], body["last_hash"], body["count"]
                kind = body["kind"]
            except (ValueError, KeyError, TypeError):
                log.problem = f"{where}: not a checkpoint (damaged or edited)"
                return log
            if seq != number or body.get("prev") != prev:
                log.problem = f"{where}: out of sequence (a line was removed, inserted or reordered)"
                return log
            try:
                expected = audit_mac(_mac_input(body), kid=str(key))[1]
            except UnknownKeyError:
                log.problem = f"{where}: signed with unknown audit key {key}"
                return log
            if expected != mac:
                log.problem = f"{where}: fails its MAC (edited)"
                return log
            if (
                not isinstance(count, int)
                or not isinstance(last_hash, str)
                or not (last_id is None or isinstance(last_id, int))
                or kind not in ("head", "prune")
            ):
                log.problem = f"{where}: malformed values"
                return log
            log.lines.append(body)
            prev = mac
    return log
