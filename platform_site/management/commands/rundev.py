"""``manage.py rundev [addr:port]``: the development server plus a local Celery worker and beat.

With the embedded defaults (SQLite, filesystem broker) nothing else needs to be installed. The worker
runs in the solo pool (one task at a time) with the scheduler embedded (``-B``); it stops with the server.
Beat runs ``CELERY_BEAT_SCHEDULE``: the outbox deliverer (work queued while the broker was unavailable) and
the stale-job sweeper (jobs of a killed worker). In the solo pool they wait while a long job runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server together with a local Celery worker (embedded defaults)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        worker = None
        # Django's autoreloader re-runs this command in a child process (RUN_MAIN=true): start the worker once.
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "platform_site",
                    "worker",
                    "-B",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--hostname=portal-dev@%h",
                ],
            )
            self.stdout.write(self.style.SUCCESS(f"Celery worker started (pid {worker.pid})."))
            self.stdout.write(f"Portal: http://{addrport}/   (demo logins above; password demo-2026)")
        try:
            call_command("runserver", addrport)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
