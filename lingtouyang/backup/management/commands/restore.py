"""`lingtouyang restore FILE [--force]`: bring a backup back onto an empty machine and check it all."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lingtouyang.backup.services import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup onto an empty database and file directories, then verify it; exit 1 on any mismatch."
    requires_system_checks: list[str] = []  # the target may have no tables yet

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true",
                            help="replace whatever the database and file directories already hold")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        try:
            report = backup_restore(path=path, force=opts["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Backup of %(date)s (lingtouyang %(version)s) restored.") % {
            "date": report.manifest.get("created_at", "?"), "version": report.manifest.get("lingtouyang_version", "?")})
        for line in report.lines:
            self.stdout.write(f"  {line}")
        if report.pending_migrations:
            self.stdout.write(_("  %(n)d newer database changes of this version are not applied yet: run "
                                "`lingtouyang migrate`.") % {"n": report.pending_migrations})
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  {problem}")
            self.stderr.write(_("Restore NOT verified: %(n)d problems.") % {"n": len(report.problems)})
            raise SystemExit(1)
        self.stdout.write(_("Verified: everything matches the backup."))
