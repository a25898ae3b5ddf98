import sys

from django.core.management.base import BaseCommand

from tuoyu.audit.services import audit_verify
from tuoyu.core.progress import Progress


class Command(BaseCommand):
    help = (
        "校验审计日志（每条事件的密钥MAC、哈希链、链外锚点），指出第一个问题。"
        "Verify the audit trail (each event's keyed MAC, the chain, the checkpoints outside it); name the first problem."
    )

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="checkpoint file to verify against, e.g. the copy kept off this machine (default: settings)",
        )

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        progress = Progress("audit-verify", self.stdout._out)
        result = audit_verify(
            checkpoint_file=options["checkpoints"],
            progress=lambda done, total: progress("events", done, total),
        )
        for warning in result.warnings:
            self.stderr.write(f"WARNING: {warning}")
        if result.ok:
            self.stdout.write(f"OK: {result.checked} events, chain intact; head {result.head}")
            newest = result.newest_checkpoint
            if newest is not None:
                self.stdout.write(
                    f"checkpoints: {result.checkpoints} agree; newest #{newest['seq']} of {newest['at']}"
                    f" at event {newest['last_id'] if newest['last_id'] is not None else '-'}"
                )
            if result.legacy:
                self.stdout.write(
                    f"{result.legacy} events from before the audit key carry plain SHA-256 hashes"
                    " (pinned by the first keyed event)"
                )
            return
        where = f" at event {result.broken_id}" if result.broken_id is not None else ""
        self.stderr.write(f"BROKEN{where}: {result.reason} ({result.checked} verified before it)")
        sys.exit(1)
