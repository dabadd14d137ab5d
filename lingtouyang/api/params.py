"""Query parameters are checked against what the OpenAPI schema documents for the operation.

A filter the schema calls an integer, a yes/no or one of a list is refused with 400 when it is anything
else, instead of being silently ignored (which would answer with an unfiltered list as if it were the
filtered one). One mechanism for every API list, kept in step with the documentation by reading it."""

import re
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

BIGINT = 2**63 - 1  # the largest id or number a query can hold
BOOLEANS = {"true", "false", "1", "0", "True", "False"}
# A calendar year as a query parameter: dates hold years 1 to 9999, so a filter outside them is refused.
YEAR = {"type": "integer", "minimum": 1, "maximum": 9999}


@cache
def _documented() -> list[tuple[re.Pattern[str], str, dict[str, dict[str, Any]]]]:
    """(path pattern, method, {query parameter: its schema}) for every operation that documents any."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in item.items():
            params = {p["name"]: p.get("schema", {}) for p in operation.get("parameters", []) if p["in"] == "query"}
            if params:
                found.append((pattern, method.upper(), params))
    return found


def _problem(raw: str, schema: dict[str, Any]) -> str | None:
    if "\x00" in raw:
        return _("Must not contain a NUL character.")
    kind = schema.get("type")
    if kind == "integer":
        if not (re.fullmatch(r"-?[0-9]{1,19}", raw) and abs(int(raw)) <= BIGINT):
            return _("Enter a whole number.")
        low, high = schema.get("minimum", -BIGINT), schema.get("maximum", BIGINT)
        if not low <= int(raw) <= high:
            return _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
    elif kind == "boolean" and raw not in BOOLEANS:
        return _("Enter true or false.")
    if "enum" in schema and raw not in schema["enum"]:
        return _("Not one of the documented values: %(values)s.") % {"values": ", ".join(map(str, schema["enum"]))}
    return None


def check_query(request: Request) -> None:
    """Raises 400 naming each documented query parameter whose value does not fit its schema."""
    errors: dict[str, list[str]] = {}
    for pattern, method, params in _documented():
        if method != request.method or not pattern.match(request.path_info):
            continue
        for name, schema in params.items():
            values = request.query_params.getlist(name)
            if len(values) > 1 and schema.get("type") != "array":
                errors[name] = [_("Give this parameter once.")]
            elif values and (problem := _problem(values[0], schema)):
                errors[name] = [problem]
        break
    if errors:
        raise ValidationError(errors)


class DocumentedQuery(BaseFilterBackend):
    """Runs on every list (and every object lookup) of the API, after authentication and permissions."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        check_query(request)
        return queryset
