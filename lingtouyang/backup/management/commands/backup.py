"""`lingtouyang backup --output FILE`: one encrypted archive of the database, the uploaded files and a manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lingtouyang.backup.services import BackupError, backup_create


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and uploaded files (key: BACKUP_KEY)."
    requires_system_checks: list[str] = []  # a nightly job; the checks would only slow it down

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, required=True, help="the archive to write")
        parser.add_argument("--include-portal", action="store_true",
                            help="also the rendered portal pages (they can be rendered again, so not by default)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            manifest = backup_create(output=opts["output"], include_portal=opts["include_portal"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["database"]["tables"]
        size = opts["output"].stat().st_size
        self.stdout.write(_("Backup written to %(file)s (%(mb).1f MB): %(tables)d tables, %(rows)d rows, %(files)d "
                            "files, %(villages)d ledger chains, %(events)d audit events.") % {
            "file": opts["output"], "mb": size / 1e6, "tables": len(tables),
            "rows": sum(t["rows"] for t in tables.values()), "files": len(manifest["files"]),
            "villages": len(manifest["ledger"]["chain_heads"]), "events": manifest["audit"].get("events") or 0})
