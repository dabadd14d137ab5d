"""django-axes announces a lockout only through its signal; this puts it in the audit trail."""

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver

from lingtouyang.accounts.models import User
from lingtouyang.audit.services import audit_record


@receiver(user_locked_out, dispatch_uid="lingtouyang.accounts.lockout_audit")
def audit_lockout(sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None,
                  **kwargs: Any) -> None:
    tried = (username or "")[:150]
    # The account's region puts the row in front of the administrators who can unlock it.
    account = User.objects.filter(username=tried).only("id", "region_id").first() if tried else None
    audit_record("account.lockout", obj=account, region_code=(account.region_id or "") if account else "",
                 changes={"username": tried, "address": ip_address or ""}, outcome="locked")
