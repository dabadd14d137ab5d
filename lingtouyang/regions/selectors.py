from typing import Any

from lingtouyang.regions.models import Level, Region


def ancestors(region: Region, user: Any) -> list[Region]:
    """The regions above that the user may see, for breadcrumbs; one query."""
    return list(Region.objects.visible_to(user).filter(code__in=region.ancestor_codes()).order_by("level"))


def region_search(user: Any, term: str, *, villages_only: bool = True, limit: int = 20) -> list[Region]:
    term = term.strip()
    if not term:
        return []
    qs = Region.objects.visible_to(user).search(term)
    if villages_only:
        qs = qs.filter(level=Level.VILLAGE)
    rows = list(qs.select_related("parent", "parent__parent").order_by("code")[:limit])
    for r in rows:
        parts = [p.short_name for p in (r.parent.parent if r.parent else None, r.parent) if p is not None]
        r.path = " · ".join(parts)
    return rows
