"""Reads of the roster, always through the scoped querysets."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Avg, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet
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

AGE_BANDS = [(None, 35), (36, 45), (46, 55), (56, 60), (61, None)]


def person_list(user: Any, *, q: str = "", region: str = "") -> QuerySet[Person]:
    qs = Person.objects.visible_to(user).select_related("region")
    if region:
        qs = qs.within(region)
    return qs.search(q).order_by("region_id", "id")


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


def structure(prefix: str) -> dict[str, Any]:
    """The structure of a region's current cadres: one aggregate query, plus one for 一肩挑."""
    today = timezone.localdate()
    bands = _age_band_filters(today)
    aggregates: dict[str, Any] = {
        "total": Count("id"),
        "avg_months": Avg(ExtractYear("birth_date") * 12 + ExtractMonth("birth_date"), output_field=IntegerField()),
        "women": Count("id", filter=Q(gender=Gender.FEMALE)),
        "party": Count("id", filter=Q(political_status__in=PARTY_MEMBER_CODES)),
        "college": Count("id", filter=Q(education__in=COLLEGE_AND_ABOVE)),
    }
    aggregates.update({f"age:{label}": Count("id", filter=cond) for label, cond in bands.items()})
    aggregates.update({f"edu:{code}": Count("id", filter=Q(education=code)) for code, _ in EDUCATION_CHOICES})
    aggregates.update({f"src:{code}": Count("id", filter=Q(source=code)) for code in Source.values})
    row = current_cadres(prefix, today).aggregate(**aggregates)
    dual = dual_post_counts(prefix, None)
    return {
        "total": row["total"],
        "average_age": _average_age(row["avg_months"], today),
        "women": row["women"],
        "party": row["party"],
        "college": row["college"],
        "age_bands": [(label, row[f"age:{label}"]) for label in bands],
        "education": [(name, row[f"edu:{code}"]) for code, name in EDUCATION_CHOICES],
        "source": [(str(Source(code).label), row[f"src:{code}"]) for code in Source.values],
        "villages_with_secretary": dual.get("", (0, 0))[0],
        "dual_post": dual.get("", (0, 0))[1],
    }


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
    """One row per child region: cadres, average age, women, party members, 一肩挑 — grouped by the
    child's code prefix, two queries whatever the number of children. The prefix is the children's
    own level's, not the next level's: 东莞, 中山, 嘉峪关 and 儋州 have townships right under the city."""
    if region.level >= 5:
        return []
    today = timezone.localdate()
    children = list(region.children.order_by("code"))
    stats: dict[str, dict[str, Any]] = {}
    dual: dict[str, tuple[int, int]] = {}
    for length in sorted({PREFIX_LENGTHS[child.level] for child in children}):  # one length, in practice
        stats.update(
            (r["group"], r)
            for r in current_cadres(region.prefix, today)
            .annotate(group=Substr("region_id", 1, length))
            .values("group")
            .annotate(
                total=Count("id"),
                avg_months=Avg(ExtractYear("birth_date") * 12 + ExtractMonth("birth_date"), output_field=IntegerField()),
                women=Count("id", filter=Q(gender=Gender.FEMALE)),
                party=Count("id", filter=Q(political_status__in=PARTY_MEMBER_CODES)),
            )
            .order_by()
        )
        dual.update(dual_post_counts(region.prefix, length))
    rows = []
    for child in children:
        s = stats.get(child.prefix, {})
        villages, both = dual.get(child.prefix, (0, 0))
        rows.append({
            "region": child,
            "total": s.get("total", 0),
            "average_age": _average_age(s.get("avg_months"), today),
            "women": s.get("women", 0),
            "party": s.get("party", 0),
            "villages_with_secretary": villages,
            "dual_post": both,
        })
    return rows


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
