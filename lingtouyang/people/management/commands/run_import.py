from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lingtouyang.people.jobs import import_job_run, import_jobs_fail_stale


class Command(BaseCommand):
    help = "Run an uploaded roster import job (started by the web page)."
    requires_system_checks: list[str] = []  # as import-roster: the checks cost more than the job's first rows

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", type=int)
        parser.add_argument("--address", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        import_jobs_fail_stale()  # including this one, if its first process was killed long ago
        job = import_job_run(opts["job"], address=opts["address"])
        self.stdout.write(f"job {job.pk}: {job.status}")
