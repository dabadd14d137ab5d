"""Rows for the coverage and ledger tests, and the coverage figures counted again in plain Python from them."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from lingtouyang.training.models import Enrolment, Programme, Session, Sitting, TrainingBase
from tests import factories as f

TWO_COMMITTEES = {"party_secretary", "party_deputy", "fulltime_deputy", "party_member", "village_director",
                  "village_deputy", "village_member", "community_director", "community_deputy", "community_member"}
COUNTY = "510521000000"  # 泸县
_titles = itertools.count(1)


def make_session(*, start: date, region: str = COUNTY, hours: tuple[str, ...] = ("4.0", "4.0"), threshold: int = 80,
                 tag: str = "", topic: str = "rural_revitalisation", form: str = "centralised") -> Session:
    n = next(_titles)
    base, _ = TrainingBase.objects.get_or_create(region_id=f.CITY, name="泸州市乡村振兴党员学院",
                                                 defaults={"host": "市委组织部", "capacity": 200})
    programme = Programme.objects.create(region_id=f.CITY, title=f"培训项目{n}", topic=topic, form=form,
                                         hours=sum(Decimal(h) for h in hours), audience="all_cadres",
                                         threshold=threshold, talent_tag=tag)
    session = Session.objects.create(region_id=region, programme=programme, base=base, title=f"培训班{n}",
                                     start_date=start, end_date=start + timedelta(days=len(hours) - 1), capacity=100)
    for i, h in enumerate(hours):
        at = timezone.make_aware(datetime.combine(start + timedelta(days=i), time(9)))
        Sitting.objects.create(session=session, starts_at=at, ends_at=at + timedelta(hours=4), hours=Decimal(h))
    return session


def enrol(session: Session, person: Person, *, completed_on: date | None = None, withdrawn: bool = False,
          attended: str = "0", region: str | None = None) -> Enrolment:
    return Enrolment.objects.create(session=session, person=person, region_id=region or person.region_id,
                                    withdrawn=withdrawn, attended_hours=Decimal(attended), completed_on=completed_on)


@dataclass
class Expected:
    term: int | None
    cadres: dict[tuple[int, str], dict[str, Any]]  # (person, village): start, posts, trained, overdue

    def total(self, prefix: str = "") -> tuple[int, int, int]:
        rows = [c for (_p, v), c in self.cadres.items() if v.startswith(prefix)]
        return (len(rows), sum(c["trained"] for c in rows), sum(c["overdue"] for c in rows))

    def by_post(self) -> dict[str, tuple[int, int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for c in self.cadres.values():
            for post in c["posts"]:
                out[post][0] += 1
                out[post][1] += c["trained"]
                out[post][2] += c["overdue"]
        return {k: tuple(v) for k, v in out.items()}

    def by_group(self, length: int) -> dict[str, tuple[int, int, int]]:
        return {g: self.total(g) for g in {v[:length] for _p, v in self.cadres}}

    def untrained(self) -> list[tuple[int, str]]:
        return [k for k, c in self.cadres.items() if not c["trained"]]


def expected(prefix: str, today: date, deadline: int = 180) -> Expected:
    """The figures counted from the rows, one by one, without SQL."""
    appointments = [a for a in Appointment.objects.all() if a.region_id.startswith(prefix)]
    terms = [a.term for a in appointments if a.post in TWO_COMMITTEES]
    if not terms:
        return Expected(None, {})
    term = max(terms)
    units: dict[tuple[int, str], dict[str, Any]] = {}
    for a in appointments:
        if a.term != term or a.post not in TWO_COMMITTEES or a.start_date > today:
            continue
        unit = units.setdefault((a.person_id, a.region_id), {"start": a.start_date, "posts": set()})
        unit["start"] = min(unit["start"], a.start_date)
        if a.end_date is None or a.end_date > today:
            unit["posts"].add(a.post)
    done = defaultdict(list)
    for e in Enrolment.objects.all():
        if not e.withdrawn and e.completed_on is not None:
            done[e.person_id].append(e.completed_on)
    cadres = {}
    for (person, village), unit in units.items():
        if not unit["posts"]:
            continue
        trained = any(day >= unit["start"] for day in done[person])
        overdue = not trained and (today - unit["start"]).days > deadline
        cadres[(person, village)] = {**unit, "trained": trained, "overdue": overdue}
    return Expected(term, cadres)


def region(code: str) -> Region:
    return Region.objects.get(code=code)
