"""Django's flush, which empties the whole database (tests do between transactional tests), allowed past
the audit tables' triggers: emptying everything is not editing the trail."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import transaction

from lingtouyang.audit import guard


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with transaction.atomic(using=options["database"]), guard.deleting(options["database"]):
            super().handle(**options)
