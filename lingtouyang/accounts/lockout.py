"""How many failed log-ins lock what. django-axes counts per account name and per address with one limit;
here an address gets its own, larger limit: a township office or village committee reaches us from one
public address behind its router, and five typing mistakes among its staff must not lock them all out.
Guessing from one address is still held to a few dozen tries per cool-off."""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures that count, on the account limit's scale: an address's failures are scaled down
        by its own limit, so either count reaching its limit locks."""
        limit = get_failure_limit(request, credentials)
        counted = []
        for parameter, attempts in zip(get_lockout_parameters(request, credentials),
                                       self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                failures = failures * limit // settings.LINGTOUYANG_LOGIN_ADDRESS_FAILURE_LIMIT
            counted.append(failures)
        return max(counted, default=0)
