"""The check-in codes shown as QR on the projector: a signed (sitting, nonce, issue time) triple.

Signed with the project's key under a salt of its own, so a code cannot be forged, altered or reused as
another signed value. A code lives `TOKEN_LIFE` from its issue: the QR page shows a new one every
`REFRESH` seconds, so a photo of the screen sent to someone at home stops working within minutes. Renewing
(`Sitting.token_nonce` + 1) voids every code shown before at once. Whether the sitting is open is
checked by the check-in service, against the sitting's times, not here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.training.models import Sitting

SALT = "lingtouyang.training.check-in"
TOKEN_LIFE = timedelta(minutes=2)
REFRESH = 60  # seconds between two codes on the QR page: a code shown is good for at least another minute
CLOCK_SKEW = timedelta(seconds=30)  # a code issued "in the future" by a server clock a little ahead


@dataclass(frozen=True)
class Claim:
    sitting_id: int
    nonce: int
    issued_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + TOKEN_LIFE


def make_token(sitting: Sitting, now: datetime | None = None) -> str:
    issued = int((now or timezone.now()).timestamp())
    return signing.dumps([sitting.pk, sitting.token_nonce, issued], salt=SALT, compress=False)


def read_token(token: str, now: datetime | None = None) -> Claim:
    """The claim of a genuine code still in its life; a clear refusal for anything else."""
    try:
        sitting_id, nonce, issued = signing.loads(token, salt=SALT)
        claim = Claim(int(sitting_id), int(nonce), datetime.fromtimestamp(int(issued), tz=UTC))
    except (signing.BadSignature, ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(_("This is not a valid check-in code. Scan the code shown at the session."),
                              code="invalid") from exc
    now = now or timezone.now()
    if claim.issued_at > now + CLOCK_SKEW or now > claim.expires_at:
        raise ValidationError(_("This check-in code has expired. Scan the code shown on the screen now."),
                              code="expired")
    return claim
