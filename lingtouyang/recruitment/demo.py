"""Demo data: a 江阳区 campaign for full-time deputy secretaries from returned migrant workers, in its public
notice period whatever day the demo is built on, written through the services (acting_user None)."""

from __future__ import annotations

from datetime import date, timedelta

from stdnum.cn import ric

from lingtouyang.people.codes import Gender, Source
from lingtouyang.people.models import Person
from lingtouyang.recruitment import services, workdays
from lingtouyang.recruitment.models import Campaign, Duty
from lingtouyang.regions.models import Kind, Level, Region
from lingtouyang.review import services as review_services
from lingtouyang.review.models import Department

COUNTY = "510502000000"
CAMPAIGN_NAME = "江阳区2026年从优秀农民工中公开招聘村（社区）专职副书记"
ROUND_NAME = "江阳区公开招聘村专职副书记拟聘人选任职资格联审"
MANUAL_CONDITIONS = "在外务工经商3年以上，有一定经营管理经验\n无违法违纪记录，群众认可度高"
OBJECTION = ("匿名群众（电话）", "反映其返乡后长期不在村居住。")

# (name, gender, birth date, education, political status, source, written, interview, manual check)
# Per village: the first applicants are eligible; the others each fail one condition.
APPLICANTS = [
    [("付建军", Gender.MALE, date(1988, 4, 12), "30", "01", Source.MIGRANT_WORKER, "86.5", "88.4", ""),
     ("罗晓燕", Gender.FEMALE, date(1990, 9, 3), "60", "01", Source.MIGRANT_WORKER, "82", "90.2", ""),
     ("曾德明", Gender.MALE, date(1986, 1, 20), "40", "01", Source.MIGRANT_WORKER, "79.5", "84.6", ""),
     ("陈国富", Gender.MALE, date(1972, 6, 8), "60", "01", Source.MIGRANT_WORKER, None, None, ""),
     ("黄志强", Gender.MALE, date(1989, 11, 30), "60", "01", Source.MIGRANT_WORKER, None, None,
      "在外务工经商不足3年")],
    [("王春梅", Gender.FEMALE, date(1987, 3, 15), "30", "01", Source.MIGRANT_WORKER, "84", "86.8", ""),
     ("李文斌", Gender.MALE, date(1985, 7, 22), "60", "02", Source.MIGRANT_WORKER, "80.5", "83", ""),
     ("赵永刚", Gender.MALE, date(1984, 2, 2), "60", "01", Source.VETERAN, None, None, ""),
     ("周小兵", Gender.MALE, date(1991, 5, 18), "70", "01", Source.MIGRANT_WORKER, None, None, ""),
     ("吴海燕", Gender.FEMALE, date(1992, 8, 9), "60", "13", Source.MIGRANT_WORKER, None, None, "")],
]


def _id_number(born: date, gender: str, seq: int) -> str:
    """A valid number not yet on the roster (the synthetic roster uses random serials)."""
    while True:
        serial = (seq % 500) * 2 + (1 if gender == Gender.MALE else 0)
        body = f"510502{born:%Y%m%d}{serial:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if services._find_person(number) is None:
            return number
        seq += 7


def _back_workdays(day: date, n: int) -> date:
    """The day n working days before `day` (so that a notice started then is still running on `day`)."""
    exceptions = workdays.calendar_exceptions(day - timedelta(days=40), day)
    counted = 0
    while counted < n:
        day -= timedelta(days=1)
        if workdays.is_workday(day, exceptions):
            counted += 1
    return day


def demo_campaign(today: date | None = None) -> Campaign | None:
    """Idempotent: a second run finds the campaign and adds nothing."""
    if Campaign.objects.filter(region_id=COUNTY, name=CAMPAIGN_NAME).exists():
        return None
    county = Region.objects.filter(code=COUNTY).first()
    villages = list(Region.objects.filter(code__startswith="510502", level=Level.VILLAGE, kind=Kind.VILLAGE)
                    .order_by("code")[:2])
    if county is None or len(villages) < 2:
        return None
    from django.utils import timezone

    today = today or timezone.localdate()
    campaign = services.campaign_create(
        acting_user=None, region=county, name=CAMPAIGN_NAME, reference_date=today - timedelta(days=40), max_age=45,
        min_education="60", required_sources=[Source.MIGRANT_WORKER], party_member_required=True,
        manual_conditions=MANUAL_CONDITIONS, written_weight=40, interview_weight=60, interview_ratio=3,
        notice_workdays=5, duties=[Duty.COLLECTIVE_ECONOMY, Duty.SPECIALTY_INDUSTRY, Duty.COOPERATIVES])
    posts = [services.campaign_post_add(acting_user=None, campaign=campaign, region=v) for v in villages]
    services.campaign_open(acting_user=None, campaign=campaign)
    applications = []
    seq = 401
    for post, people in zip(posts, APPLICANTS, strict=True):
        for i, (name, gender, born, education, political, source, written, interview, manual) in enumerate(people):
            seq += 1
            application = services.application_create(
                acting_user=None, campaign=campaign, campaign_post=post, submitted_on=today - timedelta(days=45 - i),
                id_number=_id_number(born, gender, seq),
                person_data={"name": name, "gender": gender, "birth_date": born, "ethnicity": "01",
                             "political_status": political, "education": education, "source": source,
                             "phone": f"1398300{seq:04d}"})
            applications.append((application, written, interview, manual))
    services.campaign_screen(acting_user=None, campaign=campaign)
    for application, _w, _i, manual in applications:
        application.refresh_from_db()
        if not application.auto_failures:
            services.application_check(acting_user=None, application=application, passed=not manual, reason=manual)
    services.campaign_examine(acting_user=None, campaign=campaign)
    for field in ("written", "interview"):
        for application, written, interview, _m in applications:
            value = written if field == "written" else interview
            if value is not None:
                services.score_record(acting_user=None, application=application, **{field: value})
    start = _back_workdays(today, 2)
    services.campaign_notice(acting_user=None, campaign=campaign, start=start)
    hires = services.hire_list(campaign)
    # The people to be hired are cleared by a joint review round in 江阳区, every department passing them.
    departments = list(Department.objects.all())
    review_round = review_services.round_create(acting_user=None, region=county, name=ROUND_NAME,
                                                election_date=today, departments=departments)
    review_services.round_add_candidates(acting_user=None, review_round=review_round,
                                         people=[Person.objects.get(pk=a.person_id) for a in hires])
    review_services.round_open(acting_user=None, review_round=review_round)
    for candidate in review_round.candidates.all():
        for department in departments:
            review_services.verdict_record(acting_user=None, candidate=candidate, department=department, passed=True)
    services.objection_record(acting_user=None, application=hires[0], raised_by=OBJECTION[0], content=OBJECTION[1],
                              raised_on=today)
    return campaign
