"""A plain progress line for long commands (works in logs and terminals alike)."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()

    def __call__(self, what: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        line = f"{self.label} {what}: [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if self.tty:
            self.stream.write("\r" + line)
            if done >= total:
                self.stream.write("\n")
        elif done >= total:
            self.stream.write(line + "\n")
        self.stream.flush()
