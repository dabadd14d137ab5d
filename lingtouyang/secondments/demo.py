"""Demo data: 48 community party secretaries of Luzhou seconded to Shanghai and Chengdu (选派48名示范社区
党组织书记到上海、成都等发达地区挂职锻炼), in three groups over 2025–2026; each group's state and
evaluations follow from its dates and the day the demo is built. Deterministic and idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Kind
from lingtouyang.secondments.models import Grade, Secondment

COUNT = 48
HOSTS = [
    ("上海市", "上海市浦东新区陆家嘴街道", "社区党委书记"),
    ("上海市", "上海市徐汇区田林街道", "街道党工委副书记"),
    ("上海市", "上海市静安区临汾路街道", "社区党委书记"),
    ("上海市", "上海市闵行区虹桥镇", "镇党委组织委员"),
    ("成都市", "成都市武侯区玉林街道", "社区党委书记"),
    ("成都市", "成都市锦江区春熙路街道", "街道党工委书记"),
    ("成都市", "成都市成华区猛追湾街道", "社区党委书记"),
    ("成都市", "成都市郫都区唐昌街道", "社区党委书记"),
]
MENTORS = ["王建国", "陈丽华", "刘志强", "张海燕", "李明辉", "周晓红", "吴国平", "赵文静"]
# (start, end) of the three groups of 16.
GROUPS = [(date(2025, 3, 1), date(2025, 8, 31)), (date(2025, 9, 1), date(2026, 2, 28)),
          (date(2026, 7, 1), date(2026, 12, 31))]
PURPOSE = "学习发达地区社区治理、党建引领和便民服务经验，回村（社区）后推广运用。"
GRADES = [Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS]
EVALUATOR = "派驻单位及县委组织部"
FIELDS = ["person_id", "region_id", "host_place", "host_organisation", "start_date", "end_date", "mentor_name",
          "mentor_post", "purpose", "state"]


def _secretaries(prefix: str, today: date) -> list[tuple[int, str]]:
    """Current community party secretaries, spread over the city's communities in code order."""
    rows = list(Appointment.objects.within(prefix).current(today)
                .filter(post=Post.PARTY_SECRETARY, region__kind=Kind.COMMUNITY)
                .order_by("region_id", "person_id").values_list("person_id", "region_id"))
    if len(rows) <= COUNT:
        return rows
    step = len(rows) / COUNT
    return [rows[int(i * step)] for i in range(COUNT)]


def demo_secondments(prefix: str = "5105", today: date | None = None) -> int:
    """Returns the number of secondments added (0 when the city already has some)."""
    if Secondment.objects.within(prefix).exists():
        return 0
    today = today or timezone.localdate()
    people = _secretaries(prefix, today)
    if not people:
        return 0
    rng = random.Random(48)
    rows = []
    for i, (person_id, region_id) in enumerate(people):
        start, end = GROUPS[i * len(GROUPS) // len(people)]
        place, host, mentor_post = HOSTS[i % len(HOSTS)]
        s = Secondment(person_id=person_id, region_id=region_id, host_place=place, host_organisation=host,
                       start_date=start, end_date=end, mentor_name=MENTORS[i % len(MENTORS)], mentor_post=mentor_post,
                       purpose=PURPOSE)
        middle = start + (end - start) / 2
        if start > today:
            s.state = Secondment.State.PLANNED
        else:
            s.state = Secondment.State.IN_PROGRESS
            if middle <= today:
                s.mid_grade, s.mid_on, s.mid_by = rng.choice(GRADES), middle, EVALUATOR
                s.mid_comment = "学习态度端正，能主动参与社区工作。"
            if end + timedelta(days=10) <= today:
                s.state = Secondment.State.EVALUATED
                s.final_grade, s.final_on, s.final_by = rng.choice(GRADES), end + timedelta(days=10), EVALUATOR
                s.final_comment = "完成挂职任务，形成学习成果转化方案。"
        rows.append(s)
    with transaction.atomic():
        Secondment.objects.bulk_create(rows)
        audit_record("demo.secondments", region_code=prefix,
                     changes={"secondments": len(rows), "states": sorted({r.state for r in rows})})
    return len(rows)
