from django.conf import settings
from django.core.management.base import BaseCommand

from tuoyu.audit.services import audit_prune


class Command(BaseCommand):
    help = "删除超过保留期的审计事件（至少保留180天）。Prune audit events older than the retention period."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        if options["days"] < 180:
            self.stderr.write("retention must be at least 180 days; using 180")
        deleted = audit_prune(days=max(options["days"], 180))
        self.stdout.write(f"pruned {deleted} events older than {max(options['days'], 180)} days")
