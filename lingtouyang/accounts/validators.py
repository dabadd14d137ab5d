"""Password rules beyond Django's own (length, common passwords, digits only, similarity)."""

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Below this length a user name is too likely to occur by chance ("li" in "relic"); such a name is refused
# only as the whole password.
MIN_NAME_LENGTH_TO_SEARCH = 3


class UsernameInPasswordValidator:
    """Refuses a password that is the user name or contains it, in any letter case: the first thing
    anyone guessing tries. Django's similarity check lets "Tanba2026!x" through for user "tanba"."""

    def validate(self, password: str, user: Any = None) -> None:
        name = (getattr(user, "username", "") or "").casefold()
        if not name:
            return
        folded = password.casefold()
        if folded == name or (len(name) >= MIN_NAME_LENGTH_TO_SEARCH and name in folded):
            raise ValidationError(_("The password must not contain the user name."), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("Your password must not contain your user name.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with the wording its translations still carry: Django 5.2 reworded the error
    ("%d characters") and left the Chinese catalogue behind, so users saw it in English."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
