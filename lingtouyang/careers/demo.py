"""Demo data: Luzhou's three channels in the first half of 2021 (seed: 7 village secretaries into township
leadership and 5 through the targeted township civil-service exam in half a year), a few township
public-institution posts, resignations and one dismissal with their reasons. The people are cadres of the
2016 term who left at the 2021 election, so the roster already shows their posts ended. Deterministic and
idempotent; bulk."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef

from lingtouyang.audit.services import audit_record
from lingtouyang.careers.models import CareerEvent, Kind
from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment

LEFT = "换届离任"  # people.demo's reason for those who left at the 2021 election
# (kind, how many, secretaries only, dates, destination or reason templates)
PLAN = [
    (Kind.TOWNSHIP_LEADERSHIP, 7, True, [date(2021, 3, 20), date(2021, 4, 15), date(2021, 6, 10)],
     "{township}党委（进入乡镇领导班子）"),
    (Kind.CIVIL_SERVICE, 5, False, [date(2021, 5, 28), date(2021, 6, 18)], "{township}人民政府（定向考录公务员）"),
    (Kind.PUBLIC_INSTITUTION, 3, False, [date(2021, 6, 1)], "{township}农业综合服务中心"),
    (Kind.RESIGNATION, 4, False, [date(2021, 3, 1)], ""),
    (Kind.DISMISSAL, 1, False, [date(2021, 3, 1)], ""),
]
REASONS = {
    Kind.RESIGNATION: ["本人申请外出经商", "身体原因，本人申请辞去职务", "家庭原因，本人申请辞职", "考取其他工作岗位"],
    Kind.DISMISSAL: ["年度考核不称职，经谈话提醒后未整改，依程序免去职务"],
}


def _leavers(prefix: str, secretaries: bool) -> list[tuple[int, str, str]]:
    """(person, village, township name) of 2016-term cadres who left at the 2021 election, in code order."""
    later = Appointment.objects.filter(person=OuterRef("person_id"), term__gt=2016)
    qs = (Appointment.objects.within(prefix).filter(term=2016, end_reason=LEFT).filter(~Exists(later))
          .order_by("region_id", "person_id"))
    if secretaries:
        qs = qs.filter(post=Post.PARTY_SECRETARY)
    seen: dict[int, tuple[int, str, str]] = {}
    for person_id, region_id, township in qs.values_list("person_id", "region_id", "region__parent__short_name"):
        seen.setdefault(person_id, (person_id, region_id, township))
    return list(seen.values())


def _spread(rows: list, count: int, offset: int) -> list:
    """`count` rows spread over the list (so over the counties), starting a little in."""
    if not rows:
        return []
    step = max(len(rows) // (count + 1), 1)
    return [rows[(offset + (i + 1) * step) % len(rows)] for i in range(min(count, len(rows)))]


def demo_careers(prefix: str = "5105") -> str:
    if CareerEvent.objects.within(prefix).exists():
        return ""
    secretaries, others = _leavers(prefix, True), _leavers(prefix, False)
    used: set[int] = set()
    rows: list[CareerEvent] = []
    for n, (kind, count, only_secretaries, dates, destination) in enumerate(PLAN):
        pool = [r for r in (secretaries if only_secretaries else others) if r[0] not in used]
        for i, (person_id, region_id, township) in enumerate(_spread(pool, count, n * 7)):
            used.add(person_id)
            reasons = REASONS.get(kind, [""])
            rows.append(CareerEvent(person_id=person_id, region_id=region_id, kind=kind, date=dates[i % len(dates)],
                                    destination=destination.format(township=township),
                                    reason=reasons[i % len(reasons)]))
    if not rows:
        return ""
    with transaction.atomic():
        CareerEvent.objects.bulk_create(rows)
        audit_record("demo.careers", region_code=prefix, changes={"events": len(rows)})
    counts = {k: sum(1 for r in rows if r.kind == k) for k in Kind.values}
    return (f"careers: 2021 H1 — {counts['township_leadership']} into township leadership, "
            f"{counts['civil_service']} civil service, {counts['public_institution']} public institutions, "
            f"{counts['resignation']} resignations, {counts['dismissal']} dismissal")
