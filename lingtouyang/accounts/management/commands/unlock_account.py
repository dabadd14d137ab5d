from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lingtouyang.accounts.models import User
from lingtouyang.accounts.services import user_unlock


class Command(BaseCommand):
    help = "Lift a log-in lockout before its cool-off ends (audited): unlock-account NAME"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no account named {opts['username']!r}")
        count = user_unlock(acting_user=None, user=user)
        self.stdout.write(f"{user.username}: {count} failed log-in record(s) removed; the account can log in again.")
