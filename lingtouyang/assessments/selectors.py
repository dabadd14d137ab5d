"""Reads of assessments for pages, the API and other modules. Public for other modules:
`training_priority_ids(year)` (people rated 优秀 in a published result that year: the training module's
priority), `published_grades(person_ids, year)` (person id → final grade, published results only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from lingtouyang.assessments import services
from lingtouyang.assessments.models import (
    Appeal,
    Component,
    Consequence,
    Grade,
    Result,
    ResultState,
    Scheme,
    Score,
)
from lingtouyang.core.scope import PREFIX_LENGTHS
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region

CHUNK = 2_000


def training_priority_ids(year: int) -> set[int]:
    """Ids of the people whose published result for `year` is 优秀 (one query)."""
    return set(Result.objects.filter(year=year, state=ResultState.PUBLISHED, grade=Grade.EXCELLENT)
               .values_list("person_id", flat=True))


def published_grades(person_ids: Iterable[int], year: int) -> dict[int, str]:
    ids = list(person_ids)
    found: dict[int, str] = {}
    for i in range(0, len(ids), CHUNK):
        found.update(Result.objects.published().filter(year=year, person_id__in=ids[i:i + CHUNK])
                     .values_list("person_id", "grade"))
    return found


def scheme_list(user: Any) -> QuerySet[Scheme]:
    """Schemes of the user's county, or of the counties within the user's region."""
    prefix = services_prefix(user)
    if prefix is None:
        return Scheme.objects.none()
    # Below a county (a township, a village) the scheme of one's own county is what applies.
    return Scheme.objects.select_related("region").within(prefix[:6])


def services_prefix(user: Any) -> str | None:
    from lingtouyang.core.scope import user_prefix

    return user_prefix(user, "view_assessment")


def scheme_visible(user: Any, scheme_id: int) -> Scheme | None:
    """A scheme is seen by those who see any part of its county (a township sees its county's scheme)."""
    return scheme_list(user).filter(pk=scheme_id).first()


def townships(scheme: Scheme, prefix: str) -> list[dict[str, Any]]:
    """One row per township of the county within `prefix`: assessed, per state, per grade, 优秀 allowed and
    over the cap — one grouped query for the results, one for the townships."""
    county = scheme.region_id[:6]
    low = max(prefix, county, key=len)
    towns = Region.objects.filter(parent_id=scheme.region_id).order_by("code")
    if len(low) >= PREFIX_LENGTHS[4]:
        towns = towns.filter(code__startswith=low[:9])
    figures = {r["t"]: r for r in Result.objects.within(low).filter(year=scheme.year)
               .annotate(t=Substr("region_id", 1, 9)).values("t").annotate(
                   assessed=Count("id"), incomplete=Count("id", filter=Q(score__isnull=True)),
                   overridden=Count("id", filter=Q(grade=Grade.EXCELLENT) & ~Q(quota_override="")),
                   **{g: Count("id", filter=Q(grade=g)) for g in Grade.values},
                   **{f"s_{s}": Count("id", filter=Q(state=s)) for s in ResultState.values})}
    rows = []
    for town in towns:
        row = figures.get(town.prefix, {})
        assessed = row.get("assessed", 0)
        states = [s for s in ResultState.values if row.get(f"s_{s}")]
        allowed = services.engine.excellent_allowed(assessed, scheme.excellent_cap)
        rows.append({"region": town, "assessed": assessed, "incomplete": row.get("incomplete", 0),
                     "grades": [row.get(g, 0) for g in Grade.values], "allowed": allowed,
                     "over": services.engine.quota_breached(assessed, scheme.excellent_cap,
                                                            row.get(Grade.EXCELLENT, 0), row.get("overridden", 0)),
                     "state": states[0] if len(states) == 1 else ("" if not states else "mixed"),
                     "state_label": ResultState(states[0]).label if len(states) == 1 else ""})
    return rows


def township_results(scheme: Scheme, township: Region) -> list[Result]:
    """The township's results with each person's scores by component (two queries)."""
    results = list(Result.objects.within(township.prefix).filter(year=scheme.year)
                   .select_related("person", "region").order_by("region_id", "person__name", "id"))
    scores: dict[int, dict[int, int]] = {}
    for pid, cid, points in (Score.objects.within(township.prefix).filter(component__scheme=scheme)
                             .values_list("person_id", "component_id", "points")):
        scores.setdefault(pid, {})[cid] = points
    comps = list(scheme.components.all())
    for r in results:
        r.component_scores = [services.engine.points_text(scores.get(r.person_id, {}).get(c.pk)) for c in comps]
    return results


def grid_rows(scheme: Scheme, township: Region, component: Component) -> list[dict[str, Any]]:
    """Everyone assessed in the township with their score in `component` and their result's state."""
    regions = services.assessed_regions(township.prefix, scheme.year)
    ids = sorted(regions)
    people: dict[int, Any] = {}
    scores: dict[int, int] = {}
    states: dict[int, str] = {}
    names = dict(Region.objects.filter(code__in=set(regions.values())).values_list("code", "short_name"))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        people.update({p.pk: p for p in Person.objects.filter(pk__in=chunk).only("id", "name", "id_masked")})
        scores.update(Score.objects.filter(component=component, person_id__in=chunk)
                      .values_list("person_id", "points"))
        states.update(Result.objects.filter(year=scheme.year, person_id__in=chunk).values_list("person_id", "state"))
    rows = [{"person": people[pid], "village": names.get(regions[pid], ""), "points": scores.get(pid),
             "value": services.engine.points_text(scores.get(pid)),
             "editable": states.get(pid, ResultState.DRAFT) == ResultState.DRAFT} for pid in ids if pid in people]
    return sorted(rows, key=lambda r: (r["village"], r["person"].name, r["person"].pk))


def distribution(prefix: str, year: int) -> tuple[list[int], list[dict[str, Any]]]:
    """Published grades in `prefix` for `year`: totals per grade and one row per region one level down."""
    level = next((lv for lv, n in PREFIX_LENGTHS.items() if n == len(prefix)), 0) if prefix else 1
    child_len = PREFIX_LENGTHS.get(level + 1, 12)
    rows = (Result.objects.published().within(prefix).filter(year=year)
            .annotate(c=Substr("region_id", 1, child_len)).values("c")
            .annotate(**{g: Count("id", filter=Q(grade=g)) for g in Grade.values}).order_by("c"))
    found = {r["c"]: r for r in rows}
    codes = [c.ljust(12, "0") for c in found]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "short_name"))
    children = [{"code": c, "name": names.get(c.ljust(12, "0"), c), "grades": [found[c][g] for g in Grade.values]}
                for c in sorted(found)]
    totals = [sum(r["grades"][i] for r in children) for i in range(len(Grade.values))]
    return totals, children


def my_results(person_id: int) -> list[Result]:
    """A cadre's own published results, newest first, with their appeal and consequences."""
    results = list(Result.objects.published().filter(person_id=person_id).select_related("region", "scheme")
                   .order_by("-year"))
    appeals = {a.result_id: a for a in Appeal.objects.filter(result__in=results)}
    consequences: dict[int, list[Consequence]] = {}
    for c in Consequence.objects.filter(result__in=results):
        consequences.setdefault(c.result_id, []).append(c)
    for r in results:
        r.appeal_row = appeals.get(r.pk)
        r.consequence_rows = consequences.get(r.pk, [])
        r.deadline = services.appeal_deadline(r)
    return results
