"""API token authentication: DRF's, hardened. A malformed key is refused before any query (PostgreSQL
answers a NUL byte in a text parameter with an error, which became a 500), every refused token is in the
audit trail (never the key itself), and an account that must use a second factor is only served with a
token issued after its device was set up (lingtouyang.accounts.api issues tokens against a code). A token
older than LINGTOUYANG_TOKEN_MAX_AGE_DAYS is refused and deleted: the client asks for a new one."""

import string
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from lingtouyang.accounts import twofactor
from lingtouyang.audit.services import audit_record

KEY_LENGTH = 40  # DRF's keys: 20 random bytes in hex


def _well_formed(key: str) -> bool:
    return len(key) == KEY_LENGTH and all(c in string.hexdigits for c in key)


def token_expiry_cutoff() -> Any:
    """Tokens issued before this moment have expired (the distant past when tokens never expire)."""
    days = settings.LINGTOUYANG_TOKEN_MAX_AGE_DAYS
    return timezone.now() - timedelta(days=days) if days > 0 else timezone.now() - timedelta(days=365 * 1000)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not _well_formed(key):
            self._refused("malformed")
        try:
            user, token = super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            self._refused("unknown or inactive")
        if token.created < token_expiry_cutoff():
            token.delete()
            self._refused("expired", user)
        if twofactor.must_use_second_factor(user):
            device = twofactor.confirmed_device(user)
            if device is None or device.created_at is None or token.created < device.created_at:
                self._refused("issued without a second factor", user)
        return user, token

    def _refused(self, reason: str, user: Any = None) -> None:
        audit_record("account.token_refused", obj=user, region_code=(user.region_id or "") if user else "",
                     changes={"reason": reason}, outcome="denied")
        raise exceptions.AuthenticationFailed(_("Invalid token."))
