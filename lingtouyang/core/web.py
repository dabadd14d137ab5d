"""Small helpers every app's views share."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest


def require_capability(request: HttpRequest, capability: str) -> None:
    """For pages that are not about one object: a role without the capability gets 403."""
    if not request.user.has_capability(capability):
        raise PermissionDenied


def apply_errors(form: Form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: under its field, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
