from django.core.management.base import BaseCommand

from tuoyu.core import registry


class Command(BaseCommand):
    help = "定时任务（每日由 cron/systemd 调用）。Scheduled jobs: run daily from cron or a systemd timer."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        # Every app's jobs (its jobs.py), in their order; each answers the line(s) to print.
        for job in registry.jobs():
            result = job.run(self.stdout._out)
            for line in [result] if isinstance(result, str) else result or []:
                self.stdout.write(self.style.WARNING(line) if job.warning else line)
