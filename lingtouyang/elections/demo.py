"""Demo data: the certified 2021 elections of every village — both kinds — rebuilt from the 2021
appointments on the roster (the winners are exactly the term's post holders), with plausible turnout and
votes and a losing candidate in some; plus one planned 2026 election in 谭坝村 (泸县) to walk through,
whose people a closed joint review round has cleared.

The 2021 results are history written set-based (core/bulk.py), not through the services: they predate
the joint review in this system, so their candidates were never cleared here. Deterministic (each
village's generator is seeded by its code) and idempotent."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.elections import engine, services
from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Kind, Region
from lingtouyang.review import services as review_services
from lingtouyang.review.models import Department, ReviewRound

TERM = 2021
LOSER_SHARE = 0.4  # elections with one candidate who did not get in
PARTY_POSTS = frozenset(engine.PARTY_SEATS)
ELECTION_FIELDS = ["id", "region_id", "term", "kind", "election_date", "seats", "electorate", "ballots_cast", "state",
                   "cancel_reason", "created_at", "held_at", "certified_at"]
CANDIDATE_FIELDS = ["election_id", "person_id", "post", "votes", "added_at"]

PLANNED_VILLAGE = "510521102237"  # 谭坝村, where the demo's township and village accounts stand
PLANNED_DAY = date(2026, 11, 20)
PLANNED_ROUND = "泸县2026年谭坝村“两委”换届人选任职资格联审"


def _votes(rng: random.Random, posts: dict[str, list[int]], ballots: int, others: list[int]
           ) -> list[tuple[int, str, int]]:
    """(person, post, votes) for the winners — each with more than half — and perhaps one loser."""
    rows = []
    for post, holders in posts.items():
        for person in holders:
            rows.append((person, post, int(ballots * rng.uniform(0.55, 0.97))))
    if others and rng.random() < LOSER_SHARE:
        post = rng.choice(sorted(posts))
        room = ballots * len(posts[post]) - sum(v for _p, q, v in rows if q == post)
        rows.append((rng.choice(others), post, rng.randint(0, max(0, min((ballots - 1) // 2, room)))))
    return rows


def _evening(day: date) -> datetime:
    """When a past election's count was done and certified, as far as the demo knows."""
    return timezone.make_aware(datetime.combine(day, time(18)))


def demo_elections(prefix: str = "5105") -> int:
    """Returns the number of elections added (the 2021 ones and the planned 2026 one)."""
    added = _certified_2021(prefix)
    return added + (1 if demo_planned() is not None else 0)


def _certified_2021(prefix: str) -> int:
    if Election.objects.within(prefix).filter(term=TERM).exists():
        return 0
    holders: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(lambda: {"party": {}, "committee": {}})
    first_day: dict[tuple[str, str], date] = {}
    for region, person, post, start in (Appointment.objects.within(prefix).filter(term=TERM)
                                        .order_by("region_id", "post", "id")
                                        .values_list("region_id", "person_id", "post", "start_date").iterator()):
        kind = "party" if post in PARTY_POSTS else "committee"
        if post not in (engine.PARTY_SEATS | engine.VILLAGE_SEATS | engine.COMMUNITY_SEATS | engine.SUPERVISION_SEATS):
            continue  # a full-time deputy secretary is recruited, not elected
        holders[region][kind].setdefault(post, []).append(person)
        first_day[(region, kind)] = min(start, first_day.get((region, kind), start))
    if not holders:
        return 0
    people: dict[str, list[int]] = defaultdict(list)
    for pk, region in Person.objects.within(prefix).values_list("id", "region_id").iterator():
        people[region].append(pk)
    kinds = dict(Region.objects.filter(code__in=list(holders)).values_list("code", "kind"))
    now = timezone.now()
    elections = []
    for region in sorted(holders):
        rng = random.Random(int(region) * 11 + 3)
        for kind, posts in holders[region].items():
            if not posts:
                continue
            seen: set[int] = set()  # one post per person in an election
            posts = {post: [p for p in ps if not (p in seen or seen.add(p))] for post, ps in posts.items()}
            posts = {post: ps for post, ps in posts.items() if ps}
            if kind == "party":
                electorate = rng.randint(25, 150)
            else:
                electorate = rng.randint(2000, 9000) if kinds.get(region) == Kind.COMMUNITY else rng.randint(800, 4500)
            ballots = int(electorate * rng.uniform(0.72, 0.96))
            others = [p for p in people.get(region, []) if p not in seen]
            elections.append((region, kind, first_day[(region, kind)], {p: len(ps) for p, ps in posts.items()},
                              electorate, ballots, _votes(rng, posts, ballots, others)))
    with transaction.atomic():
        ids = allocate_ids(Election, len(elections))
        insert_rows(Election, ELECTION_FIELDS, (
            (pk, region, TERM, kind, day, json.dumps(seats), electorate, ballots, Election.State.CERTIFIED, "", now,
             _evening(day), _evening(day))
            for pk, (region, kind, day, seats, electorate, ballots, _v) in zip(ids, elections, strict=True)))
        rows = ((pk, person, post, votes, now) for pk, (*_e, votes_) in zip(ids, elections, strict=True)
                for person, post, votes in votes_)
        count = insert_rows(ElectionCandidate, CANDIDATE_FIELDS, rows)
        audit_record("demo.elections", region_code=prefix,
                     changes={"term": TERM, "elections": len(elections), "candidates": count})
    return len(elections)


def demo_planned() -> Election | None:
    """谭坝村's 2026 committee election, planned, its people cleared by a closed review round. Through the
    services, as a township would do it. Idempotent."""
    region = Region.objects.filter(code=PLANNED_VILLAGE).first()
    if region is None or Election.objects.filter(region=region, term=PLANNED_DAY.year).exists():
        return None
    people = list(Person.objects.filter(region=region).order_by("id")[:12])
    if people and not ReviewRound.objects.filter(name=PLANNED_ROUND).exists():
        departments = list(Department.objects.all())
        review_round = review_services.round_create(
            acting_user=None, region=Region.objects.get(code=PLANNED_VILLAGE[:6] + "000000"), name=PLANNED_ROUND,
            election_date=PLANNED_DAY, departments=departments)
        review_services.round_add_candidates(acting_user=None, review_round=review_round, people=people)
        review_services.round_open(acting_user=None, review_round=review_round)
        for candidate in review_round.candidates.all():
            for department in departments:
                review_services.verdict_record(acting_user=None, candidate=candidate, department=department,
                                               passed=True)
        review_services.round_close(acting_user=None, review_round=review_round)
    director = Post.COMMUNITY_DIRECTOR if region.kind == Kind.COMMUNITY else Post.VILLAGE_DIRECTOR
    return services.election_create(acting_user=None, region=region, kind=Election.Kind.COMMITTEE,
                                    election_date=PLANNED_DAY, seats={str(director): 1})
