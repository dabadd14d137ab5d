"""Demo data for training in Luzhou: the city's 26 training bases, its programmes (with the talent tags some
award), the 2021–22 induction of the 2021 term — every current cadre of the two committees trained, so that
coverage is 100% (新一届村(社区)干部培训率已达100%) — and a year of sessions up to a few weeks from today, with
enrolments, attendance at the sittings already held (the later ones still upcoming), completion by the rule
of training/models.py, talent tags earned and some evaluations.

History written set-based (core/bulk.py), not through the services, as the other demos do. Deterministic
(one generator seeded by the prefix) and idempotent: bases are matched by name, and each of the two sets
of sessions is skipped when sessions of its kind exist in the city."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.core.bulk import allocate_ids, insert_rows
from lingtouyang.elections.report import TWO_COMMITTEE_POSTS
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Level, Region
from lingtouyang.training.models import (
    Attendance,
    BaseKind,
    Enrolment,
    Evaluation,
    PersonTag,
    Programme,
    Session,
    Sitting,
    TrainingBase,
)

CITY = "510500000000"
TERM = 2021
INDUCTION_END = date(2023, 1, 1)  # sessions before this day are the term's induction
COUNTIES = {  # code: (name, party school)
    "510502": ("江阳区", "中共泸州市江阳区委党校"),
    "510503": ("纳溪区", "中共泸州市纳溪区委党校"),
    "510504": ("龙马潭区", "中共泸州市龙马潭区委党校"),
    "510521": ("泸县", "中共泸县县委党校"),
    "510522": ("合江县", "中共合江县委党校"),
    "510524": ("叙永县", "中共叙永县委党校"),
    "510525": ("古蔺县", "中共古蔺县委党校"),
}
# (name, host, kind, region, capacity, specialties)
BASES: list[tuple[str, str, str, str, int, list[str]]] = [
    ("四川长征干部学院四渡赤水分院", "四川长征干部学院", BaseKind.CADRE_COLLEGE, "510525000000", 300,
     ["party_building", "governance"]),
    ("泸州市乡村振兴党员学院", "中共泸州市委组织部", BaseKind.CADRE_COLLEGE, CITY, 200,
     ["rural_revitalisation", "industry", "party_building"]),
    *[(school, f"中共{name}委", BaseKind.PARTY_SCHOOL,
       f"{code}000000", 150, ["party_building", "governance"]) for code, (name, school) in COUNTIES.items()],
    ("泸州职业技术学院", "泸州职业技术学院", BaseKind.VOCATIONAL, "510504000000", 200, ["industry", "e_commerce"]),
    ("四川化工职业技术学院", "四川化工职业技术学院", BaseKind.VOCATIONAL, "510504000000", 150, ["industry"]),
    ("四川三河职业学院", "四川三河职业学院", BaseKind.VOCATIONAL, "510522000000", 120, ["e_commerce", "industry"]),
    ("泸州市农业广播电视学校", "泸州市农业农村局", BaseKind.VOCATIONAL, CITY, 100, ["industry", "rural_revitalisation"]),
]
FIELD_SITES = 13  # 26 bases in all: field teaching sites in villages, about two per county
FIELD_SITE_NAMES = ["乡村振兴现场教学点", "产业发展现场教学点", "基层治理现场教学点"]

# (key, title, topic, form, audience, hours, talent tag)
PROGRAMMES: list[tuple[str, str, str, str, str, str, str]] = [
    ("induction_secretaries", "新任村(社区)党组织书记任职培训", "party_building", "centralised", "new_secretaries",
     "20.0", ""),
    ("induction_all", "新一届村(社区)“两委”干部全员培训", "rural_revitalisation", "centralised", "all_cadres",
     "20.0", ""),
    ("revitalisation", "乡村振兴专题培训", "rural_revitalisation", "lecture", "all_cadres", "12.0", ""),
    ("industry_leader", "产业发展带头人培育", "industry", "field_visit", "all_cadres", "12.0", "industry_leader"),
    ("local_expert", "土专家技能提升培训", "industry", "field_visit", "all_cadres", "12.0", "local_expert"),
    ("farm_scholar", "田秀才实用技术培训", "industry", "centralised", "all_cadres", "12.0", "farm_scholar"),
    ("e_commerce", "农村电商人才培训", "e_commerce", "centralised", "all_cadres", "12.0", "e_commerce"),
    ("manager", "农村职业经理人培训", "industry", "lecture", "secretaries", "12.0", "manager"),
    ("governance", "基层社会治理能力提升培训", "governance", "lecture", "all_cadres", "12.0", ""),
    ("red_education", "四渡赤水红色教育现场教学", "party_building", "field_visit", "secretaries", "12.0", ""),
    ("community", "社区工作者能力提升培训", "social_work", "centralised", "community_cadres", "12.0", ""),
]
YEAR_PROGRAMMES = [p[0] for p in PROGRAMMES[2:]]
INDUCTION_CLASS = 150  # cadres per induction class
YEAR_SESSIONS_PER_COUNTY = 6
COMMENTS = ["内容贴近实际，很有收获", "现场教学很受启发", "希望多安排产业方面的课程", "老师讲得透彻", ""]

BASE_FIELDS = ["id", "region_id", "name", "host", "kind", "address", "capacity", "specialties", "active",
               "created_at", "updated_at"]
PROGRAMME_FIELDS = ["id", "region_id", "title", "topic", "form", "hours", "audience", "threshold", "talent_tag",
                    "description", "active", "created_at", "updated_at"]
SESSION_FIELDS = ["id", "region_id", "programme_id", "base_id", "title", "start_date", "end_date", "capacity", "state",
                  "cancel_reason", "created_at", "updated_at"]
SITTING_FIELDS = ["id", "session_id", "starts_at", "ends_at", "hours", "subject", "teacher", "token_nonce"]
ENROLMENT_FIELDS = ["id", "session_id", "person_id", "region_id", "via", "withdrawn", "attended_hours", "completed_on",
                    "enrolled_at"]
ATTENDANCE_FIELDS = ["enrolment_id", "sitting_id", "method", "checked_in_at"]
SUBJECTS = ["开班动员与政策解读", "专题讲座", "案例教学", "现场观摩", "分组研讨", "结业测试"]
TEACHERS = ["市委党校教授", "县委组织部干部", "农技专家", "优秀村党组织书记", "电商企业负责人"]


@dataclass
class _Batch:
    """The rows one run writes, with their ids allocated as they are made."""

    now: datetime
    sessions: list[tuple] = field(default_factory=list)
    sittings: list[tuple] = field(default_factory=list)
    enrolments: list[tuple] = field(default_factory=list)
    attendances: list[tuple] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    tags: dict[tuple[int, str], tuple[int, date]] = field(default_factory=dict)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def demo_training(prefix: str = "5105") -> dict[str, int]:
    """Returns the counts added: bases, sessions, enrolments."""
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        bases = _bases(prefix, now)
        programmes = _programmes(now)
        batch = _Batch(now)
        rng = random.Random(int(prefix or "0") * 31 + 7)
        cadres = _cadres(prefix, today)
        base_by_region = dict(TrainingBase.objects.within_or_above(prefix).values_list("region_id", "id"))
        all_bases = list(TrainingBase.objects.within_or_above(prefix).order_by("id").values_list("id", "region_id"))
        sessions = Session.objects.within(prefix)
        if cadres and not sessions.filter(start_date__lt=INDUCTION_END).exists():
            _induction(batch, rng, cadres, programmes, base_by_region, today)
        if cadres and not sessions.filter(start_date__gte=INDUCTION_END).exists():
            _year(batch, rng, cadres, programmes, all_bases, today)
        _write(batch)
        added = {"bases": bases, "sessions": len(batch.sessions), "enrolments": len(batch.enrolments)}
        if any(added.values()):
            audit_record("demo.training", region_code=prefix, changes={**added, "attendances": len(batch.attendances)})
    return added


def _bases(prefix: str, now: datetime) -> int:
    rows = list(BASES)
    counties = sorted(COUNTIES)
    villages = list(Region.objects.within(prefix).filter(level=Level.VILLAGE).order_by("code")
                    .values_list("code", "short_name"))
    if villages:
        for i in range(FIELD_SITES):
            county = counties[i % len(counties)]
            mine = [v for v in villages if v[0].startswith(county)] or villages
            code, name = mine[(i * 37) % len(mine)]
            rows.append((f"{name}{FIELD_SITE_NAMES[i % len(FIELD_SITE_NAMES)]}", f"{COUNTIES[county][0]}委组织部",
                         BaseKind.FIELD_SITE, code, 60, ["rural_revitalisation", "industry"]))
    existing = set(TrainingBase.objects.values_list("region_id", "name"))
    new = [r for r in rows if (r[3], r[0]) not in existing and r[3].startswith(prefix[:4])]
    ids = allocate_ids(TrainingBase, len(new))
    insert_rows(TrainingBase, BASE_FIELDS, ((pk, region, name, host, kind, "", capacity, json.dumps(specialties), True,
                                             now, now)
                                            for pk, (name, host, kind, region, capacity, specialties)
                                            in zip(ids, new, strict=True)))
    return len(new)


def _programmes(now: datetime) -> dict[str, tuple[int, Decimal, str]]:
    """{key: (id, hours, talent tag)}; the city's programmes, added where missing (by title)."""
    existing = dict(Programme.objects.filter(region_id=CITY).values_list("title", "id"))
    new = [p for p in PROGRAMMES if p[1] not in existing]
    ids = allocate_ids(Programme, len(new))
    insert_rows(Programme, PROGRAMME_FIELDS, (
        (pk, CITY, title, topic, form, Decimal(hours), audience, 80, tag, "", True, now, now)
        for pk, (_k, title, topic, form, audience, hours, tag) in zip(ids, new, strict=True)))
    existing.update({p[1]: pk for pk, p in zip(ids, new, strict=True)})
    return {key: (existing[title], Decimal(hours), tag) for key, title, _t, _f, _a, hours, tag in PROGRAMMES}


def _cadres(prefix: str, today: date) -> dict[int, tuple[str, date, bool]]:
    """The term's current two-committee cadres: {person: (village, earliest start, secretary)}."""
    out: dict[int, tuple[str, date, bool]] = {}
    rows = (Appointment.objects.within(prefix).current(today).filter(term=TERM, post__in=TWO_COMMITTEE_POSTS)
            .order_by("person_id", "start_date").values_list("person_id", "region_id", "start_date", "post"))
    for person, village, start, post in rows:
        _v, first, secretary = out.get(person, (village, start, False))
        out[person] = (_v, min(first, start), secretary or post == Post.PARTY_SECRETARY)
    return out


def _session(batch: _Batch, rng: random.Random, *, region: str, programme: tuple[int, Decimal, str], base: int | None,
             title: str, start: date, sittings: int, capacity: int, today: date) -> tuple[int, list[tuple]]:
    """One session of `sittings` equal sittings, two a day; its id and its sittings (id, starts_at, hours)."""
    session_id = len(batch.sessions)  # an index into the batch: _write gives the real ids
    hours = programme[1] / sittings
    made = []
    for i in range(sittings):
        day = start + timedelta(days=i // 2)
        at = _at(day, 9 if i % 2 == 0 else 14)
        sitting_index = len(batch.sittings)
        batch.sittings.append((sitting_index, session_id, at, at + timedelta(hours=int(hours) or 1), hours,
                               SUBJECTS[i % len(SUBJECTS)], rng.choice(TEACHERS), 0))
        made.append((sitting_index, at, hours))
    end = start + timedelta(days=(sittings - 1) // 2)
    state = Session.State.FINISHED if end < today else Session.State.SCHEDULED
    batch.sessions.append((session_id, region, programme[0], base, title, start, end, capacity, state, "",
                           batch.now, batch.now))
    return session_id, made


def _enrol(batch: _Batch, rng: random.Random, session: int, sittings: list[tuple], person: int, village: str,
           programme: tuple[int, Decimal, str], *, miss: float, max_missed: int, via: str) -> None:
    """An enrolment with attendance at the sittings held, and completion by the rule (80%)."""
    index = len(batch.enrolments)
    attended, completed, missed = Decimal(0), None, 0
    now = batch.now
    for sitting, at, hours in sittings:
        if at > now:
            continue
        if missed < max_missed and rng.random() < miss:
            missed += 1
            continue
        attended += hours
        batch.attendances.append((index, sitting, "qr" if rng.random() < 0.85 else "officer",
                                  at + timedelta(minutes=rng.randrange(-15, 10))))
        if completed is None and attended * 100 >= programme[1] * 80:
            completed = timezone.localdate(at)
    batch.enrolments.append((index, session, person, village, via, False, attended, completed, now))
    if completed is not None:
        if programme[2] and (person, programme[2]) not in batch.tags:
            batch.tags[(person, programme[2])] = (index, completed)
        if rng.random() < 0.4:
            batch.evaluations.append(Evaluation(enrolment_id=index, score=rng.choice((3, 4, 4, 5, 5, 5)),
                                                comment=rng.choice(COMMENTS)))


def _induction(batch: _Batch, rng: random.Random, cadres: dict[int, tuple[str, date, bool]],
               programmes: dict[str, tuple[int, Decimal, str]], base_by_region: dict[str, int], today: date) -> None:
    """Every cadre once: the secretaries at the cadre college by county, the others in classes at their county's
    party school, from May 2021 to June 2022; one sitting in five may be missed (still 80%)."""
    by_county: dict[str, dict[bool, list[tuple[int, str, date]]]] = {}
    for person, (village, start, secretary) in sorted(cadres.items(), key=lambda c: (c[1][0], c[0])):
        by_county.setdefault(village[:6], {True: [], False: []})[secretary].append((person, village, start))
    college = base_by_region.get("510525000000")
    for n, (county, groups) in enumerate(sorted(by_county.items())):
        name = COUNTIES.get(county, ("", ""))[0]
        classes = [(True, groups[True])] + [
            (False, groups[False][i:i + INDUCTION_CLASS]) for i in range(0, len(groups[False]), INDUCTION_CLASS)]
        for k, (secretary, members) in enumerate(classes):
            if not members:
                continue
            key = "induction_secretaries" if secretary else "induction_all"
            start = date(2021, 5, 10) + timedelta(days=n * 14 + k * 21)
            if start.weekday() >= 5:
                start += timedelta(days=7 - start.weekday())
            title = (f"{name}新任村(社区)党组织书记任职培训班" if secretary
                     else f"{name}新一届村(社区)“两委”干部培训班第{k}期")
            session, sittings = _session(
                batch, rng, region=f"{county}000000", programme=programmes[key],
                base=college if secretary else base_by_region.get(f"{county}000000"), title=title, start=start,
                sittings=5, capacity=max(len(members), 1), today=today)
            for person, village, first in members:
                if first <= start:  # who took up their post later waits for a later class
                    _enrol(batch, rng, session, sittings, person, village, programmes[key], miss=0.1, max_missed=1,
                           via=Enrolment.Via.RULE)


def _year(batch: _Batch, rng: random.Random, cadres: dict[int, tuple[str, date, bool]],
          programmes: dict[str, tuple[int, Decimal, str]], bases: list[tuple[int, str]], today: date) -> None:
    """A year of sessions in every county, from eleven months ago to five weeks ahead."""
    first_day = today - timedelta(days=330)
    by_county: dict[str, list[tuple[int, str]]] = {}
    for person, (village, _s, _sec) in sorted(cadres.items()):
        by_county.setdefault(village[:6], []).append((person, village))
    for n, (county, people) in enumerate(sorted(by_county.items())):
        name = COUNTIES.get(county, ("", ""))[0]
        local = [b for b, region in bases if region.startswith(county) or region == CITY] or [b for b, _r in bases]
        for k in range(YEAR_SESSIONS_PER_COUNTY):
            key = YEAR_PROGRAMMES[(n * 3 + k) % len(YEAR_PROGRAMMES)]
            start = first_day + timedelta(days=k * 365 // YEAR_SESSIONS_PER_COUNTY + n * 5 + rng.randrange(5))
            if start.weekday() >= 5:
                start += timedelta(days=7 - start.weekday())
            size = min(len(people), rng.randint(30, 60))
            title = f"{name}{start.year}年{PROGRAMMES[[p[0] for p in PROGRAMMES].index(key)][1]}第{k + 1}期"
            session, sittings = _session(batch, rng, region=f"{county}000000", programme=programmes[key],
                                         base=rng.choice(local), title=title, start=start, sittings=4,
                                         capacity=size + 10, today=today)
            for person, village in rng.sample(people, size):
                _enrol(batch, rng, session, sittings, person, village, programmes[key], miss=0.12, max_missed=2,
                       via=rng.choice((Enrolment.Via.RULE, Enrolment.Via.INDIVIDUAL, Enrolment.Via.IMPORT)))


def _write(batch: _Batch) -> None:
    """The batch's rows with real ids in place of its indexes."""
    session_ids = allocate_ids(Session, len(batch.sessions))
    sitting_ids = allocate_ids(Sitting, len(batch.sittings))
    insert_rows(Session, SESSION_FIELDS, ((session_ids[s[0]], *s[1:]) for s in batch.sessions))
    insert_rows(Sitting, SITTING_FIELDS, ((sitting_ids[s[0]], session_ids[s[1]], *s[2:]) for s in batch.sittings))
    enrolment_ids = allocate_ids(Enrolment, len(batch.enrolments))
    insert_rows(Enrolment, ENROLMENT_FIELDS,
                ((enrolment_ids[e[0]], session_ids[e[1]], *e[2:]) for e in batch.enrolments))
    insert_rows(Attendance, ATTENDANCE_FIELDS,
                ((enrolment_ids[a[0]], sitting_ids[a[1]], *a[2:]) for a in batch.attendances))
    for evaluation in batch.evaluations:
        evaluation.enrolment_id = enrolment_ids[evaluation.enrolment_id]
    Evaluation.objects.bulk_create(batch.evaluations, batch_size=1000)
    held = set(PersonTag.objects.filter(person_id__in={p for p, _t in batch.tags}).values_list("person_id", "tag"))
    PersonTag.objects.bulk_create([PersonTag(person_id=p, tag=t, enrolment_id=enrolment_ids[e], earned_on=day)
                                   for (p, t), (e, day) in batch.tags.items() if (p, t) not in held], batch_size=1000)


def summary(added: dict[str, Any]) -> str:
    return (f"training: {added['bases']} bases, {added['sessions']} sessions, {added['enrolments']} enrolments "
            "added")
