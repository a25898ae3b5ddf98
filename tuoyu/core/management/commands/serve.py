"""Serve tuoyu with gunicorn (a production server; static files through whitenoise)."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tuoyu.core.server import gunicorn_argv


class Command(BaseCommand):
    help = (
        "以生产级服务器（gunicorn）运行 tuoyu。Serve tuoyu with gunicorn on 127.0.0.1:$PORT (default 8000)."
    )

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("TUOYU_WORKERS", "3"))
        parser.add_argument("--threads", default=os.environ.get("TUOYU_THREADS", "4"))

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"tuoyu: serving on http://{options['host']}:{options['port']}/  (Ctrl-C stops)")
        sys.stdout.flush()
        argv = [
            *gunicorn_argv(
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                threads=options["threads"],
            ),
            "--access-logfile",
            "-",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
        # exec: gunicorn becomes this process, so Ctrl-C reaches it directly and it stops cleanly.
        os.execv(sys.executable, argv)
