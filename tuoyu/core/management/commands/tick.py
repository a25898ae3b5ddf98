from django.core.management.base import BaseCommand

from tuoyu.audit.services import audit_checkpoint, audit_prune
from tuoyu.calendars.selectors import next_year_reminder
from tuoyu.core.progress import Progress
from tuoyu.institutions.services import filing_reminders_send


class Command(BaseCommand):
    help = "定时任务（每日由 cron/systemd 调用）。Scheduled jobs: run daily from cron or a systemd timer."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        deleted = audit_prune()
        self.stdout.write(f"audit retention: pruned {deleted} events")
        checkpoint = audit_checkpoint()
        self.stdout.write(f"audit checkpoint #{checkpoint['seq']}: head {checkpoint['last_id'] or '-'}")
        filing = filing_reminders_send()
        self.stdout.write(
            f"filing: reminded {filing.reminded} unfiled institutions, flagged {filing.flagged_overdue} overdue"
        )
        from tuoyu.standards.services import evaluate_all

        bar = Progress("tick", self.stdout._out)
        compliance = evaluate_all(progress=lambda done, total: bar("compliance", done, total))
        self.stdout.write(
            f"compliance: evaluated {compliance.evaluated} filed institutions in {compliance.seconds:.1f} s"
        )
        from tuoyu.staff.reminders import expiry_reminders_send

        expiring = expiry_reminders_send()
        self.stdout.write(
            f"staff certificates: reminded {expiring.institutions} institutions"
            f" of {expiring.certificates} expiring certificates"
        )
        from tuoyu.accounts.services import api_token_expiry_reminders_send

        tokens = api_token_expiry_reminders_send()
        self.stdout.write(f"api tokens: reminded owners of {tokens} tokens expiring soon")
        from tuoyu.files.services import orphans_remove

        self.stdout.write(f"files: removed {orphans_remove()} orphaned uploads (older than a day, no record)")
        reminder = next_year_reminder()
        if reminder:
            self.stdout.write(self.style.WARNING(reminder))
