"""Removing uploads no record points to (older than a day)."""

from __future__ import annotations

from typing import Any

from tuoyu.core.registry import job
from tuoyu.files.services import orphans_remove


def _orphans(out: Any) -> str:
    return f"files: removed {orphans_remove()} orphaned uploads (older than a day, no record)"


job(name="files-orphans", order=70, run=_orphans)
