"""Deterministic synthetic cadres on the real divisions. Each village's team comes from a random
generator seeded by its code, so the same code always gives the same people, and villages are
generated in code order and written in batches: nothing is held in memory but one batch."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from lingtouyang.core import crypto
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.people.codes import Gender, Post, Source
from lingtouyang.people.idnumber import mask
from lingtouyang.people.models import PERSON_BULK_FIELDS, Appointment, Person
from lingtouyang.people.naming import name_keys
from lingtouyang.regions.models import Kind, Level, Region

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"
GIVEN_MALE = "伟强军勇斌杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆亮成林峰磊国文建志兵德春海东晓云松"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳颖慧梅红英萍秀兰凤琴洁倩佳蓉丹莉晶玉瑶"
TERM_START = date(2021, 3, 1)
PREVIOUS_TERM_START = date(2016, 3, 1)
BATCH_VILLAGES = 2_000

APPOINTMENT_FIELDS = ["person_id", "region_id", "post", "term", "start_date", "end_date", "end_reason",
                      "created_at", "updated_at"]


@dataclass
class _Member:
    posts: list[str]
    woman_share: float
    age: tuple[int, int]
    party_share: float


def _team(rng: random.Random, community: bool) -> list[_Member]:
    director = Post.COMMUNITY_DIRECTOR if community else Post.VILLAGE_DIRECTOR
    member = Post.COMMUNITY_MEMBER if community else Post.VILLAGE_MEMBER
    team = []
    if rng.random() < 0.992:  # Luzhou 2021: 一肩挑 in 99.2% of villages
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


def _education(rng: random.Random, age: int) -> str:
    roll = rng.random() + (0.25 if age < 40 else 0) - (0.2 if age > 52 else 0)
    for threshold, code in ((0.12, "70"), (0.35, "60"), (0.48, "40"), (0.85, "30"), (1.05, "20")):
        if roll < threshold:
            return code
    return "10"


def _source(rng: random.Random, secretary: bool) -> str:
    roll = rng.random()
    if secretary and roll < 0.6:
        return Source.MIGRANT_WORKER
    for threshold, code in ((0.35, Source.MIGRANT_WORKER), (0.47, Source.VETERAN), (0.62, Source.WEALTH_CREATOR),
                            (0.74, Source.GRADUATE), (0.84, Source.ENTREPRENEUR)):
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


def _village_people(code: str, kind: str, today: date, used: set[str]) -> Iterator[tuple[list, list]]:
    """(person row without id, appointments without person id) for each member of one village."""
    rng = random.Random(int(code))
    county = code[:6]
    for member in _team(rng, kind == Kind.COMMUNITY):
        woman = rng.random() < member.woman_share
        gender = Gender.FEMALE if woman else Gender.MALE
        age = rng.randint(*member.age)
        born = date(today.year - age, 1, 1) + timedelta(days=rng.randrange(365))
        given = GIVEN_FEMALE if woman else GIVEN_MALE
        name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
        number = _id_number(rng, county, born, gender, used)
        full, initials = name_keys(name)
        secretary = Post.PARTY_SECRETARY in member.posts
        party = "01" if rng.random() < member.party_share else rng.choice(("03", "13", "13"))
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        person = [code, name, full, initials, gender, "01" if rng.random() < 0.97 else rng.choice(("06", "07", "15")),
                  born, crypto.encrypt(number), crypto.blind_index(number), mask(number), party, _education(rng, age),
                  phone, _source(rng, secretary)]
        start = TERM_START + timedelta(days=rng.randrange(60))
        posts = [(code, post, 2021, start, None, "") for post in member.posts]
        if secretary and rng.random() < 0.35:  # re-elected: the previous term's post, ended at the election
            posts.append((code, Post.PARTY_SECRETARY, 2016, PREVIOUS_TERM_START, start, "换届连任"))
        yield person, posts


def generate(villages: Iterator[tuple[str, str]], progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Writes the people of the given (code, kind) villages; returns (people, appointments)."""
    today = timezone.localdate()
    now = timezone.now()
    total_people = total_appointments = 0
    used: set[str] = set()
    county = ""
    batch: list[tuple[list, list]] = []
    done = 0

    def flush() -> None:
        nonlocal total_people, total_appointments
        with transaction.atomic():
            ids = allocate_ids(Person, len(batch))
            insert_rows(Person, PERSON_BULK_FIELDS, ((pk, *p, "[]", now, now) for pk, (p, _a) in zip(ids, batch, strict=True)))
            rows = [(pk, *a, now, now) for pk, (_p, posts) in zip(ids, batch, strict=True) for a in posts]
            insert_rows(Appointment, APPOINTMENT_FIELDS, rows)
        total_people += len(batch)
        total_appointments += len(rows)
        batch.clear()

    for code, kind in villages:
        if code[:6] != county:  # ID numbers need only be unique within a county's address code
            county, used = code[:6], set()
        batch.extend(_village_people(code, kind, today, used))
        done += 1
        if done % BATCH_VILLAGES == 0:
            flush()
            if progress:
                progress(done, total_people)
    if batch:
        flush()
    return total_people, total_appointments


def villages_without_people(prefix: str) -> Iterator[tuple[str, str]]:
    """Villages in the prefix with nobody on the roster yet, in code order (so reruns add nothing)."""
    staffed = set(Person.objects.within(prefix).values_list("region_id", flat=True).distinct())
    qs = Region.objects.within(prefix).filter(level=Level.VILLAGE).order_by("code").values_list("code", "kind")
    for code, kind in qs.iterator(chunk_size=10_000):
        if code not in staffed:
            yield code, kind
