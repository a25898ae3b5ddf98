from django.core.management.base import BaseCommand, CommandError

from tuoyu.core import keys
from tuoyu.core.progress import Progress


class Command(BaseCommand):
    help = "轮换个人信息加密密钥并重新加密全部数据。Rotate the field-encryption key and re-seal all values."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument(
            "--reseal-only",
            action="store_true",
            help="do not generate a key; re-seal with the first key already configured (TUOYU_FIELD_KEY)",
        )

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        if not options["reseal_only"]:
            try:
                kid = keys.add_key_to_file()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"new field key {kid} put first in the key file")
        summary = keys.reseal_all(progress=Progress("rotate-field-key", self.stdout._out))
        self.stdout.write(
            f"re-sealed {summary.rows} rows ({summary.fields} columns) with key {summary.key_id}"
        )
