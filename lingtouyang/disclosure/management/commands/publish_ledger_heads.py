"""`lingtouyang publish-ledger-heads [--date YYYY-MM-DD]`: each village's chain head as of the end of a day
(default: yesterday), for the villages that have none for that day. Run nightly."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.disclosure.ledger import publish_heads


class Command(BaseCommand):
    help = "Publish each village's disclosure ledger head for a day."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", default="", help="the day (default: yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate() - timedelta(days=1)
        except ValueError as exc:
            raise CommandError(_("a date is YYYY-MM-DD")) from exc
        if on > timezone.localdate():
            raise CommandError(_("a head cannot be published for a future day"))
        n = publish_heads(on)
        self.stdout.write(_("%(n)d ledger heads published for %(date)s") % {"n": n, "date": on.isoformat()})
