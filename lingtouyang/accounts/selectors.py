from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum
from django.utils import timezone


def login_failures(username: str) -> int:
    """Failed log-ins under this account name still counting towards a lockout (within the cool-off)."""
    since = timezone.now() - get_cool_off()
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"]
    return total or 0


def is_locked_out(username: str) -> bool:
    return login_failures(username) >= get_failure_limit(None, None)
