import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lingtouyang.accounts.models import User
from lingtouyang.people.importer import import_roster


class Command(BaseCommand):
    help = "Import a roster .xlsx: all or nothing; on failure every problem is listed and the exit status is 1."
    # The system checks import every URL's views and take longer than reading 20,000 rows; `migrate`
    # and `runserver` run them, a batch job needs none of it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="as_user", help="import as this account (its jurisdiction applies)")
        parser.add_argument("--quiet", action="store_true", help="no progress line")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        user = None
        if opts["as_user"]:
            user = User.objects.filter(username=opts["as_user"]).first()
            if user is None:
                raise CommandError(f"no such account: {opts['as_user']}")
        show = not opts["quiet"] and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show:
                width = 30
                filled = int(width * done / max(total, 1))
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
                sys.stderr.flush()

        result = import_roster(path, acting_user=user, progress=progress)
        if show:
            sys.stderr.write("\n")
        lines = result.report_lines()
        if result.ok:
            self.stdout.write(lines[0])
            return
        self.stderr.write("\n".join(lines))
        sys.exit(1)
