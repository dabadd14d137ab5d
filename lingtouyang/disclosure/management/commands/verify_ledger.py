"""`lingtouyang verify-ledger [--region CODE]`: re-compute every village's chain; exit 1 when one is broken."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lingtouyang.core.scope import parse_prefix
from lingtouyang.disclosure.ledger import verify_region


class Command(BaseCommand):
    help = "Re-compute the disclosure ledger's hash chains and report each village that was altered."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", default="", help="a region code or prefix (default: everywhere)")
        parser.add_argument("--no-files", action="store_true", help="do not re-hash attachment files")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = parse_prefix(options["region"])
        if prefix is None:
            raise CommandError(_("a region is 1 to 12 digits"))
        if len(prefix) == 12:
            from lingtouyang.disclosure.services import region_prefix
            prefix = region_prefix(prefix)
        results = verify_region(prefix, check_files=not options["no_files"])
        broken = [r for r in results if not r.ok]
        for r in broken:
            self.stdout.write(f"{r.village}: {_('altered')} — {r.reason}")
        entries = sum(r.entries for r in results)
        self.stdout.write(_("%(v)d villages, %(e)d entries checked: %(b)d altered")
                          % {"v": len(results), "e": entries, "b": len(broken)})
        if broken:
            raise SystemExit(1)
        self.stdout.write(_("intact"))
