"""The ``tuoyu`` command: manage.py with dashed names (``tuoyu load-regions`` → ``load_regions``)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
    argv = list(sys.argv)
    argv[0] = "tuoyu"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
