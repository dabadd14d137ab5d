"""Demo data: a few hundred care records over 2025–2026 for Luzhou's current cadres — condolence visits
(some with a 慰问金), reminder talks with their follow-up, hardship assistance with its amount — leaving every
fourth township without any, so "no care this year" has something to show. Deterministic and idempotent;
bulk."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lingtouyang.audit.services import audit_record
from lingtouyang.care.models import CareRecord, Kind
from lingtouyang.people.models import Appointment

COUNT = 400
START = date(2025, 1, 1)
BY = ["镇党委书记", "镇党委副书记", "镇组织委员", "县委组织部干部科", "镇纪委书记"]
NOTES = {
    Kind.CONDOLENCE: ["春节走访慰问", "住院慰问", "家属病故慰问", "防汛一线慰问"],
    Kind.REMINDER: ["工作作风不实，提醒改进", "村务公开不及时，提醒整改", "群众反映办事拖延，提醒谈话"],
    Kind.HARDSHIP: ["家庭成员重病，给予困难帮扶", "房屋受灾，给予困难帮扶", "子女上学困难，给予帮扶"],
}
FOLLOW_UPS = ["已按要求整改", "经回访，群众满意", "已建立整改台账"]


def demo_care(prefix: str = "5105", today: date | None = None) -> str:
    if CareRecord.objects.within(prefix).exists():
        return ""
    today = today or timezone.localdate()
    cadres = sorted(set(Appointment.objects.within(prefix).current(today).values_list("person_id", "region_id")))
    townships = sorted({region[:9] for _p, region in cadres})
    left_out = set(townships[::4])  # every fourth township: no care recorded at all
    pool = [c for c in cadres if c[1][:9] not in left_out]
    if not pool:
        return ""
    rng = random.Random(7)
    chosen = rng.sample(pool, min(COUNT, len(pool)))
    days = (today - START).days
    rows = []
    for person_id, region_id in chosen:
        kind = rng.choices([Kind.CONDOLENCE, Kind.REMINDER, Kind.HARDSHIP], weights=[5, 3, 2])[0]
        on = START + timedelta(days=rng.randrange(max(days, 1)))
        r = CareRecord(person_id=person_id, region_id=region_id, kind=kind, date=on, by_whom=rng.choice(BY),
                       note=rng.choice(NOTES[kind]))
        if kind == Kind.HARDSHIP:
            r.amount = Decimal(rng.randrange(10, 60) * 100)
        elif kind == Kind.CONDOLENCE and rng.random() < 0.5:
            r.amount = Decimal(rng.choice([300, 500, 800, 1000]))
        elif kind == Kind.REMINDER:
            r.follow_up_due = on + timedelta(days=30)
            if r.follow_up_due <= today and rng.random() < 0.8:  # a few follow-ups still open, some overdue
                r.follow_up_done, r.follow_up_note = r.follow_up_due - timedelta(days=3), rng.choice(FOLLOW_UPS)
        rows.append(r)
    with transaction.atomic():
        CareRecord.objects.bulk_create(rows)
        audit_record("demo.care", region_code=prefix, changes={"records": len(rows), "townships_left_out": len(left_out)})
    return (f"care: {len(rows)} care records over 2025–{today.year}; {len(left_out)} townships left without any "
            f"(see “no care this year”)")
