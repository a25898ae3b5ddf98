"""Compile the .po catalogues to .mo with polib (pure Python: no GNU gettext needed to run tuoyu)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "编译界面翻译（.po → .mo）。Compile the UI translations (.po → .mo)."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        root = Path(settings.BASE_DIR) / "tuoyu"
        count = 0
        for po_path in sorted(root.rglob("locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"translations: {count} catalogue(s) compiled")
