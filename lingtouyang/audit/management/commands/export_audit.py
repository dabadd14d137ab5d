"""`lingtouyang export-audit [--since ISO] [--after-seq N] [--output FILE]`: sealed audit events as JSON lines,
in chain order, for a log system (filebeat, rsyslog). Appends to FILE (default: standard output); the last
position written goes to standard error, for the next run's --after-seq."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.chain import seal, sealed_rows, write_lines
from lingtouyang.audit.services import audit_record


def _since(raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(_("--since is a date or time in ISO form, e.g. 2026-05-01 or 2026-05-01T08:00")) from exc
    return when if timezone.is_aware(when) else timezone.make_aware(when)


class Command(BaseCommand):
    help = "Write the audit trail as JSON lines for a log system."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--since", default="", help="events at or after this time (ISO; local time if no offset)")
        parser.add_argument("--after-seq", type=int, default=0, help="events after this chain position")
        parser.add_argument("--output", default="", help="file to append to (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(options["since"])
        if options["after_seq"] < 0:
            raise CommandError(_("--after-seq is a chain position, 0 or more"))
        seal()
        last = {"seq": options["after_seq"]}

        def tracked() -> Any:
            for row in sealed_rows(since=since, after_seq=options["after_seq"]):
                last["seq"] = row["seq"]
                yield row

        if options["output"]:
            path = Path(options["output"])
            try:
                with path.open("a", encoding="utf-8") as out:
                    n = write_lines(tracked(), out)
            except OSError as exc:
                raise CommandError(_("cannot write %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        else:
            n = write_lines(tracked(), self.stdout)
        audit_record("export.audit", changes={"format": "jsonl", "events": n, "since": options["since"],
                                              "after_seq": options["after_seq"], "last_seq": last["seq"],
                                              "file": options["output"]})
        self.stderr.write(_("%(n)d events written, last seq %(seq)d") % {"n": n, "seq": last["seq"]})
