import sys

from django.core.management.base import BaseCommand

from tuoyu.audit.services import audit_verify
from tuoyu.core.progress import Progress


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一个断裂处。Verify the audit hash chain; name the first broken link."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        progress = Progress("audit-verify", self.stdout._out)
        result = audit_verify(progress=lambda done, total: progress("events", done, total))
        if result.ok:
            self.stdout.write(f"OK: {result.checked} events, chain intact; head {result.head}")
            return
        self.stderr.write(
            f"BROKEN at event {result.broken_id}: {result.reason} ({result.checked} verified before it)"
        )
        sys.exit(1)
