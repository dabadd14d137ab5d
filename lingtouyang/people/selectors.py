"""Reads of the roster, always through the scoped querysets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from lingtouyang.core.scope import PREFIX_LENGTHS
from lingtouyang.people.codes import (
    COLLEGE_AND_ABOVE,
    DIRECTOR_POSTS,
    EDUCATION_CHOICES,
    PARTY_MEMBER_CODES,
    Gender,
    Post,
    Source,
)
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from lingtouyang.training.models import PersonTag

AGE_BANDS = [(None, 35), (36, 45), (46, 55), (56, 60), (61, None)]


def person_list(user: Any, *, q: str = "", region: str = "", tag: str = "") -> QuerySet[Person]:
    qs = Person.objects.visible_to(user).select_related("region")
    if region:
        qs = qs.within(region)
    if tag:  # a talent tag earned in training
        qs = qs.filter(Exists(PersonTag.objects.filter(person=OuterRef("pk"), tag=tag)))
    return qs.search(q).order_by("region_id", "id")


# People offered by a search-as-you-type person picker, at most.
PICKER_LIMIT = 20


def person_choices(people: QuerySet[Person], q: str, chosen: str = "") -> list[Person]:
    """A person picker's matches for `q` within `people` (name, pinyin or initials), plus the one already
    chosen (an id from the form) if the search no longer shows it."""
    found = list(people.search(q).select_related("region").order_by("name", "id")[:PICKER_LIMIT]) if q else []
    if chosen.isdigit() and not any(p.pk == int(chosen) for p in found):
        found += list(people.filter(pk=int(chosen)).select_related("region"))
    return found


def current_cadres(prefix: str, today: date | None = None) -> QuerySet[Person]:
    """People holding at least one current post in the region."""
    current = Appointment.objects.current(today).filter(person=OuterRef("pk"))
    return Person.objects.within(prefix).filter(Exists(current))


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _age_band_filters(today: date) -> dict[str, Q]:
    bands = {}
    for low, high in AGE_BANDS:
        cond = Q()
        if low is not None:
            cond &= Q(birth_date__lte=_years_ago(today, low))
        if high is not None:
            cond &= Q(birth_date__gt=_years_ago(today, high + 1))
        label = f"{low}-{high}" if low and high else (f"≤{high}" if high else f"≥{low}")
        bands[label] = cond
    return bands


def _average_age(avg_months: float | None, today: date) -> float | None:
    if avg_months is None:
        return None
    return round((today.year * 12 + today.month - avg_months) / 12, 1)


def _figures(prefix: str, group_length: int | None, today: date) -> dict[str, dict[str, Any]]:
    """Every count the structure needs, for the current cadres of the region, per group of codes
    (the prefix of `group_length`; None: one group, ""). One aggregate query whatever the size.
    Birth months are summed, not averaged, so that groups add up exactly."""
    counts: dict[str, Any] = {
        "total": Count("id"),
        "months": Sum(ExtractYear("birth_date") * 12 + ExtractMonth("birth_date"), output_field=IntegerField()),
        "women": Count("id", filter=Q(gender=Gender.FEMALE)),
        "party": Count("id", filter=Q(political_status__in=PARTY_MEMBER_CODES)),
        "college": Count("id", filter=Q(education__in=COLLEGE_AND_ABOVE)),
    }
    counts.update({f"age:{label}": Count("id", filter=cond) for label, cond in _age_band_filters(today).items()})
    counts.update({f"edu:{code}": Count("id", filter=Q(education=code)) for code, _ in EDUCATION_CHOICES})
    counts.update({f"src:{code}": Count("id", filter=Q(source=code)) for code in Source.values})
    qs = current_cadres(prefix, today)
    if group_length is None:
        return {"": qs.aggregate(**counts)}
    rows = qs.annotate(group=Substr("region_id", 1, group_length)).values("group").annotate(**counts).order_by()
    return {row.pop("group"): row for row in rows}


def _sum(groups: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for group in groups:
        for key, value in group.items():
            total[key] = total.get(key, 0) + (value or 0)
    return total


def _structure(row: dict[str, Any], dual: tuple[int, int], today: date) -> dict[str, Any]:
    total = row.get("total") or 0
    return {
        "total": total,
        "average_age": _average_age(row["months"] / total if total else None, today),
        "women": row.get("women", 0),
        "party": row.get("party", 0),
        "college": row.get("college", 0),
        "age_bands": [(label, row.get(f"age:{label}", 0)) for label in _age_band_filters(today)],
        "education": [(name, row.get(f"edu:{code}", 0)) for code, name in EDUCATION_CHOICES],
        "source": [(str(Source(code).label), row.get(f"src:{code}", 0)) for code in Source.values],
        "villages_with_secretary": dual[0],
        "dual_post": dual[1],
    }


def structure(prefix: str) -> dict[str, Any]:
    """The structure of a region's current cadres: one aggregate query, plus one for 一肩挑."""
    today = timezone.localdate()
    row = _figures(prefix, None, today)[""]
    return _structure(row, dual_post_counts(prefix, None).get("", (0, 0)), today)


def region_figures(region: Region) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The region's structure and one row per region below it, from two grouped queries: the
    region's own figures are the sum of its children's, not a second pass over the same rows."""
    if region.level >= 5:
        return structure(region.prefix), []
    today = timezone.localdate()
    children = list(region.children.order_by("code"))
    groups: dict[str, dict[str, Any]] = {}
    dual: dict[str, tuple[int, int]] = {}
    # The children's own level, not the next one: 东莞, 中山, 嘉峪关 and 儋州 have townships right
    # under the city. One length in practice.
    for length in sorted({PREFIX_LENGTHS[child.level] for child in children}):
        groups.update(_figures(region.prefix, length, today))
        dual.update(dual_post_counts(region.prefix, length))
    whole = _structure(_sum(list(groups.values())) or {"total": 0, "months": 0},
                       (sum(v for v, _ in dual.values()), sum(d for _, d in dual.values())), today)
    rows = []
    for child in children:
        s = _structure(groups.get(child.prefix, {"total": 0, "months": 0}), dual.get(child.prefix, (0, 0)), today)
        rows.append({
            "region": child,
            **{k: s[k] for k in ("total", "average_age", "women", "party", "villages_with_secretary", "dual_post")},
        })
    return whole, rows


def dual_post_counts(prefix: str, group_length: int | None) -> dict[str, tuple[int, int]]:
    """Per group of regions (code prefix of group_length; None = all): villages with a current
    secretary, and those whose secretary is also the committee director (一肩挑)."""
    today = timezone.localdate()
    current = Appointment.objects.within(prefix).current(today)
    secretaries = current.filter(post=Post.PARTY_SECRETARY)
    directors = current.filter(post__in=DIRECTOR_POSTS, person=OuterRef("person"), region=OuterRef("region"))
    qs = secretaries.annotate(both=Exists(directors))
    key = Substr("region_id", 1, group_length) if group_length else None
    if key is not None:
        qs = qs.annotate(group=key).values("group")
    else:
        qs = qs.annotate(group=F("post")).values("group")
    rows = qs.annotate(
        villages=Count("region_id", distinct=True),
        dual=Count("region_id", filter=Q(both=True), distinct=True),
    ).order_by()
    if key is None:
        total = next(iter(rows), None)
        return {"": (total["villages"], total["dual"])} if total else {}
    return {r["group"]: (r["villages"], r["dual"]) for r in rows}


def children_structure(region: Region) -> list[dict[str, Any]]:
    """One row per child region: cadres, average age, women, party members, 一肩挑."""
    return region_figures(region)[1]


def village_roster(region: Region) -> list[dict[str, Any]]:
    """The current two committees of one village: each person once, with all their posts."""
    today = timezone.localdate()
    appointments = (
        Appointment.objects.filter(region=region).current(today).select_related("person").order_by("post", "id")
    )
    people: dict[int, dict[str, Any]] = {}
    order = {p: i for i, p in enumerate(Post.values)}
    for a in sorted(appointments, key=lambda a: (order[a.post], a.id)):
        entry = people.setdefault(a.person_id, {"person": a.person, "appointments": [], "dual": False})
        entry["appointments"].append(a)
    for entry in people.values():
        posts = {a.post for a in entry["appointments"]}
        entry["dual"] = Post.PARTY_SECRETARY in posts and bool(posts & DIRECTOR_POSTS)
    return list(people.values())
