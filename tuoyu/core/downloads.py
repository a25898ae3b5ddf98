"""Naming a download for every browser."""

from __future__ import annotations

from urllib.parse import quote


def content_disposition(filename: str, *, as_attachment: bool) -> str:
    """RFC 6266 with an RFC 5987 UTF-8 name, and a plain ASCII name for clients that ignore ``filename*``."""
    stem, dot, ext = filename.rpartition(".")
    ascii_stem = "".join(c for c in stem if c.isascii() and (c.isalnum() or c in "-_ ")).strip() or "file"
    fallback = f"{ascii_stem}{dot}{ext}" if dot else ascii_stem
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
