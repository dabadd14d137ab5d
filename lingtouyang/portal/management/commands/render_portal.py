import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lingtouyang.portal.render import portal_dir, render_all


class Command(BaseCommand):
    help = ("Render the public portal's pages as files (home, county and township indexes, every village's "
            "pages): the full rebuild; publications re-render their own village.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default="", help="a code prefix (e.g. 5105 or 510521): only the villages under it")
        parser.add_argument("--posters", action="store_true",
                            help="remake the posters too (after a change of PORTAL_BASE_URL or of village names)")

    def handle(self, *args: Any, **opts: Any) -> None:
        prefix = opts["region"].strip()
        if prefix and not (prefix.isdigit() and len(prefix) <= 12):
            raise CommandError("--region takes a code prefix of up to 12 digits")
        started = time.monotonic()
        villages = render_all(prefix, posters=opts["posters"])
        self.stdout.write(f"portal: {villages} villages rendered under {portal_dir()} "
                          f"in {time.monotonic() - started:.1f}s")
