"""Deterministic synthetic cadres on the real divisions, for two terms: the 2021 team of every
village and the 2016 team it replaced (who were re-elected hold both terms' posts; who left have
their own rows, ended at the 2021 election). Villages are generated in code order and written in
batches: nothing is held in memory but one batch and a few running counters per city.

Each village's people come from a random generator seeded by its code. The city-wide figures the
published sources give are reproduced exactly, not on average, for every city generated whole: the
shares by quota sequencing over the village's index in its city (village i has the property iff
round((i+1)·p) > round(i·p)), the average ages by a running correction of each drawn age towards the
target (the city's sum of deviations stays bounded, so its mean is the target to well under 0.05).
So that its counties differ, the target itself follows a slow wave over the city's villages (a few
years up and down, whole periods over the city: it adds up to nothing over the city)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from stdnum.cn import ric

from lingtouyang.core import crypto
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.people.codes import Gender, Post, Source
from lingtouyang.people.idnumber import mask
from lingtouyang.people.models import PERSON_BULK_FIELDS, Appointment, Person, phone_columns
from lingtouyang.people.naming import name_keys
from lingtouyang.regions.models import Kind, Level, Region

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"
GIVEN_MALE = "伟强军勇斌杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆亮成林峰磊国文建志兵德春海东晓云松"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳颖慧梅红英萍秀兰凤琴洁倩佳蓉丹莉晶玉瑶"
TERM = 2021
TERM_START = date(2021, 3, 1)
PREVIOUS_TERM = 2016
PREVIOUS_TERM_START = date(2016, 3, 1)
BATCH_VILLAGES = 2_000
RE_ELECTED = "换届连任"
LEFT = "换届离任"

# Luzhou, 2021 election (seed/luzhou-village-cadres-2021.txt): 一肩挑 99.2%; new secretaries 61.7%
# returned migrant workers; average age 41.4, down 4.2 from 45.6. The rest is plausible, not published:
# 一肩挑 was rare before 2018; four secretaries in ten kept their post.
NOT_DUAL_SHARE = Fraction(8, 1000)
PREVIOUS_DUAL_SHARE = Fraction(30, 100)
NEW_SECRETARY_SHARE = Fraction(60, 100)
NEW_SECRETARY_MIGRANT_SHARE = Fraction(617, 1000)
AVERAGE_AGE = Fraction(414, 10)
PREVIOUS_AVERAGE_AGE = Fraction(456, 10)
RE_ELECTED_MEMBER_SHARE = 0.35
MAX_AGE_SHIFT = 8  # the most a drawn age is moved towards the target
AGE_WAVE = 2.5  # years up and down around the city's average age…
AGE_WAVE_PERIODS = 3  # …in this many whole periods over the city's villages

APPOINTMENT_FIELDS = ["person_id", "region_id", "post", "term", "start_date", "end_date", "end_reason",
                      "created_at", "updated_at"]


@dataclass
class _Member:
    posts: list[str]
    woman_share: float
    age: tuple[int, int]
    party_share: float


@dataclass
class _City:
    """Running state over one city's villages, in code order."""

    code: str = ""
    size: int = 0  # villages in the city (0: unknown, no wave)
    index: int = 0  # the village's index in its city
    new_secretaries: int = 0
    deviation: float = 0.0  # Σ (age − target) over the term's two-committee members so far
    previous_deviation: float = 0.0

    def wave(self) -> float:
        if not self.size:
            return 0.0
        phase = int(self.code or "0") % 7 / 7
        return AGE_WAVE * math.sin(2 * math.pi * (AGE_WAVE_PERIODS * self.index / self.size + phase))


@dataclass
class _Person:
    row: list
    age: int  # completed years at the 2021 start (or at the 2016 start for those who left)
    posts: list[tuple] = field(default_factory=list)
    committee: bool = True  # on the two committees (村(居)“两委”), not only the supervision committee


def quota(index: int, share: Fraction) -> bool:
    """True for round(n·share) of the first n indexes, spread evenly, for every n."""
    def upto(n: int) -> int:
        return (2 * n * share.numerator + share.denominator) // (2 * share.denominator)
    return upto(index + 1) > upto(index)


def _team(rng: random.Random, community: bool, dual: bool) -> list[_Member]:
    director = Post.COMMUNITY_DIRECTOR if community else Post.VILLAGE_DIRECTOR
    member = Post.COMMUNITY_MEMBER if community else Post.VILLAGE_MEMBER
    team = []
    if dual:
        team.append(_Member([Post.PARTY_SECRETARY, director], 0.15, (28, 55), 1.0))
    else:
        team.append(_Member([Post.PARTY_SECRETARY], 0.15, (30, 55), 1.0))
        team.append(_Member([director], 0.25, (28, 58), 0.8))
    if rng.random() < 0.6:
        team.append(_Member([Post.PARTY_DEPUTY], 0.35, (25, 55), 1.0))
    for _ in range(rng.randint(3, 4)):
        team.append(_Member([member], 0.4, (22, 60), 0.6))
    team.append(_Member([Post.SUPERVISION_CHAIR], 0.3, (30, 62), 0.9))
    if rng.random() < 0.5:
        team.append(_Member([Post.SUPERVISION_MEMBER], 0.4, (25, 62), 0.5))
    return team


def _previous_team(rng: random.Random, community: bool, dual: bool) -> list[_Member]:
    """The 2016 team: older, fewer women, the secretary seldom also the director."""
    director = Post.COMMUNITY_DIRECTOR if community else Post.VILLAGE_DIRECTOR
    member = Post.COMMUNITY_MEMBER if community else Post.VILLAGE_MEMBER
    team = []
    if dual:
        team.append(_Member([Post.PARTY_SECRETARY, director], 0.08, (38, 62), 1.0))
    else:
        team.append(_Member([Post.PARTY_SECRETARY], 0.08, (38, 62), 1.0))
        team.append(_Member([director], 0.15, (35, 62), 0.8))
    if rng.random() < 0.6:
        team.append(_Member([Post.PARTY_DEPUTY], 0.25, (32, 60), 1.0))
    for _ in range(rng.randint(3, 4)):
        team.append(_Member([member], 0.3, (28, 63), 0.6))
    team.append(_Member([Post.SUPERVISION_CHAIR], 0.25, (35, 63), 0.9))
    return team


def _education(rng: random.Random, age: int, previous: bool = False) -> str:
    roll = rng.random() + (0.25 if age < 40 else 0) - (0.2 if age > 52 else 0) - (0.25 if previous else 0)
    for threshold, code in ((0.12, "70"), (0.35, "60"), (0.48, "40"), (0.85, "30"), (1.05, "20")):
        if roll < threshold:
            return code
    return "10"


SOURCE_MIX = ((0.35, Source.MIGRANT_WORKER), (0.47, Source.VETERAN), (0.62, Source.WEALTH_CREATOR),
              (0.74, Source.GRADUATE), (0.84, Source.ENTREPRENEUR))
PREVIOUS_SOURCE_MIX = ((0.2, Source.MIGRANT_WORKER), (0.35, Source.VETERAN), (0.6, Source.WEALTH_CREATOR),
                       (0.64, Source.GRADUATE), (0.7, Source.ENTREPRENEUR))
OTHER_THAN_MIGRANT = (Source.VETERAN, Source.WEALTH_CREATOR, Source.WEALTH_CREATOR, Source.GRADUATE,
                      Source.ENTREPRENEUR, Source.OTHER)


def _source(rng: random.Random, mix: Sequence[tuple[float, str]]) -> str:
    roll = rng.random()
    for threshold, code in mix:
        if roll < threshold:
            return code
    return Source.OTHER


def _id_number(rng: random.Random, county: str, born: date, gender: str, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
        body = f"{county}{born:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in used:
            used.add(number)
            return number


def _steer(age: int, deviation: float, bounds: tuple[int, int]) -> int:
    """The drawn age moved against the running deviation from the target, within the member's bounds."""
    shift = max(-MAX_AGE_SHIFT, min(MAX_AGE_SHIFT, round(deviation / 4)))
    return max(bounds[0], min(bounds[1], age - shift))


def _person(rng: random.Random, code: str, member: _Member, age: int, start: date, used: set[str],
            source: str, previous: bool = False) -> _Person:
    woman = rng.random() < member.woman_share
    gender = Gender.FEMALE if woman else Gender.MALE
    # Born up to a year before the anniversary: `age` completed years on the start date, whatever today is.
    born = date(start.year - age, start.month, start.day) - timedelta(days=rng.randrange(365))
    given = GIVEN_FEMALE if woman else GIVEN_MALE
    name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
    number = _id_number(rng, code[:6], born, gender, used)
    full, initials = name_keys(name)
    party = "01" if rng.random() < member.party_share else rng.choice(("03", "13", "13"))
    phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
    row = [code, name, full, initials, gender, "01" if rng.random() < 0.97 else rng.choice(("06", "07", "15")),
           born, crypto.encrypt(number), crypto.blind_index(number), mask(number), party,
           _education(rng, age, previous), *phone_columns(phone), source]
    return _Person(row, age)


def _village_people(code: str, kind: str, city: _City, used: set[str]) -> Iterator[tuple[list, list]]:
    """(person row without id, appointments without person id) for each member of one village's two
    teams: 2021's, then those of 2016's who were not re-elected."""
    rng = random.Random(int(code))
    community = kind == Kind.COMMUNITY
    index = city.index
    offset = timedelta(days=rng.randrange(60))  # each village votes on its own day, the same in both years
    start, previous_start = TERM_START + offset, PREVIOUS_TERM_START + offset
    new_secretary = quota(index, NEW_SECRETARY_SHARE)
    wave = city.wave()
    target, previous_target = float(AVERAGE_AGE) + wave, float(PREVIOUS_AVERAGE_AGE) + wave

    people: list[_Person] = []
    for member in _team(rng, community, dual=not quota(index, NOT_DUAL_SHARE)):
        secretary = Post.PARTY_SECRETARY in member.posts
        committee = member.posts[0] not in (Post.SUPERVISION_CHAIR, Post.SUPERVISION_MEMBER)
        age = rng.randint(*member.age)
        if committee:
            age = _steer(age, city.deviation, member.age)
            city.deviation += age - target
        if secretary and new_secretary:
            migrant = quota(city.new_secretaries, NEW_SECRETARY_MIGRANT_SHARE)
            city.new_secretaries += 1
            source = Source.MIGRANT_WORKER if migrant else rng.choice(OTHER_THAN_MIGRANT)
        elif secretary:
            source = _source(rng, PREVIOUS_SOURCE_MIX)  # re-elected: came in before 2016
        else:
            source = _source(rng, SOURCE_MIX)
        person = _person(rng, code, member, age, start, used, source)
        person.posts = [(code, post, TERM, start, None, "") for post in member.posts]
        person.committee = committee
        people.append(person)

    # 2016: the secretary stays unless this is a new-secretary village; other seats go to a 2021 member
    # old enough (re-elected) or to someone who left at the 2021 election.
    available = [p for p in people[1:] if p.committee and p.age >= 30]
    rng.shuffle(available)
    leavers: list[_Person] = []
    for member in _previous_team(rng, community, dual=quota(index, PREVIOUS_DUAL_SHARE)):
        secretary = Post.PARTY_SECRETARY in member.posts
        committee = member.posts[0] != Post.SUPERVISION_CHAIR
        holder: _Person | None = None
        if secretary and not new_secretary:
            holder = people[0]
        elif committee and not secretary and available and rng.random() < RE_ELECTED_MEMBER_SHARE:
            holder = available.pop()
        if holder is not None:
            holder.posts += [(code, post, PREVIOUS_TERM, previous_start, start, RE_ELECTED) for post in member.posts]
            if committee:
                city.previous_deviation += holder.age - 5 - previous_target
            continue
        age = rng.randint(*member.age)
        if committee:
            age = _steer(age, city.previous_deviation, member.age)
            city.previous_deviation += age - previous_target
        leaver = _person(rng, code, member, age, previous_start, used, _source(rng, PREVIOUS_SOURCE_MIX),
                         previous=True)
        leaver.posts = [(code, post, PREVIOUS_TERM, previous_start, start, LEFT) for post in member.posts]
        leavers.append(leaver)
    city.index += 1
    for person in people + leavers:
        yield person.row, person.posts


def generate(villages: Iterable[Sequence[str]], progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Writes the people of the given villages, in code order: (code, kind), or (code, kind, index in
    its city, villages in its city) as `villages_without_people` gives them. Returns (people, appointments)."""
    now = timezone.now()
    total_people = total_appointments = 0
    used: set[str] = set()
    county = ""
    city = _City()
    city_code = ""
    batch: list[tuple[list, list]] = []
    done = 0

    def flush() -> None:
        nonlocal total_people, total_appointments
        with transaction.atomic():
            ids = allocate_ids(Person, len(batch))
            insert_rows(Person, PERSON_BULK_FIELDS, ((pk, *p, now, now) for pk, (p, _a) in zip(ids, batch, strict=True)))
            rows = [(pk, *a, now, now) for pk, (_p, posts) in zip(ids, batch, strict=True) for a in posts]
            insert_rows(Appointment, APPOINTMENT_FIELDS, rows)
        total_people += len(batch)
        total_appointments += len(rows)
        batch.clear()

    for code, kind, *place in villages:
        if code[:6] != county:  # ID numbers need only be unique within a county's address code
            county, used = code[:6], set()
        if code[:4] != city_code:
            city_code, city = code[:4], _City(code=code[:4])
        if place:
            city.index, city.size = place
        batch.extend(_village_people(code, kind, city, used))
        done += 1
        if done % BATCH_VILLAGES == 0:
            flush()
            if progress:
                progress(done, total_people)
    if batch:
        flush()
    return total_people, total_appointments


def villages_without_people(prefix: str) -> Iterator[tuple[str, str, int, int]]:
    """Villages in the prefix with nobody on the roster yet, in code order (so reruns add nothing), each
    with its index among the prefix's villages of its city and their number."""
    staffed = set(Person.objects.within(prefix).values_list("region_id", flat=True).distinct())
    villages = Region.objects.within(prefix).filter(level=Level.VILLAGE)
    sizes = dict(villages.annotate(city=Substr("code", 1, 4)).values("city").annotate(n=Count("code"))
                 .order_by().values_list("city", "n"))
    city, index = "", 0
    for code, kind in villages.order_by("code").values_list("code", "kind").iterator(chunk_size=10_000):
        if code[:4] != city:
            city, index = code[:4], 0
        if code not in staffed:
            yield code, kind, index, sizes[city]
        index += 1
