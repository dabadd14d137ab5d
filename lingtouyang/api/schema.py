"""The errors every API operation can answer with, written into the OpenAPI schema in one place.

drf-spectacular documents only the success of an operation; clients (and the schema-driven fuzz test)
also need the refusals: 400 for input that fails validation or a rule, 401/403 for a caller without an
account or without the capability, 404 for an object that does not exist or is outside the caller's
jurisdiction (the two are indistinguishable on purpose)."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from rest_framework import serializers

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF reports field errors as {field: [messages]} and rule errors as a list of messages (or {"detail": …}).
INVALID = {
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ],
}
METHODS = ("get", "put", "post", "patch", "delete")


def _response(description: Any, schema_name: str) -> dict[str, Any]:
    return {"description": str(description),
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook: adds the error responses each operation can give."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", DETAIL)
    schemas.setdefault("ValidationError", INVALID)
    for path, item in result.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            anonymous = {} in operation.get("security", [])
            errors = {"400": (_("Invalid input, or refused by a rule"), "ValidationError")}
            if not anonymous:
                errors["401"] = (_("No valid credentials"), "ErrorDetail")
                errors["403"] = (_("Not signed in, or without the capability"), "ErrorDetail")
            # A path names an object; a body may name others (a person, a session): each can be missing.
            if "{" in path or "requestBody" in operation:
                errors["404"] = (_("Does not exist, or is outside your jurisdiction"), "ErrorDetail")
            if "requestBody" in operation:
                errors["415"] = (_("A body that is not JSON, a form or a well-formed upload"), "ErrorDetail")
            for status, (description, schema_name) in errors.items():
                responses.setdefault(status, _response(description, schema_name))
    return result


class AutoSchema(openapi.AutoSchema):
    """DRF drops `allow_blank` from read-only fields, so a choice the model lets be blank ("not graded yet")
    was documented as never empty; such a field's "" is put back into its documented values."""

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> Any:
        if (isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank
                and _model_field_blank(field)):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)


def _model_field_blank(field: serializers.Field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in (field.source or ""):
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False
