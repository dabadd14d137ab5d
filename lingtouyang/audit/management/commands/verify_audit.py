"""`lingtouyang verify-audit`: seal what is waiting, then re-compute the audit trail's hash chain; exit 1 when
anything was altered, deleted or inserted behind the application's back. Run it from cron (hourly, say) and
keep the printed head somewhere the database's administrators cannot write: the head is what shows that
events were deleted from the chain's end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from lingtouyang.audit.chain import verify


class Command(BaseCommand):
    help = "Seal and verify the audit trail's hash chain; exit 1 if it was tampered with."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--chunk", type=int, default=5000, help="events read per query")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify(chunk=max(100, options["chunk"]))
        for problem in report.problems:
            self.stdout.write(f"{_('broken')}: {problem}")
        if not report.ok:
            self.stdout.write(_("audit trail NOT intact: %(n)d problems (%(e)d events checked)")
                              % {"n": len(report.problems), "e": report.events})
            raise SystemExit(1)
        self.stdout.write(_("intact: %(n)d events, last seq %(seq)d, hash %(hash)s")
                          % {"n": report.events, "seq": report.last_seq, "hash": report.head})
