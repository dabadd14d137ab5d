"""Demo data: in 泸县 (喻寺镇), a resignation the county approved, a dismissal it rejected, and the by-election
of a newcomer cleared by a small joint review awaiting its approval. Written through the services, in
one transaction; idempotent (a county that has requests is left alone)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from lingtouyang.accounts.models import User
from lingtouyang.appointments import services
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.core import crypto
from lingtouyang.people import services as people_services
from lingtouyang.people.codes import Gender, Post
from lingtouyang.people.models import Appointment, Person
from lingtouyang.regions.models import Region
from lingtouyang.review import services as review_services
from lingtouyang.review.models import Department

COUNTY = "510521"
TOWNSHIP = "510521102"  # 喻寺镇, where the demo's township account works
ROUND_NAME = "泸县2026年村（社区）“两委”补选人选任职资格联审"
DEPARTMENTS = ["纪委监委", "组织部", "公安"]
RESIGN_REASON = "因身体原因本人申请辞去职务，经村党组织研究同意"
DISMISS_REASON = "连续两年年度考核不称职"
REJECT_REASON = "免职事实依据不足，请补充村务监督委员会意见后重新申请"
NEWCOMER, NEWCOMER_BORN = "邓春燕", date(1991, 4, 12)
MEMBER_POSTS = [Post.PARTY_MEMBER, Post.VILLAGE_MEMBER, Post.COMMUNITY_MEMBER]
Kind = AppointmentRequest.Kind


def _id_number(born: date) -> str:
    for seq in range(2, 1000, 2):  # even: a woman
        body = f"{COUNTY}{born:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if not Person.objects.filter(id_index=crypto.blind_index(number)).exists():
            return number
    raise RuntimeError("no free ID number for the demo newcomer")


def _cleared_newcomer(village: Region, today: date) -> Person:
    """A returned migrant worker in the village, put through a closed joint review every department passed."""
    person = people_services.person_create(
        acting_user=None, id_number=_id_number(NEWCOMER_BORN), region=village, name=NEWCOMER, gender=Gender.FEMALE,
        birth_date=NEWCOMER_BORN, ethnicity="01", political_status="01", education="30", phone="13980012345",
        source="migrant_worker")
    departments = list(Department.objects.filter(name__in=DEPARTMENTS))
    review_round = review_services.round_create(acting_user=None, region=Region.objects.get(code=COUNTY + "000000"),
                                                name=ROUND_NAME, election_date=today, departments=departments)
    candidate, = review_services.round_add_candidates(acting_user=None, review_round=review_round, people=[person],
                                                      standing_for="member")
    review_services.round_open(acting_user=None, review_round=review_round)
    for department in departments:
        review_services.verdict_record(acting_user=None, candidate=candidate, passed=True, department=department)
    review_services.round_close(acting_user=None, review_round=review_round)
    return person


def demo_requests() -> int:
    """Returns the number of requests added."""
    if AppointmentRequest.objects.within(COUNTY).exists():
        return 0
    members = list(Appointment.objects.current().within(TOWNSHIP).filter(post__in=MEMBER_POSTS)
                   .select_related("person", "region").order_by("region_id", "id")[:2])
    if len(members) < 2:
        return 0
    township = User.objects.filter(username="yusi", region__code__startswith=TOWNSHIP).first()
    county = User.objects.filter(username="luxian", region__code__startswith=COUNTY).first()
    today = timezone.localdate()
    resigned, kept = members
    with transaction.atomic():
        resignation = services.request_create(acting_user=township, kind=Kind.RESIGN, appointment=resigned,
                                              end_date=today - timedelta(days=30), reason=RESIGN_REASON)
        services.request_approve(acting_user=county, request=resignation)
        dismissal = services.request_create(acting_user=township, kind=Kind.DISMISS, appointment=kept,
                                            end_date=today - timedelta(days=7), reason=DISMISS_REASON)
        services.request_reject(acting_user=county, request=dismissal, reason=REJECT_REASON)
        newcomer = _cleared_newcomer(resigned.region, today)
        services.request_create(acting_user=township, kind=Kind.APPOINT, person=newcomer, region=resigned.region,
                                post=resigned.post, start_date=today, basis=AppointmentRequest.Basis.BY_ELECTION)
    return 3
