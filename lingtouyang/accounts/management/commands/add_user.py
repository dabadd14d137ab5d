import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lingtouyang.accounts.roles import Role
from lingtouyang.accounts.services import user_create


class Command(BaseCommand):
    help = "Create an account bound to a role and a region: add-user NAME --role ROLE --region CODE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", required=True, help="the region's code (12 digits, or its prefix)")
        parser.add_argument("--password-env", help="read the password from this environment variable")
        parser.add_argument("--department", default="", help="for a department reviewer: the department")
        parser.add_argument("--name", default="", help="the person's full name")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["password_env"]:
            password = os.environ.get(opts["password_env"], "")
            if not password:
                raise CommandError(f"environment variable {opts['password_env']} is empty or not set")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the passwords differ")
        try:
            user = user_create(acting_user=None, username=opts["username"], role=opts["role"],
                               region_code=opts["region"], password=password, department=opts["department"],
                               full_name=opts["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(f"{user.username}: {user.get_role_display()} · {user.region} ({user.region_id})")
