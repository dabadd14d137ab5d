"""Demo data: a reserve pool in every Luzhou village — most at or above the target, about one in ten
short — drawn from newly generated residents, with merit records (no files) for some. Deterministic
(each village's generator is seeded by its code) and idempotent: villages with a pool are skipped."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from lingtouyang.audit.services import audit_record
from lingtouyang.core import crypto
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.people.codes import Gender, Post, Source
from lingtouyang.people.demo import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from lingtouyang.people.idnumber import mask
from lingtouyang.people.models import PERSON_BULK_FIELDS, Person, phone_columns
from lingtouyang.people.naming import name_keys
from lingtouyang.regions.models import Kind, Level, Region
from lingtouyang.reserves.models import POSTS_PER_VILLAGE, Merit, Reserve
from lingtouyang.reserves.targets import in_force, per_post_for

SHORT_SHARE = 0.1
RESERVE_FIELDS = ["id", "person_id", "region_id", "source", "posts", "added_on", "status", "status_reason",
                  "created_at"]
MERITS = [
    (Merit.Task.EPIDEMIC, "在村疫情防控卡点连续值守，组织群众核酸检测", date(2022, 11, 20)),
    (Merit.Task.FLOOD, "汛期带队转移受灾群众，协助抢修村道", date(2023, 7, 8)),
    (Merit.Task.POVERTY, "牵头发展特色种植，带动脱贫户增收", date(2020, 10, 15)),
]


def _id_number(rng: random.Random, county: str, born: date, gender: str, taken: set[str]) -> tuple[str, str]:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
        body = f"{county}{born:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        index = crypto.blind_index(number)
        if index not in taken:
            taken.add(index)
            return number, index


def demo_reserves(prefix: str = "5105") -> int:
    """Returns the number of reserves added."""
    today = timezone.localdate()
    now = timezone.now()
    targets = in_force(today)
    pooled = set(Reserve.objects.within(prefix).values_list("region_id", flat=True).distinct())
    villages = [(c, k) for c, k in Region.objects.within(prefix).filter(level=Level.VILLAGE).order_by("code")
                .values_list("code", "kind") if c not in pooled]
    if not villages:
        return 0
    taken = set(Person.objects.within(prefix).values_list("id_index", flat=True))
    people, reserves, merits = [], [], []
    for code, kind in villages:
        rng = random.Random(int(code) * 7 + 1)
        target = per_post_for(code, targets) * POSTS_PER_VILLAGE
        size = rng.randint(max(target - 4, 1), target - 1) if rng.random() < SHORT_SHARE else \
            rng.randint(target, target + 2)
        director = Post.COMMUNITY_DIRECTOR if kind == Kind.COMMUNITY else Post.VILLAGE_DIRECTOR
        for _ in range(max(size, 0)):
            woman = rng.random() < 0.35
            gender = Gender.FEMALE if woman else Gender.MALE
            born = date(today.year - rng.randint(24, 45), 1, 1) + timedelta(days=rng.randrange(365))
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_FEMALE if woman else GIVEN_MALE)
                                                  for _ in range(rng.choice((1, 2, 2))))
            number, index = _id_number(rng, code[:6], born, gender, taken)
            full, initials = name_keys(name)
            source = rng.choice(Source.values)
            people.append([code, name, full, initials, gender, "01", born, crypto.encrypt(number), index,
                           mask(number), rng.choice(("01", "01", "02", "13")), rng.choice(("20", "30", "30", "60")),
                           *phone_columns(f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"), source])
            posts = rng.choice(([Post.PARTY_SECRETARY, director], [director], [Post.SUPERVISION_CHAIR],
                                [Post.PARTY_SECRETARY]))
            reserves.append((code, source, posts, today - timedelta(days=rng.randrange(30, 900)),
                             MERITS[rng.randrange(len(MERITS))] if rng.random() < 0.2 else None))
    with transaction.atomic():
        person_ids = allocate_ids(Person, len(people))
        insert_rows(Person, PERSON_BULK_FIELDS,
                    ((pk, *p, now, now) for pk, p in zip(person_ids, people, strict=True)))
        reserve_ids = allocate_ids(Reserve, len(reserves))
        insert_rows(Reserve, RESERVE_FIELDS, (
            (rid, pid, code, source, _json(posts), added, Reserve.Status.ACTIVE, "", now)
            for rid, pid, (code, source, posts, added, _m) in zip(reserve_ids, person_ids, reserves, strict=True)))
        for rid, (_c, _s, _p, _a, merit) in zip(reserve_ids, reserves, strict=True):
            if merit is not None:
                merits.append(Merit(reserve_id=rid, task=merit[0], description=merit[1], done_on=merit[2]))
        Merit.objects.bulk_create(merits, batch_size=1000)
        audit_record("demo.reserves", region_code=prefix,
                     changes={"villages": len(villages), "reserves": len(reserves), "merits": len(merits)})
    return len(reserves)


def _json(value: list[str]) -> str:
    return json.dumps([str(v) for v in value])
