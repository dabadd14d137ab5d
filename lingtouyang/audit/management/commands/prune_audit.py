"""`lingtouyang prune-audit --before YYYY-MM-DD --export FILE`: events older than the retention period (at
least six months) are written to FILE as JSON lines, then deleted; the chain goes on verifying from the first
event kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lingtouyang.audit.chain import audit_prune


class Command(BaseCommand):
    help = "Export and delete audit events older than the retention period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--before", required=True, help="prune events before this day (YYYY-MM-DD)")
        parser.add_argument("--export", required=True, help="new file that receives the pruned events (JSON lines)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            before = date.fromisoformat(options["before"])
        except ValueError as exc:
            raise CommandError(_("a date is YYYY-MM-DD")) from exc
        try:
            result = audit_prune(acting_user=None, before=before, path=Path(options["export"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(_("%(n)d events pruned into %(path)s; the chain now starts at seq %(seq)d")
                          % {"n": result.pruned, "path": result.path, "seq": result.anchor_seq})
