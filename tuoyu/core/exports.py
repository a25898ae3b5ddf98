"""CSV exports that a spreadsheet opens safely: UTF-8 with a BOM, and no cell run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

# A cell starting with one of these is a formula (or a DDE payload) to Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: a leading apostrophe defuses a would-be formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The BOM, the header and each row as CSV lines (cells made ``spreadsheet_safe``), for streaming."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM so Excel opens the Chinese text as UTF-8
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe("" if cell is None else str(cell)) for cell in row])
