"""The second factor: time-based one-time codes (TOTP, RFC 6238) from an authenticator app, kept by
django-otp. Who must use one is policy in settings (LINGTOUYANG_2FA_ROLES); everyone may."""

from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

# The key of a device being set up waits in the session until a first code confirms it: nothing is
# stored for an account that never finishes.
SETUP_KEY_SESSION = "lingtouyang_totp_setup_key"
KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1


def must_use_second_factor(user: Any) -> bool:
    """True when this account may reach nothing but the second-factor pages until verified."""
    if not settings.LINGTOUYANG_2FA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.role in settings.LINGTOUYANG_2FA_ROLES)


def is_verified(user: Any) -> bool:
    checker = getattr(user, "is_verified", None)
    return bool(checker and checker())


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("id").first()


def new_key() -> str:
    return random_hex(KEY_BYTES)


def is_key(value: Any) -> bool:
    """A key as this module makes them (hex of KEY_BYTES bytes); anything else in a session is refused."""
    if not isinstance(value, str) or len(value) != KEY_BYTES * 2:
        return False
    try:
        unhexlify(value)
    except ValueError:
        return False
    return True


def base32_secret(key_hex: str) -> str:
    """The key as authenticator apps take it when typed in, in groups of four for reading aloud."""
    raw = b32encode(unhexlify(key_hex)).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def provisioning_uri(user: Any, key_hex: str) -> str:
    """The otpauth:// address a phone scans (Google's key URI format, which every common app reads)."""
    issuer = _("Bellwether").replace(":", "")
    label = quote(f"{issuer}:{user.get_username()}")
    params = urlencode({"secret": b32encode(unhexlify(key_hex)).decode().rstrip("="), "algorithm": "SHA1",
                        "digits": 6, "period": 30})
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"


def qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=True, dark="#111", svgclass="qr")
