from django.core.management.base import BaseCommand

from tuoyu.audit.services import audit_checkpoint


class Command(BaseCommand):
    help = (
        "把审计链链头（最新事件ID、哈希、条数）记入链外锚点文件。"
        "Append the audit chain's head (newest id, its hash, the count) to the checkpoint file."
    )

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        line = audit_checkpoint()
        self.stdout.write(
            f"checkpoint #{line['seq']}: {line['count']} events, head {line['last_id'] or '-'} {line['last_hash']}"
        )
