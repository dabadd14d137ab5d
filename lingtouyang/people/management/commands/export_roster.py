from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lingtouyang.core.xlsx import MAX_ROWS, ExportTooLarge
from lingtouyang.people.exporter import export_people_file
from lingtouyang.regions.models import Region


class Command(BaseCommand):
    help = "Export the roster of a region (and everything below it) to .xlsx; ID numbers masked unless --full-id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="region code (12 digits)")
        parser.add_argument("-o", "--output", required=True, type=Path)
        parser.add_argument("--full-id", action="store_true", help="write full ID numbers (recorded in the audit trail)")

    def handle(self, *args: Any, **opts: Any) -> None:
        region = Region.objects.filter(code=opts["region"].ljust(12, "0")).first()
        if region is None:
            raise CommandError(f"no such region: {opts['region']}")
        try:
            count = export_people_file(opts["output"], region=region.prefix, full_id=opts["full_id"])
        except ExportTooLarge as exc:
            raise CommandError(f"more than {MAX_ROWS:,} people: too many for one sheet; export each county") from exc
        self.stdout.write(f"{count} people of {region.short_name} ({region.code}) → {opts['output']}")
