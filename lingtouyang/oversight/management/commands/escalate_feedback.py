from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lingtouyang.oversight.services import feedback_escalate_due


class Command(BaseCommand):
    help = ("Escalate to the township every resident's thread the village has not answered by its due date "
            "(run daily; pages show the same even before it runs): escalate-feedback [--on YYYY-MM-DD]")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=date.fromisoformat, default=None, help="as of this day (default today)")

    def handle(self, *args: Any, **opts: Any) -> None:
        count = feedback_escalate_due(acting_user=None, on=opts["on"])
        self.stdout.write(f"escalated: {count}")
