"""Jurisdiction: the one mechanism. A user bound to a region sees exactly the rows whose 12-digit
region code starts with that region's significant prefix. Prefixes become a closed range of codes
so that a plain B-tree index serves the filter on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from lingtouyang.accounts.models import User

CODE_LENGTH = 12
# Significant digits of a code by level: province, city, county, township, village.
PREFIX_LENGTHS = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


def code_bounds(prefix: str) -> tuple[str, str]:
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


def parse_prefix(raw: str) -> str | None:
    """A region filter typed or passed by a user: 1–12 ASCII digits, or empty; None if malformed."""
    raw = raw.strip()
    if raw == "" or (raw.isascii() and raw.isdigit() and len(raw) <= CODE_LENGTH):
        return raw
    return None


def in_prefix(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


def ancestor_codes(prefix: str) -> list[str]:
    """The full codes of the regions above a prefix's own (for 510521102: 510000…, 510500…, 510521…)."""
    return [prefix[:n].ljust(CODE_LENGTH, "0") for n in PREFIX_LENGTHS.values() if n < len(prefix)]


def user_prefix(user: Any, capability: str) -> str | None:
    """The code prefix the user may act on with this capability; None means nothing at all."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser and not user.region_id:
        return ""
    if not user.has_capability(capability) or not user.region_id:
        return None
    return user.scope_prefix


class ScopedQuerySet(models.QuerySet):
    """Querysets of every region-bound model. `region_field` names the column holding the code;
    `scope_capability` the capability a role needs to read these rows at all."""

    region_field = "region_id"
    scope_capability = "view_people"

    def within(self, prefix: str) -> Self:
        if not prefix:
            return self
        low, high = code_bounds(prefix)
        return self.filter(**{f"{self.region_field}__gte": low, f"{self.region_field}__lte": high})

    def within_or_above(self, prefix: str) -> Self:
        """Rows in the prefix and rows of the regions above it: what a region shares with those below
        (the city's training bases, a county's sessions seen from a township)."""
        if not prefix:
            return self
        low, high = code_bounds(prefix)
        return self.filter(models.Q(**{f"{self.region_field}__gte": low, f"{self.region_field}__lte": high})
                           | models.Q(**{f"{self.region_field}__in": ancestor_codes(prefix)}))

    def visible_to(self, user: User | Any, capability: str | None = None) -> Self:
        prefix = user_prefix(user, capability or self.scope_capability)
        if prefix is None:
            return self.none()
        return self.within(prefix)

    def shared_with(self, user: User | Any, capability: str | None = None) -> Self:
        """visible_to, plus the rows of the regions above the user's (see within_or_above)."""
        prefix = user_prefix(user, capability or self.scope_capability)
        if prefix is None:
            return self.none()
        return self.within_or_above(prefix)


def get_visible_or_404(queryset: ScopedQuerySet, user: Any, capability: str | None = None, **lookup: Any) -> Any:
    """The object if the user may see it; otherwise 404, exactly as if it did not exist."""
    try:
        return queryset.visible_to(user, capability).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
