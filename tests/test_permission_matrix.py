"""Every URL of the project, as every role and as an anonymous visitor.

Built like Read the Docs' test_privacy_urls.py: the test walks the URL resolver, so a view added
later is checked without touching the logic here. What it needs is data: each route is classified in
ROUTES (the capability it needs), each URL kwarg has a provider in KWARGS (an in-scope value and
out-of-scope values for an account). A route or a kwarg nobody classified fails the test and says
what to add. Expected statuses come from one rule (capability × scope) and the short EXCEPTIONS list.

Writes, and the contents of the exports, are checked further down."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lingtouyang.accounts.models import User
from lingtouyang.accounts.roles import Role
from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.jobs import import_job_create
from lingtouyang.people.models import Appointment, ImportJob, Person
from lingtouyang.people.template import write_template
from lingtouyang.regions.models import Region
from tests import factories as f

ANON = "anonymous"
ROLES = list(f.ROLE_USERS)  # city, county, township, village, supervisor, reviewer
WHO = [*ROLES, ANON]

# What each account's region stands for, written out here rather than asked of the code under test.
PREFIX = {
    "city": "5105", "county": "510521", "township": "510521102", "village": "510521102237",
    "supervisor": "510521102237", "reviewer": "510521",
}
SEES_PEOPLE = {"city", "county", "township", "village", "supervisor"}  # not the department reviewer
WRITERS = {"city", "county", "township"}

# One person (with one post) in each village; the names are chosen to occur nowhere else.
PEOPLE = {
    f.TANBA: "甘守仁",
    f.OTHER_YUSI_VILLAGE: "莫怀远",
    f.OTHER_TOWNSHIP_VILLAGE: "岑立新",
    f.GULIN_VILLAGE: "蒲永昌",
    f.OUTSIDE_VILLAGE: "冉季平",
}
# For each account, the nearest village just outside its scope, and the region just above its own
# (a prefix test must not let anyone climb).
NEAREST_OUTSIDE = {
    "city": f.OUTSIDE_VILLAGE, "county": f.GULIN_VILLAGE, "township": f.OTHER_TOWNSHIP_VILLAGE,
    "village": f.OTHER_YUSI_VILLAGE, "supervisor": f.OTHER_YUSI_VILLAGE, "reviewer": f.GULIN_VILLAGE,
}
ABOVE = {
    "city": "510000000000", "county": f.CITY, "township": "510521000000", "village": f.YUSI,
    "supervisor": f.YUSI, "reviewer": f.CITY,
}


# --- the world every request runs against ------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    people: dict[str, Person]
    appointments: dict[str, Appointment]
    tmp: Path
    jobs: dict[str, ImportJob] = field(default_factory=dict)

    def user(self, who: str) -> Any:
        return self.users["city" if who == ANON else who]

    def job(self, username: str) -> ImportJob:
        """An import job uploaded by this account, made through the real upload path on first use."""
        if username not in self.jobs:
            path = self.tmp / f"template-{username}.xlsx"
            write_template(path)
            upload = SimpleUploadedFile(f"名册-{username}.xlsx", path.read_bytes())
            self.jobs[username] = import_job_create(acting_user=self.users[username], upload=upload, address="")
        return self.jobs[username]

    def review_round(self, county: str) -> Any:
        """A draft review round held by this county, its name unique to it; made on first use."""
        from lingtouyang.review import services as review_services
        from lingtouyang.review.models import Department, ReviewRound

        name = f"联审测试轮次{county[:6]}"
        found = ReviewRound.objects.filter(name=name).first()
        if found is None:
            found = review_services.round_create(
                acting_user=None, region=Region.objects.get(code=county), name=name, election_date=date(2026, 6, 1),
                departments=Department.objects.filter(name__in=["公安", "法院"]))
        return found

    def reserve(self, code: str) -> Any:
        """The village's one person in its reserve pool; made on first use."""
        from lingtouyang.reserves import services as reserve_services
        from lingtouyang.reserves.models import Reserve

        found = Reserve.objects.filter(region_id=code).first()
        return found or reserve_services.reserve_add(
            acting_user=None, person=self.people[code], region=self.people[code].region, posts=["party_secretary"])

    def merit(self, code: str) -> Any:
        """A merit record with a PDF as evidence for the village's reserve; made on first use."""
        from lingtouyang.reserves import services as reserve_services
        from lingtouyang.reserves.models import Merit

        reserve = self.reserve(code)
        found = Merit.objects.filter(reserve=reserve).first()
        return found or reserve_services.merit_add(
            acting_user=None, reserve=reserve, task="flood", description=f"抗洪{code}", done_on=date(2023, 7, 8),
            upload=SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%%EOF\n"))

    def appointment_request(self, code: str, open_: bool = False) -> Any:
        """A request to dismiss the village's cadre from their post: withdrawn (so every decision on it is
        refused), or open (awaiting approval); made on first use."""
        from lingtouyang.appointments import services as appointment_services
        from lingtouyang.appointments.models import AppointmentRequest

        appointment = self.appointments[code]
        state = "requested" if open_ else "withdrawn"
        found = AppointmentRequest.objects.filter(appointment=appointment, state=state).first()
        if found is not None:
            return found
        made = appointment_services.request_create(acting_user=None, kind="dismiss", appointment=appointment,
                                                   end_date=date(2024, 1, 1), reason=f"免职测试{code}")
        return made if open_ else appointment_services.request_withdraw(acting_user=None, request=made)

    def election(self, code: str) -> Any:
        """A planned party branch election in the village; made on first use."""
        from lingtouyang.elections import services as election_services
        from lingtouyang.elections.models import Election

        found = Election.objects.filter(region_id=code, term=2026, kind="party").first()
        return found or election_services.election_create(
            acting_user=None, region=Region.objects.get(code=code), kind="party", election_date=date(2026, 3, 15))

    def election_candidate(self, code: str) -> Any:
        """The village's person, cleared by a joint review round, as a candidate in its election."""
        from lingtouyang.elections import services as election_services
        from lingtouyang.elections.models import ElectionCandidate
        from tests.elections.conftest import review

        election, person = self.election(code), self.people[code]
        found = ElectionCandidate.objects.filter(election=election, person=person).first()
        if found is None:
            review([person])
            found = election_services.candidate_add(acting_user=None, election=election, person=person,
                                                    post="party_member")
        return found

    def recruitment(self, code: str) -> Any:
        """The village's person's application to a campaign of its county in the public notice (scored,
        ranked, proposed, one objection recorded); made on first use."""
        from django.utils import timezone

        from lingtouyang.recruitment import services as recruitment_services
        from lingtouyang.recruitment.models import Application, Campaign

        person = self.people[code]
        found = Application.objects.filter(person=person).first()
        if found is not None:
            return found
        county = Region.objects.get(code=code[:6] + "000000")
        campaign = recruitment_services.campaign_create(
            acting_user=None, region=county, name=f"招聘测试{code[:6]}", reference_date=date(2026, 3, 1))
        post = recruitment_services.campaign_post_add(acting_user=None, campaign=campaign, region=person.region)
        recruitment_services.campaign_open(acting_user=None, campaign=campaign)
        application = recruitment_services.application_create(
            acting_user=None, campaign=campaign, campaign_post=post, submitted_on=date(2026, 2, 1), person=person)
        recruitment_services.campaign_screen(acting_user=None, campaign=campaign)
        recruitment_services.campaign_examine(acting_user=None, campaign=campaign)
        recruitment_services.score_record(acting_user=None, application=application, written="80", interview="80")
        today = timezone.localdate()
        recruitment_services.campaign_notice(acting_user=None, campaign=campaign, start=today)
        application.refresh_from_db()
        recruitment_services.objection_record(acting_user=None, application=application, raised_by=f"异议人{code}",
                                              content=f"异议内容{code}", raised_on=today)
        assert Campaign.objects.get(pk=campaign.pk).state == "notice"
        return application

    def training_enrolment(self, code: str) -> Any:
        """The village's person enrolled in a session run by its county, with one four-hour sitting open now,
        marked present there (so completed); made on first use."""
        from lingtouyang.training import attendance
        from lingtouyang.training.models import Enrolment, Session
        from tests.training.attendance_helpers import enrol, make_programme, make_session, make_sitting

        person = self.people[code]
        county, title = code[:6] + "000000", f"考勤测试{code[:6]}"
        found = Enrolment.objects.filter(person=person, session__title=title).select_related("session").first()
        if found is not None:
            return found
        session = Session.objects.filter(region_id=county, title=title).first() or make_session(
            region=county, programme=make_programme(threshold=50), title=title)
        sitting = session.sittings.first() or make_sitting(session)
        enrolment = enrol(session, person)
        attendance.attendance_mark(acting_user=None, sitting=sitting, present=[enrolment.pk], absent=[])
        return Enrolment.objects.select_related("session").get(pk=enrolment.pk)

    def secondment(self, code: str) -> Any:
        """The village's person seconded to a Shanghai host in 2025; made on first use."""
        from lingtouyang.secondments import services as secondment_services
        from lingtouyang.secondments.models import Secondment

        person = self.people[code]
        found = Secondment.objects.filter(person=person).first()
        return found or secondment_services.secondment_create(
            acting_user=None, person=person, host_place="上海市", host_organisation=f"挂职测试单位{code}",
            start_date=date(2025, 3, 1), end_date=date(2025, 8, 31))

    def socialwork_registration(self, code: str) -> Any:
        """The village's person registered for the 2024 assistant social-work exam; made on first use."""
        from lingtouyang.socialwork import services as socialwork_services
        from lingtouyang.socialwork.models import Registration

        person = self.people[code]
        found = Registration.objects.filter(person=person).first()
        return found or socialwork_services.registration_create(acting_user=None, person=person, exam_year=2024,
                                                                level="assistant")

    def forbidden(self, who: str) -> list[str]:
        """What must never show for this account: out-of-scope people, villages and accounts."""
        prefix = PREFIX.get(who)
        words = [u.username for key, u in self.users.items()
                 if key not in PREFIX and (prefix is None or not u.region_id.startswith(prefix))]
        for code, person in self.people.items():
            if who not in SEES_PEOPLE or not code.startswith(prefix or "-"):
                words += [person.name, person.id_masked]
            if prefix is None or not code.startswith(prefix):
                words.append(person.region.short_name)
        return words


@pytest.fixture
def world(users, upload_dir, tmp_path) -> World:  # noqa: ANN001
    f.make_outside_luzhou()
    people, appointments = {}, {}
    for code, name in PEOPLE.items():
        people[code] = f.make_person(code, name=name, born=date(1980, 5, 17))
        appointments[code] = f.make_appointment(people[code])
    extra = {
        "gulin": f.make_user("gulin_admin_x", Role.COUNTY_ADMIN, f.GULIN),
        "city2": f.make_user("city_colleague_x", Role.CITY_ADMIN, f.CITY),
        "county2": f.make_user("county_colleague_x", Role.COUNTY_ADMIN, "510521000000"),
        "township2": f.make_user("township_colleague_x", Role.TOWNSHIP_OFFICER, f.YUSI),
    }
    w = World(users={**users, **extra}, people=people, appointments=appointments, tmp=tmp_path)
    # The words used as evidence must not be names of anything an account may legitimately see.
    for who, prefix in PREFIX.items():
        for word in w.forbidden(who):
            assert not Region.objects.filter(code__startswith=prefix, short_name=word).exists(), word
    return w


# --- kwarg providers ---------------------------------------------------------------------------


@dataclass
class Values:
    inside: Any
    # Each out-of-scope value, with the words that must not show when asking for it.
    outside: list[tuple[Any, list[str]]]
    inside_words: list[str] = field(default_factory=list)
    scoped: bool = True


def _region_values(w: World, who: str, route: Route) -> Values:
    own = w.user(who).region
    near = Region.objects.get(code=NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    above = Region.objects.get(code=ABOVE.get(who, "510000000000"))
    return Values(own.code, [(near.code, [near.short_name]), (above.code, [above.short_name])], [own.short_name])


def _person_values(w: World, who: str, route: Route) -> Values:
    inside = w.people[f.TANBA]
    out = w.people[NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE)]
    return Values(inside.pk, [(out.pk, [out.name, out.id_masked])], [inside.name])


def _appointment_values(w: World, who: str, route: Route) -> Values:
    inside = w.appointments[f.TANBA]
    out = w.appointments[NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE)]
    return Values(inside.pk, [(out.pk, [out.person.name, out.region.short_name])], [inside.region.short_name])


def _job_values(w: World, who: str, route: Route) -> Values:
    """Jobs are their uploader's: a colleague's job in the same region is as invisible as another county's."""
    me = who if who in WRITERS else "township"
    colleague = {"city": "city2", "county": "county2", "township": "township2"}[me]
    mine, theirs, far = w.job(me), w.job(colleague), w.job("gulin")
    return Values(mine.pk, [(theirs.pk, [theirs.file_name]), (far.pk, [far.file_name])], [mine.file_name])


def _api_pk_values(w: World, who: str, route: Route) -> Values:
    basename = (route.initkwargs or {}).get("basename")
    provider = API_PK.get(basename)
    if provider is None:
        pytest.fail(f"{route.label}: no provider for `pk` of API basename {basename!r}; add it to API_PK "
                    "in tests/test_permission_matrix.py")
    return provider(w, who, route)


def _round_values(w: World, who: str, route: Route) -> Values:
    """A review round in 泸县 (inside county and city), one in the account's nearest outside county."""
    inside, out = w.review_round("510521000000"), w.review_round(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE)[:6] + "000000")
    return Values(inside.pk, [(out.pk, [out.name])], [inside.name])


def _candidate_values(w: World, who: str, route: Route) -> Values:
    """The 泸县 person as a candidate in the 泸县 round; the nearest outside person in their county's round."""
    from lingtouyang.review import services as review_services
    from lingtouyang.review.models import Candidate

    def candidate(code: str) -> Candidate:
        review_round, person = w.review_round(code[:6] + "000000"), w.people[code]
        found = Candidate.objects.filter(round=review_round, person=person).first()
        return found or review_services.round_add_candidates(acting_user=None, review_round=review_round,
                                                             people=[person])[0]

    inside, out = candidate(f.TANBA), candidate(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


def _ruleset_values(w: World, who: str, route: Route) -> Values:
    from lingtouyang.review.models import RuleSet

    return Values(RuleSet.objects.get(version=1).pk, [], scoped=False)


def _reserve_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.reserve(f.TANBA), w.reserve(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


def _merit_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.merit(f.TANBA), w.merit(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.description])])


def _campaign_values(w: World, who: str, route: Route) -> Values:
    """A 泸县 campaign in its notice; one in the account's nearest outside county."""
    inside, out = w.recruitment(f.TANBA), w.recruitment(_out(w, who))
    return Values(inside.campaign_id, [(out.campaign_id, [out.campaign.name, out.person.name])],
                  [inside.campaign.name])


def _application_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.recruitment(f.TANBA), w.recruitment(_out(w, who))
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


def _objection_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.recruitment(f.TANBA).objections.get(), w.recruitment(_out(w, who)).objections.get()
    return Values(inside.pk, [(out.pk, [out.raised_by, out.content])])


def _format_values(w: World, who: str, route: Route) -> Values:
    return Values("json", [], scoped=False)


def _election_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.election(f.TANBA), w.election(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.region.short_name])], [inside.region.short_name])


def _election_candidate_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.election_candidate(f.TANBA), w.election_candidate(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


def _village_values(w: World, who: str, route: Route) -> Values:
    """谭坝村 (inside every account that sees it); the nearest outside village; the region above (no village)."""
    near = Region.objects.get(code=NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    above = ABOVE.get(who, "510000000000")
    return Values(f.TANBA, [(near.code, [near.short_name]), (above, [])], [Region.objects.get(code=f.TANBA).short_name])


def _appointment_request_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.appointment_request(f.TANBA), w.appointment_request(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.person.name, out.reason])], [inside.person.name])


def _secondment_values(w: World, who: str, route: Route) -> Values:
    inside, out = w.secondment(f.TANBA), w.secondment(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.person.name, out.host_organisation])], [inside.person.name])


def _socialwork_registration_values(w: World, who: str, route: Route) -> Values:
    inside = w.socialwork_registration(f.TANBA)
    out = w.socialwork_registration(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


def _training_sitting_values(w: World, who: str, route: Route) -> Values:
    """A sitting of 泸县's session; one of the nearest outside county's (a county's sessions are shared with
    its townships, so for a township that is another county's)."""
    inside = w.training_enrolment(f.TANBA).session
    out = w.training_enrolment(f.OUTSIDE_VILLAGE if who == "city" else f.GULIN_VILLAGE).session
    return Values(inside.sittings.get().pk, [(out.sittings.get().pk, [out.title])], [inside.title])


def _check_in_token_values(w: World, who: str, route: Route) -> Values:
    from lingtouyang.training.tokens import make_token

    return Values(make_token(w.training_enrolment(f.TANBA).session.sittings.get()), [], scoped=False)


# --- training: planning ---
def _training_catalogue(code: str) -> tuple[Any, Any]:
    """A base and a programme located in the region `code` (the city's are shared with everyone in it)."""
    from decimal import Decimal

    from lingtouyang.training import services as training_services
    from lingtouyang.training.models import Programme, TrainingBase

    region = Region.objects.get(code=code)
    base = TrainingBase.objects.filter(region=region).first() or training_services.base_create(
        acting_user=None, region=region, name=f"矩阵基地{code}", host=f"矩阵承办{code}", capacity=50)
    programme = Programme.objects.filter(region=region).first() or training_services.programme_create(
        acting_user=None, region=region, title=f"矩阵项目{code}", topic="governance", form="lecture",
        hours=Decimal(8), audience="all_cadres")
    return base, programme


def _training_session(w: World, code: str) -> Any:
    """A session run by `code` (泸县 inside; the nearest outside village otherwise). 泸县's has every
    person of the world enrolled, so that its page must hide those out of the viewer's scope."""
    from lingtouyang.training import services as training_services
    from lingtouyang.training.models import Session

    found = Session.objects.filter(title=f"矩阵培训班{code}").first()
    if found is not None:
        return found
    base, programme = _training_catalogue(f.CITY)
    session = training_services.session_create(
        acting_user=None, region=Region.objects.get(code=code), programme=programme, base=base,
        title=f"矩阵培训班{code}", start_date=date(2026, 6, 1), end_date=date(2026, 6, 2), capacity=20)
    if code == "510521000000":
        training_services.enrolment_confirm(acting_user=None, session=session,
                                            person_ids=[p.pk for p in w.people.values()])
    return session


def _training_control_session(w: World) -> Any:
    """A 泸县 session with nobody enrolled, on days no other session of the world overlaps."""
    from lingtouyang.training import services as training_services
    from lingtouyang.training.models import Session

    base, programme = _training_catalogue(f.CITY)
    return Session.objects.filter(title="矩阵对照班").first() or training_services.session_create(
        acting_user=None, region=Region.objects.get(code="510521000000"), programme=programme, base=base,
        title="矩阵对照班", start_date=date(2026, 7, 1), end_date=date(2026, 7, 2), capacity=20)


def _training_base_values(w: World, who: str, route: Route) -> Values:
    inside, out = _training_catalogue(f.CITY)[0], _training_catalogue(_out(w, who))[0]
    return Values(inside.pk, [(out.pk, [out.name])], [inside.name])


def _training_programme_values(w: World, who: str, route: Route) -> Values:
    inside, out = _training_catalogue(f.CITY)[1], _training_catalogue(_out(w, who))[1]
    return Values(inside.pk, [(out.pk, [out.title])], [inside.title])


def _training_session_values(w: World, who: str, route: Route) -> Values:
    inside, out = _training_session(w, "510521000000"), _training_session(w, _out(w, who))
    return Values(inside.pk, [(out.pk, [out.title])], [inside.title])


def _training_enrolment_values(w: World, who: str, route: Route) -> Values:
    session = _training_session(w, "510521000000")
    inside = session.enrolments.get(person=w.people[f.TANBA])
    out = session.enrolments.get(person=w.people[_out(w, who)])
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


# --- assessments: providers ---
def _assessment_world(w: World, code: str) -> dict[str, Any]:
    """The 2025 scheme of `code`'s county (one component of each kind) and `code`'s township scored (80 all
    round: competent), submitted, approved and published, with an appeal by `code`'s person; made on first use."""
    from lingtouyang.assessments import services as assessment_services
    from lingtouyang.assessments.models import Appeal, Result, Scheme

    cache = w.__dict__.setdefault("_assessments", {})
    town = Region.objects.get(code=code[:9] + "000")
    if town.code not in cache:
        county = Region.objects.get(code=code[:6] + "000000")
        scheme = Scheme.objects.filter(region=county, year=2025).first()
        if scheme is None:
            scheme = assessment_services.scheme_create(acting_user=None, region=county, year=2025)
            for kind, name in (("regular", "矩阵季度"), ("special", "矩阵专项"), ("annual", "矩阵年度")):
                assessment_services.component_add(acting_user=None, scheme=scheme, kind=kind, name=name,
                                                  task="矩阵任务" if kind == "special" else "")
        people = assessment_services.assessed_regions(town.prefix, 2025)
        assessment_services.scores_record(acting_user=None, scheme=scheme, township=town, entries=[
            (pid, c.pk, 8000) for pid in people for c in scheme.components.all()])
        for action in ("submit", "approve", "publish"):
            assessment_services.township_transition(acting_user=None, scheme=scheme, township=town, action=action)
        cache[town.code] = {"scheme": scheme, "component": scheme.components.first()}
    person = w.people[code]
    found = cache.setdefault(code, {})
    if not found:
        result = Result.objects.get(person=person, year=2025)
        appeal = Appeal.objects.filter(result=result).first() or assessment_services.appeal_file(
            acting_user=None, result=result, reason=f"矩阵申诉{code}")
        found.update(cache[town.code], result=result, appeal=appeal)
    return found


def _assessment_out_county(who: str) -> str:
    """A village of another county than 泸县 (the scheme is the county's: a township sees its county's)."""
    return f.OUTSIDE_VILLAGE if who == "city" else f.GULIN_VILLAGE


def _assessment_scheme_values(w: World, who: str, route: Route) -> Values:
    inside = _assessment_world(w, f.TANBA)["scheme"]
    out = _assessment_world(w, _assessment_out_county(who))["scheme"]
    return Values(inside.pk, [(out.pk, [])], [inside.region.short_name])


def _assessment_township_values(w: World, who: str, route: Route) -> Values:
    _assessment_world(w, f.TANBA)
    out = _out(w, who)
    _assessment_world(w, out)
    inside = Region.objects.get(code=f.YUSI)
    return Values(inside.code, [(out[:9] + "000", [w.people[out].name])], [inside.short_name])


def _assessment_component_values(w: World, who: str, route: Route) -> Values:
    inside = _assessment_world(w, f.TANBA)["component"]
    out = _assessment_world(w, _assessment_out_county(who))["component"]
    return Values(inside.pk, [(out.pk, [])], [inside.name])


def _assessment_result_values(w: World, who: str, route: Route) -> Values:
    inside, out = _assessment_world(w, f.TANBA)["result"], _assessment_world(w, _out(w, who))["result"]
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


def _assessment_appeal_values(w: World, who: str, route: Route) -> Values:
    inside, out = _assessment_world(w, f.TANBA)["appeal"], _assessment_world(w, _out(w, who))["appeal"]
    return Values(inside.pk, [(out.pk, [out.reason])], [])



# --- pay: providers ---
def _pay_run(w: World, code: str) -> Any:
    """A finished 2025 payroll of the region `code` (its county's policy made on first use); made once."""
    from lingtouyang.pay import services as pay_services
    from lingtouyang.pay.models import PayPolicy, PayrollRun

    county = code[:6] + "000000"
    if not PayPolicy.objects.filter(region_id=county).exists():
        rates = {"basic": {p: 2000 for p in ("party_secretary", "party_member", "village_director", "village_member",
                                             "community_director", "community_member", "supervision_chair",
                                             "supervision_member")},
                 "performance": {"excellent": 1, "competent": 1, "basic": 1, "incompetent": 0},
                 "incentive": {"excellent": 100, "competent": 80, "basic": 50, "incompetent": 0}}
        pay_services.policy_version_add(acting_user=None, county=Region.objects.get(code=county),
                                        effective_from=date(2025, 1, 1), rates=rates)
    return PayrollRun.objects.filter(region_id=code).first() or pay_services.payroll_run(
        acting_user=None, region=Region.objects.get(code=code), year=2025)


def _pay_run_values(w: World, who: str, route: Route) -> Values:
    """泸县's run (a township sees its part of it); a run of the account's nearest outside village."""
    inside, out = _pay_run(w, "510521000000"), _pay_run(w, _out(w, who))
    return Values(inside.pk, [(out.pk, [w.people[_out(w, who)].name])], [w.people[f.TANBA].name])


def _pay_slip_values(w: World, who: str, route: Route) -> Values:
    from lingtouyang.pay.models import Slip

    inside = Slip.objects.get(run=_pay_run(w, "510521000000"), person=w.people[f.TANBA])
    out = Slip.objects.get(run=_pay_run(w, _out(w, who)), person=w.people[_out(w, who)])
    return Values(inside.pk, [(out.pk, [out.person.name])], [inside.person.name])


def _pay_policy_values(w: World, who: str, route: Route) -> Values:
    """泸县's policy; the policy of the nearest outside county (古蔺县 for a township, whose neighbour is in 泸县)."""
    inside = _pay_run(w, "510521000000").policies[0]["id"]
    out_code = _out(w, who) if not _out(w, who).startswith("510521") else f.GULIN_VILLAGE
    return Values(inside, [(_pay_run(w, out_code).policies[0]["id"], [])])


# --- economy: providers ---
def _economy_project(code: str) -> Any:
    """A 2025 collective-economy project of the village, its name unique to it; made on first use."""
    from lingtouyang.economy import services as economy_services
    from lingtouyang.economy.models import Project

    name = f"矩阵经济项目{code}"
    return Project.objects.filter(region_id=code, name=name).first() or economy_services.project_create(
        acting_user=None, region=Region.objects.get(code=code), year=2025, name=name, operating_income="100000",
        operating_cost="1000")


def _economy_project_values(w: World, who: str, route: Route) -> Values:
    inside, out = _economy_project(f.TANBA), _economy_project(_out(w, who))
    return Values(inside.pk, [(out.pk, [out.name])], [inside.name])


# --- careers: providers ---
def _career_event(w: World, code: str) -> Any:
    """The village's person selected into township leadership in 2024; made on first use."""
    from lingtouyang.careers import services as careers_services
    from lingtouyang.careers.models import CareerEvent

    person = w.people[code]
    return CareerEvent.objects.filter(person=person).first() or careers_services.event_create(
        acting_user=None, person=person, kind="township_leadership", date=date(2024, 6, 1),
        destination=f"矩阵去向{code}")


def _career_event_values(w: World, who: str, route: Route) -> Values:
    inside, out = _career_event(w, f.TANBA), _career_event(w, _out(w, who))
    return Values(inside.pk, [(out.pk, [out.person.name, out.destination])], [inside.person.name])


# --- care: providers ---
def _care_record(w: World, code: str) -> Any:
    """A reminder talk with the village's person in 2025, follow-up open; made on first use."""
    from lingtouyang.care import services as care_services
    from lingtouyang.care.models import CareRecord

    person = w.people[code]
    return CareRecord.objects.filter(person=person).first() or care_services.record_create(
        acting_user=None, person=person, kind="reminder", date=date(2025, 5, 1), by_whom=f"矩阵谈话人{code}",
        follow_up_due=date(2025, 6, 1))


def _care_record_values(w: World, who: str, route: Route) -> Values:
    inside, out = _care_record(w, f.TANBA), _care_record(w, _out(w, who))
    return Values(inside.pk, [(out.pk, [out.person.name, out.by_whom])], [inside.person.name])


# --- tasks: providers ---

def _task_values(w: World, who: str, route: Route) -> Values:
    """A key task in 谭坝村 and one in the nearest village outside the account's scope, titled uniquely."""
    from lingtouyang.tasks import services as task_services
    from lingtouyang.tasks.models import Task

    def task(code: str) -> Any:
        title = f"重点任务{code}"
        return Task.objects.filter(title=title).first() or task_services.task_create(
            acting_user=None, region=Region.objects.get(code=code), title=title, category="infrastructure",
            start=date(2025, 1, 1), deadline=date(2025, 12, 31), responsible=f"责任单位{code}")

    inside, out = task(f.TANBA), task(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.title, out.responsible])], [inside.title])


# --- governance: providers ---

def _decision_values(w: World, who: str, route: Route) -> Values:
    """A village decision in 谭坝村 and one in the nearest village outside the account's scope."""
    from lingtouyang.governance import services as governance_services
    from lingtouyang.governance.models import Decision

    def decision(code: str) -> Any:
        title = f"村级决策{code}"
        return Decision.objects.filter(title=title).first() or governance_services.decision_create(
            acting_user=None, region=Region.objects.get(code=code), title=title, matter="project")

    inside, out = decision(f.TANBA), decision(NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE))
    return Values(inside.pk, [(out.pk, [out.title])], [inside.title])


def _checklist_values(w: World, who: str, route: Route) -> Values:
    """The city's checklists are read by everyone who reads decisions: not region-bound."""
    from lingtouyang.governance.models import Checklist

    return Values(Checklist.objects.get(code="power_supervision", version=1).pk, [], scoped=False)


# --- disclosure: providers ---
def _disclosure_world(w: World, code: str) -> dict[str, Any]:
    """In village `code`: a published disclosure and a draft, each with a PDF; made on first use. Outside Luzhou
    (where the city's catalogue does not apply) the rows are written directly."""
    from django.core.files.uploadedfile import SimpleUploadedFile as Upload

    from lingtouyang.disclosure import ledger as disclosure_ledger
    from lingtouyang.disclosure import services as disclosure_services
    from lingtouyang.disclosure.models import Attachment, CatalogueItem, Disclosure

    cache = w.__dict__.setdefault("_disclosures", {})
    if code in cache:
        return cache[code]
    village = Region.objects.get(code=code)
    pdf = b"%PDF-1.4\n%%EOF\n"
    if code.startswith("5105"):
        def make(item_code: str, title: str) -> tuple[Any, Any]:
            item = CatalogueItem.objects.get(region_code=f.CITY, code=item_code)
            d = disclosure_services.disclosure_create(acting_user=None, village=village, item=item,
                                                      period_start=date(2026, 1, 1), title=title)
            a = disclosure_services.attachment_add(acting_user=None, disclosure=d, upload=Upload("矩阵.pdf", pdf))
            return d, a
        published, pub_att = make("V01", f"矩阵公开{code}")
        for step in (disclosure_services.disclosure_submit, disclosure_services.disclosure_review,
                     disclosure_services.disclosure_approve, disclosure_services.disclosure_publish):
            step(acting_user=None, disclosure=published)
        draft, draft_att = make("V08", f"矩阵草稿{code}")
    else:
        from django.utils import timezone

        item = CatalogueItem.objects.get(region_code=f.CITY, code="V01")
        common = {"region": village, "item": item, "item_key": item.key, "period_label": "2026年第1季度",
                  "period_start": date(2026, 1, 1), "period_end": date(2026, 3, 31)}
        published = Disclosure.objects.create(title=f"矩阵公开{code}", state="published",
                                              published_at=timezone.now(), **common)
        disclosure_ledger.append(published)
        draft = Disclosure.objects.create(title=f"矩阵草稿{code}", **common)
        pub_att, draft_att = (Attachment.objects.create(disclosure=d, name="矩阵.pdf", content_type="application/pdf",
                                                        size=len(pdf), sha256="0" * 64, stored_name=f"{d.pk}x{code}.pdf")
                              for d in (published, draft))
    cache[code] = {"published": published, "draft": draft, "pub_att": pub_att, "draft_att": draft_att}
    return cache[code]


def _disclosure_values(w: World, who: str, route: Route) -> Values:
    """A draft for the edit page, a published disclosure otherwise; in 谭坝村 and the nearest outside village."""
    kind = "draft" if route.label == "disclosure:edit" else "published"
    inside, out = _disclosure_world(w, f.TANBA)[kind], _disclosure_world(w, _out(w, who))[kind]
    return Values(inside.pk, [(out.pk, [out.title])], [inside.title])


def _disclosure_attachment_values(w: World, who: str, route: Route) -> Values:
    """A draft's attachment to download; a published one's to remove (refused: 200) or to download publicly."""
    if route.label == "disclosure:public_attachment":
        return Values(_disclosure_world(w, _public_village())["pub_att"].pk, [], scoped=False)
    kind = "pub_att" if route.label == "disclosure:attachment_remove" else "draft_att"
    inside, out = _disclosure_world(w, f.TANBA)[kind], _disclosure_world(w, _out(w, who))[kind]
    return Values(inside.pk, [(out.pk, [out.disclosure.title])], [])


def _disclosure_item(code: str) -> Any:
    """An item of the catalogue owned by `code` (the city's own V01; another region's made on first use)."""
    from lingtouyang.disclosure.models import CatalogueItem

    if code == f.CITY:
        return CatalogueItem.objects.get(region_code=f.CITY, code="V01")
    return CatalogueItem.objects.filter(region_code=code).first() or CatalogueItem.objects.create(
        region_code=code, code="MX1", effective_from=date(2025, 1, 1), category="service",
        title=f"矩阵目录{code}", frequency="yearly")


def _disclosure_item_values(w: World, who: str, route: Route) -> Values:
    """For revising: the account's own catalogue's item (the county's own, the city's); another's is 404."""
    inside = _disclosure_item("510521000000" if who == "county" else f.CITY)
    out = _disclosure_item(f.GULIN if who == "county" else f.CHENGDU)
    return Values(inside.pk, [(out.pk, [out.title])], [inside.title])


def _disclosure_catalogue_values(w: World, who: str, route: Route) -> Values:
    """The city's item is shared with everyone in it; another county's (Chengdu's, for the city) is not."""
    inside = _disclosure_item(f.CITY)
    out = _disclosure_item(f.CHENGDU if who == "city" else f.GULIN)
    return Values(inside.pk, [(out.pk, [out.title])], [inside.title])


def _disclosure_ledger_values(w: World, who: str, route: Route) -> Values:
    inside = _disclosure_world(w, f.TANBA)["published"].ledger_entry
    out = _disclosure_world(w, _out(w, who))["published"].ledger_entry
    return Values(inside.pk, [(out.pk, [])], [])


def _public_village() -> str:
    """A village none of the world's people live in: its name is public and names no one's scope."""
    return Region.objects.filter(level=5, code__startswith="510521102").exclude(code__in=list(PEOPLE)).first().code


def _public_disclosure_values(w: World, who: str, route: Route) -> Values:
    return Values(_disclosure_world(w, _public_village())["published"].pk, [], scoped=False)


def _public_ledger_values(w: World, who: str, route: Route) -> Values:
    return Values(_disclosure_world(w, _public_village())["published"].ledger_entry.pk, [], scoped=False)


# --- portal: providers ---
def _portal_village_values(w: World, who: str, route: Route) -> Values:
    """Public pages: a village without the world's people (its pages name the village and its neighbours,
    which the world counts as out-of-scope words for other accounts), no scope."""
    return Values("510503001001", [], scoped=False)  # 上坝街社区, 纳溪区


def _portal_region_values(w: World, who: str, route: Route) -> Values:
    return Values("510503001000", [], scoped=False)  # 安富街道, 纳溪区


def _portal_disclosure_values(w: World, who: str, route: Route) -> Values:
    """The world publishes nothing: a number no published disclosure has (404 for everyone, see EXCEPTIONS;
    published and refused disclosures are checked in tests/portal/test_pages.py)."""
    return Values(999_999, [], scoped=False)


# --- oversight: providers ---
def _oversight_thread(code: str) -> Any:
    """A resident's question to the village `code` (submitted from no address: no rate limit)."""
    from lingtouyang.oversight import services as oversight_services
    from lingtouyang.oversight.models import Thread

    body = f"矩阵提问{code}：请公开修路账目。"
    return Thread.objects.filter(body=body).first() or oversight_services.feedback_submit(
        village=Region.objects.get(code=code), kind="question", body=body)


def _oversight_thread_values(w: World, who: str, route: Route) -> Values:
    inside, out = _oversight_thread(f.TANBA), _oversight_thread(_out(w, who))
    return Values(inside.pk, [(out.pk, [out.reference, out.body])], [inside.reference])


def _oversight_reference_values(w: World, who: str, route: Route) -> Values:
    """Public: a thread of 齐心村 (喻寺镇), a village none of the world's people live in, so that its name is no
    account's out-of-scope word; its page names no person."""
    return Values(_oversight_thread("510521102233").reference, [], scoped=False)


def _oversight_village_values(w: World, who: str, route: Route) -> Values:
    """Public: 齐心村, as above."""
    return Values("510521102233", [], scoped=False)


def _oversight_disclosure_values(w: World, who: str, route: Route) -> Values:
    """Public: the world publishes nothing, so a number no published disclosure has: 404 for everyone
    (EXCEPTIONS); asking about a published one, and refusals, are in tests/oversight/test_public.py."""
    return Values(999_999, [], scoped=False)


# URL kwarg name → provider of values for an account. A kwarg missing here fails the test.
def _outside_account(w: World, who: str) -> User:
    """An account just outside this one's jurisdiction: another county's admin, or (for the city) a cadre
    outside Luzhou; made on first use."""
    if who == "county" or who == "reviewer":
        return w.users["gulin"]
    found = User.objects.filter(username="chengdu_cadre_x").first()
    return found or f.make_user("chengdu_cadre_x", Role.VILLAGE_CADRE, f.OUTSIDE_VILLAGE)


def _account_values(w: World, who: str, route: Route) -> Values:
    """A township colleague's account (inside the city and the county); one outside, and for the county the
    city's admin above it."""
    inside = w.users["township2"]
    outside = [(_outside_account(w, who).pk, [_outside_account(w, who).username])]
    if who == "county":
        outside.append((w.users["city2"].pk, [w.users["city2"].username]))
    return Values(inside.pk, outside, [inside.username])


def _no_such_route_values(w: World, who: str, route: Route) -> Values:
    return Values("no/such/route/", [], scoped=False)


KWARGS: dict[str, Callable[[World, str, Route], Values]] = {
    "account_id": _account_values,
    "rest": _no_such_route_values,
    "code": _region_values,
    "person_id": _person_values,
    "appointment_id": _appointment_values,
    "job_id": _job_values,
    "round_id": _round_values,
    "reserve_id": _reserve_values,
    "merit_id": _merit_values,
    "candidate_id": _candidate_values,
    "campaign_id": _campaign_values,
    "application_id": _application_values,
    "objection_id": _objection_values,
    "request_id": _appointment_request_values,
    "election_id": _election_values,
    "village": _village_values,
    "secondment_id": _secondment_values,
    "registration_id": _socialwork_registration_values,
    "sitting_id": _training_sitting_values,
    "enrolment_id": _training_enrolment_values,
    "token": _check_in_token_values,
    "base_id": _training_base_values,
    "programme_id": _training_programme_values,
    "session_id": _training_session_values,
    "pk": _api_pk_values,
    "format": _format_values,
    # --- assessments ---
    "assessment_scheme": _assessment_scheme_values,
    "assessment_township": _assessment_township_values,
    "assessment_component": _assessment_component_values,
    "assessment_result": _assessment_result_values,
    "assessment_appeal": _assessment_appeal_values,
    # --- pay ---
    "run_id": _pay_run_values,
    "slip_id": _pay_slip_values,
    # --- economy ---
    "project_id": _economy_project_values,
    # --- careers ---
    "event_id": _career_event_values,
    # --- care ---
    "record_id": _care_record_values,
    # --- tasks ---
    "task_id": _task_values,
    # --- governance ---
    "decision_id": _decision_values,
    "checklist_id": _checklist_values,
    # --- disclosure ---
    "disclosure_pk": _disclosure_values,
    "attachment_id": _disclosure_attachment_values,
    "item_id": _disclosure_item_values,
    # --- portal ---
    "village_code": _portal_village_values,
    "region_code": _portal_region_values,
    "disclosure_id": _portal_disclosure_values,
    # --- oversight ---
    "thread_id": _oversight_thread_values,
    "reference": _oversight_reference_values,
    "feedback_village": _oversight_village_values,
    "feedback_disclosure": _oversight_disclosure_values,
}
API_PK: dict[str, Callable[[World, str, Route], Values]] = {
    "person": _person_values,
    "appointment": _appointment_values,
    "review-round": _round_values,
    "ruleset": _ruleset_values,
    "reserve": _reserve_values,
    "recruitment-campaign": _campaign_values,
    "recruitment-application": _application_values,
    "appointment-request": _appointment_request_values,
    "election": _election_values,
    "election-candidate": _election_candidate_values,
    "secondment": _secondment_values,
    "socialwork-registration": _socialwork_registration_values,
    "training-base": _training_base_values,
    "training-programme": _training_programme_values,
    "training-session": _training_session_values,
    "training-enrolment": _training_enrolment_values,
    # --- assessments ---
    "assessment-scheme": _assessment_scheme_values,
    "assessment-result": _assessment_result_values,
    "assessment-appeal": _assessment_appeal_values,
    # --- pay ---
    "pay-policy": _pay_policy_values,
    "payroll-run": _pay_run_values,
    "pay-slip": _pay_slip_values,
    # --- economy ---
    "economy-project": _economy_project_values,
    # --- careers ---
    "career-event": _career_event_values,
    # --- care ---
    "care-record": _care_record_values,
    # --- tasks ---
    "task": _task_values,
    # --- governance ---
    "decision": _decision_values,
    "checklist": _checklist_values,
    # --- disclosure ---
    "disclosure-catalogue": _disclosure_catalogue_values,
    "disclosure": _disclosure_values,
    "disclosure-ledger": _disclosure_ledger_values,
    "public-disclosure": _public_disclosure_values,
    "public-ledger": _public_ledger_values,
    # --- portal ---
    # --- oversight ---
    "oversight-thread": _oversight_thread_values,
}


# --- the routes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    capability: str | None  # None: any signed-in account
    api: bool = False  # anonymous gets 401/403, not a redirect to the login page
    public: bool = False  # no login needed
    method: str = "get"
    shows: bool = False  # a 200 names the in-scope object (or, for a list, the in-scope person)


# Every named route, by "namespace:name". A route missing here fails the test.
ROUTES: dict[str, Rule] = {
    "home": Rule(None),
    "login": Rule(None, public=True),
    "logout": Rule(None, public=True),
    "password_change": Rule(None),
    "set_language": Rule(None, public=True),
    "regions:lookup": Rule("view_regions"),
    "regions:detail": Rule("view_regions", shows=True),
    "regions:export": Rule("export", shows=True),
    "people:list": Rule("view_people", shows=True),
    "people:export": Rule("export", shows=True),
    "people:lookup": Rule("view_people"),
    "people:create": Rule("edit_people"),
    "people:detail": Rule("view_people", shows=True),
    "people:edit": Rule("edit_people", shows=True),
    "people:reveal_id": Rule("view_full_id", method="post"),
    "people:appointment_edit": Rule("edit_people"),
    "people:import": Rule("import_people"),
    "people:import_template": Rule("import_people"),
    "people:import_status": Rule("import_people", shows=True),
    "accounts:list": Rule("manage_accounts"),
    "accounts:create": Rule("manage_accounts"),
    "accounts:edit": Rule("manage_accounts", shows=True),
    # One's own second factor: any signed-in account (verify, with no device yet, leads to set-up: EXCEPTIONS).
    "accounts:two_step": Rule(None),
    "accounts:two_step_setup": Rule(None),
    "accounts:two_step_verify": Rule(None),
    "review:list": Rule("view_review"),
    "review:create": Rule("run_review"),
    "review:detail": Rule("view_review", shows=True),
    "review:candidates": Rule("run_review", shows=True),
    "review:candidate_pdf": Rule("view_review"),  # a PDF: its contents are checked in tests/review/test_pdf.py
    "review:open": Rule("run_review", method="post"),
    "review:close": Rule("run_review", method="post"),
    "review:queue": Rule("review_verdict"),
    "review:rules": Rule("view_rules"),
    "review:rules_new": Rule("manage_rules"),
    "reserves:list": Rule("view_people"),
    "reserves:create": Rule("edit_people"),
    "reserves:detail": Rule("view_people", shows=True),
    "reserves:status": Rule("edit_people", method="post"),  # an empty form: 200 with its errors
    "reserves:merit_add": Rule("edit_people", method="post"),
    "reserves:evidence": Rule("view_people"),
    "reserves:pools": Rule("view_people"),
    "reserves:pools_export": Rule("export"),
    "reserves:targets": Rule("view_people"),
    "elections:list": Rule("view_elections"),
    "elections:create": Rule("manage_elections"),
    "elections:detail": Rule("view_elections", shows=True),
    "elections:history": Rule("view_elections", shows=True),
    "elections:candidate_add": Rule("manage_elections", method="post"),  # an empty form: 200 with its errors
    "elections:results": Rule("manage_elections", method="post"),
    "elections:certify": Rule("certify_elections", method="post"),  # a planned election: refused, 200
    "elections:cancel": Rule("manage_elections", method="post"),
    # The account's own region when no ?region= is given; other regions' 404s: tests/elections/test_report_views.py.
    "elections:report": Rule("view_people"),
    "elections:report_export": Rule("export"),
    "recruitment:list": Rule("view_recruitment"),
    "recruitment:create": Rule("run_recruitment"),
    "recruitment:calendar": Rule("view_recruitment"),
    "recruitment:detail": Rule("view_recruitment", shows=True),
    "recruitment:edit": Rule("run_recruitment", shows=True),
    "recruitment:posts": Rule("run_recruitment", method="post"),  # an empty form: 200 with its errors
    "recruitment:transition": Rule("run_recruitment", method="post"),  # likewise
    "recruitment:application_create": Rule("run_recruitment", shows=True),
    "recruitment:application": Rule("view_recruitment", shows=True),
    "recruitment:check": Rule("run_recruitment", method="post"),
    "recruitment:scores": Rule("run_recruitment", method="post"),
    "recruitment:scores_import": Rule("run_recruitment", shows=True),
    "recruitment:ranking": Rule("view_recruitment", shows=True),
    "recruitment:ranking_export": Rule("view_recruitment", shows=True),  # and `export`, which all who see it have
    "recruitment:notice": Rule("view_recruitment", shows=True),
    "recruitment:notice_export": Rule("view_recruitment", shows=True),
    "recruitment:objection_resolve": Rule("run_recruitment", method="post"),
    "appointments:list": Rule("request_appointment"),
    "appointments:create": Rule("request_appointment"),
    "appointments:end": Rule("request_appointment", shows=True),
    "appointments:detail": Rule("request_appointment", shows=True),
    # Decisions on a withdrawn request: refused, the page shows why (200).
    "appointments:approve": Rule("approve_appointment", method="post"),
    "appointments:reject": Rule("approve_appointment", method="post"),
    "appointments:withdraw": Rule("request_appointment", method="post"),
    "audit:list": Rule("view_audit"),
    "audit:export": Rule("view_audit"),
    "audit:export_jsonl": Rule("view_audit"),
    "api:token": Rule(None, api=True, public=True),
    "api:schema": Rule(None, api=True, public=True),  # the API's shape, no data: drf-spectacular's default
    "api:api-root": Rule(None, api=True),
    "api:no-such-route": Rule(None, api=True),  # an unknown API address: 404 in JSON (EXCEPTIONS)
    "api:region-list": Rule("view_regions", api=True),
    "api:region-detail": Rule("view_regions", api=True, shows=True),
    "api:region-structure": Rule("view_people", api=True, shows=True),
    "api:person-list": Rule("view_people", api=True, shows=True),
    "api:person-detail": Rule("view_people", api=True, shows=True),
    "api:appointment-list": Rule("view_people", api=True),
    "api:appointment-detail": Rule("view_people", api=True, shows=True),
    "api:ruleset-list": Rule("view_rules", api=True),
    "api:ruleset-detail": Rule("view_rules", api=True),
    "api:ruleset-publish": Rule("manage_rules", api=True, method="post"),
    "api:review-department-list": Rule("view_rules", api=True),
    "api:review-round-list": Rule("view_review", api=True),
    "api:review-round-detail": Rule("view_review", api=True, shows=True),
    "api:review-queue-list": Rule("review_verdict", api=True),
    "api:review-verdict-list": Rule("review_verdict", api=True),
    "api:reserve-list": Rule("view_people", api=True),
    "api:reserve-detail": Rule("view_people", api=True, shows=True),
    "api:reserve-merit-list": Rule("view_people", api=True),
    "api:pool-target-list": Rule("view_people", api=True),
    "api:recruitment-campaign-list": Rule("view_recruitment", api=True),
    "api:recruitment-campaign-detail": Rule("view_recruitment", api=True, shows=True),
    "api:recruitment-application-list": Rule("view_recruitment", api=True),
    "api:recruitment-application-detail": Rule("view_recruitment", api=True, shows=True),
    "api:appointment-request-list": Rule("request_appointment", api=True),
    "api:appointment-request-detail": Rule("request_appointment", api=True, shows=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in WRITES below.
    "api:appointment-request-approve": Rule("request_appointment", api=True),
    "api:appointment-request-reject": Rule("request_appointment", api=True),
    "api:appointment-request-withdraw": Rule("request_appointment", api=True),
    "api:election-list": Rule("view_elections", api=True),
    "api:election-detail": Rule("view_elections", api=True, shows=True),
    "api:election-candidate-list": Rule("view_elections", api=True),
    "api:election-candidate-detail": Rule("view_elections", api=True, shows=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in WRITES below.
    "api:election-results": Rule("view_elections", api=True),
    "api:election-certify": Rule("view_elections", api=True),
    "api:election-cancel": Rule("view_elections", api=True),
    # --- training: planning ---
    "training:home": Rule("view_training"),
    "training:bases": Rule("view_training"),
    "training:base_create": Rule("manage_training_catalogue"),
    "training:base_edit": Rule("manage_training_catalogue", shows=True),
    "training:programmes": Rule("view_training"),
    "training:programme_create": Rule("manage_training_catalogue"),
    "training:programme_edit": Rule("manage_training_catalogue", shows=True),
    "training:sessions": Rule("view_training"),
    "training:session_create": Rule("run_training"),
    "training:session": Rule("view_training", shows=True),
    "training:session_edit": Rule("run_training", shows=True),
    "training:session_sittings": Rule("run_training", method="post"),  # an empty form: 200 with its errors
    "training:session_cancel": Rule("run_training", method="post"),  # likewise
    "training:enrol_one": Rule("run_training", method="post"),  # likewise
    "training:enrol_rule": Rule("run_training", method="post"),  # likewise
    "training:enrol_list": Rule("run_training"),  # GET: the list template
    "training:enrol_confirm": Rule("run_training", method="post"),  # nothing previewed: 200 with the reason
    "training:withdraw": Rule("run_training", method="post"),  # an empty form: 200 with its errors
    "api:training-base-list": Rule("view_training", api=True),
    "api:training-base-detail": Rule("view_training", api=True, shows=True),
    "api:training-programme-list": Rule("view_training", api=True),
    "api:training-programme-detail": Rule("view_training", api=True, shows=True),
    "api:training-session-list": Rule("view_training", api=True),
    "api:training-session-detail": Rule("view_training", api=True, shows=True),
    "api:training-enrolment-list": Rule("view_training", api=True),
    "api:training-enrolment-detail": Rule("view_training", api=True, shows=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in tests/training.
    "api:training-session-cancel": Rule("view_training", api=True),
    "api:training-enrolment-withdraw": Rule("view_training", api=True),
    # --- training: attendance ---
    "training:mine": Rule(None),
    "training:evaluate": Rule(None, method="post"),  # no account here is linked to a roster entry: 404
    # A PDF, of a completed enrolment only: the matrix's enrolment (planning's) is not complete, so 404 for all
    # (EXCEPTIONS); who gets a certificate, in and out of scope, is checked in tests/training/test_mine.py.
    "training:certificate": Rule("view_training"),
    "training:check_in": Rule("check_in"),  # the village account is not linked: the page says so (200)
    "training:sitting_qr": Rule("mark_attendance", shows=True),
    "training:sitting_sheet": Rule("mark_attendance", shows=True),
    "api:training-attendance-list": Rule("view_training", api=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in WRITES below.
    "api:training-attendance-check-in": Rule("view_training", api=True),
    "api:training-attendance-mark": Rule("view_training", api=True),
    "api:training-evaluation-list": Rule("view_training", api=True),
    # --- training: coverage ---
    "training:coverage": Rule("view_training"),
    "training:ledger_export": Rule("export"),  # and view_training: every role with export has it
    # --- secondments and social-work certification ---
    "secondments:list": Rule("view_training"),
    "secondments:create": Rule("manage_secondments"),
    "secondments:detail": Rule("view_training", shows=True),
    "secondments:edit": Rule("manage_secondments", shows=True),
    "secondments:transition": Rule("manage_secondments", method="post"),  # an empty form: 200 with its errors
    "secondments:evaluate": Rule("manage_secondments", shows=True),
    "socialwork:list": Rule("view_training"),
    "socialwork:create": Rule("manage_certification"),
    "socialwork:certified": Rule("view_training"),  # the account's own region; others' 404: tests/socialwork
    "socialwork:policy": Rule("view_training"),
    "socialwork:policy_add": Rule("manage_subsidy_policy", method="post"),  # an empty form: 200 with its errors
    "socialwork:detail": Rule("view_training", shows=True),
    "socialwork:training": Rule("manage_certification", method="post"),  # likewise
    "socialwork:result": Rule("manage_certification", method="post"),  # likewise
    "api:secondment-list": Rule("view_training", api=True),
    "api:secondment-detail": Rule("view_training", api=True, shows=True),
    "api:socialwork-registration-list": Rule("view_training", api=True),
    "api:socialwork-registration-detail": Rule("view_training", api=True, shows=True),
    # --- assessments ---
    "assessments:home": Rule("view_assessment"),
    "assessments:scheme_create": Rule("manage_assessment_scheme"),
    "assessments:scheme": Rule("view_assessment", shows=True),
    "assessments:scheme_edit": Rule("manage_assessment_scheme", shows=True),
    "assessments:components": Rule("manage_assessment_scheme", method="post"),  # an empty form: 200 with its errors
    "assessments:export": Rule("export"),  # and view_assessment, which all who export have
    # A township's page lists its cadres: village accounts (a cadre sees only their own) get 404 (EXCEPTIONS).
    "assessments:township": Rule("view_assessment", shows=True),
    "assessments:grid": Rule("enter_scores", shows=True),
    "assessments:import": Rule("enter_scores"),  # GET: the template
    "assessments:import_confirm": Rule("enter_scores", method="post"),  # nothing previewed: 200 with the reason
    "assessments:transition": Rule("view_assessment", method="post"),  # no step named: 200 with the reason
    "assessments:result": Rule("view_assessment", shows=True),
    "assessments:form_pdf": Rule("view_assessment"),  # a PDF: its contents are checked in tests/assessments/test_pdf.py
    "assessments:result_grade": Rule("enter_scores", method="post"),  # an empty form: 200 with its errors
    "assessments:consequence_add": Rule("enter_scores", method="post"),  # likewise
    "assessments:appeals": Rule("view_assessment"),
    "assessments:appeal_decide": Rule("approve_assessment", method="post"),  # likewise
    "assessments:mine": Rule(None),  # no account here is linked: the page says so
    "assessments:appeal_file": Rule(None, method="post"),  # no account here is linked: 404 (EXCEPTIONS)
    "api:assessment-scheme-list": Rule("view_assessment", api=True),
    "api:assessment-scheme-detail": Rule("view_assessment", api=True),
    "api:assessment-result-list": Rule("view_assessment", api=True),
    "api:assessment-result-detail": Rule("view_assessment", api=True, shows=True),
    "api:assessment-appeal-list": Rule("view_assessment", api=True),
    "api:assessment-appeal-detail": Rule("view_assessment", api=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in tests/assessments/test_api.py.
    "api:assessment-appeal-decide": Rule("view_assessment", api=True),
    # --- pay ---
    "pay:runs": Rule("view_pay"),
    "pay:run_create": Rule("run_payroll"),
    "pay:run": Rule("view_pay", shows=True),
    "pay:run_export": Rule("view_pay", shows=True),  # and `export`, which all who have view_pay have
    "pay:slip": Rule("view_pay", shows=True),  # and one's own slip (no account of the matrix is linked)
    "pay:mine": Rule(None),
    "pay:policies": Rule("view_pay"),
    "pay:policy_add": Rule("manage_pay_policy"),
    "pay:rewards": Rule("view_pay"),
    "pay:reward_add": Rule("run_payroll"),
    "api:pay-policy-list": Rule("view_pay", api=True),
    "api:pay-policy-detail": Rule("view_pay", api=True),
    "api:payroll-run-list": Rule("view_pay", api=True),
    "api:payroll-run-detail": Rule("view_pay", api=True),
    # Any account: its jurisdiction's slips with view_pay, else its own person's (none here: 404 / empty list).
    "api:pay-slip-list": Rule(None, api=True),
    "api:pay-slip-detail": Rule(None, api=True, shows=True),
    # --- economy ---
    "economy:totals": Rule("view_management"),
    "economy:export": Rule("export"),
    "economy:projects": Rule("view_management"),
    "economy:create": Rule("manage_economy"),
    "economy:detail": Rule("view_management", shows=True),
    "economy:edit": Rule("manage_economy", shows=True),
    "economy:delete": Rule("manage_economy", method="post"),  # unconfirmed: 200 with the reason, nothing deleted
    "economy:cadre_add": Rule("manage_economy", method="post"),  # an empty form: 200 with its errors
    "economy:cadre_remove": Rule("manage_economy", method="post"),
    "api:economy-project-list": Rule("view_management", api=True),
    "api:economy-project-detail": Rule("view_management", api=True, shows=True),
    "api:economy-project-add-cadre": Rule("view_management", api=True),
    "api:economy-project-remove-cadre": Rule("view_management", api=True),
    "api:economy-village-total-list": Rule("view_management", api=True),
    # --- careers ---
    "careers:list": Rule("view_management"),
    "careers:create": Rule("manage_careers"),
    "careers:report": Rule("view_management"),
    "careers:detail": Rule("view_management", shows=True),
    "careers:edit": Rule("manage_careers", shows=True),
    "careers:timeline": Rule("view_management", shows=True),
    "api:career-event-list": Rule("view_management", api=True),
    "api:career-event-detail": Rule("view_management", api=True, shows=True),
    # --- care ---
    "care:list": Rule("view_management"),
    "care:create": Rule("manage_care"),
    "care:without": Rule("view_management", shows=True),
    "care:without_export": Rule("export", shows=True),
    "care:detail": Rule("view_management", shows=True),
    "care:edit": Rule("manage_care", shows=True),
    "care:follow_up": Rule("manage_care", method="post"),  # an empty form: 200 with its errors
    "api:care-record-list": Rule("view_management", api=True),
    "api:care-record-detail": Rule("view_management", api=True, shows=True),
    "api:care-record-follow-up": Rule("view_management", api=True),
    "api:care-without-list": Rule("view_management", api=True, shows=True),
    # --- tasks ---
    "tasks:list": Rule("view_management"),
    "tasks:overdue": Rule("view_management"),
    "tasks:create": Rule("manage_tasks"),
    "tasks:detail": Rule("view_management", shows=True),
    "tasks:edit": Rule("manage_tasks", shows=True),
    "tasks:progress": Rule("manage_tasks", method="post"),  # an empty form: 200 with its errors
    "tasks:cancel": Rule("manage_tasks", method="post"),  # likewise
    "tasks:indicators": Rule("view_management"),  # the account's own region; others' 404: tests/tasks
    "tasks:indicator_record": Rule("manage_tasks", method="post"),  # an empty form: 200 with its errors
    "tasks:indicator_create": Rule("manage_tasks", method="post"),  # likewise (the service says: the city's)
    "tasks:indicators_export": Rule("export"),  # and view_management: every role with export has it
    "api:task-list": Rule("view_management", api=True),
    "api:task-detail": Rule("view_management", api=True, shows=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in tests/tasks.
    "api:task-progress": Rule("view_management", api=True),
    "api:task-cancel": Rule("view_management", api=True),
    "api:indicator-list": Rule("view_management", api=True),
    "api:indicator-value-list": Rule("view_management", api=True),
    # --- governance ---
    "governance:decisions": Rule("view_management"),
    "governance:decision_create": Rule("record_decisions"),
    "governance:compliance": Rule("view_management"),  # the account's own region; others' 404: tests/governance
    "governance:checklists": Rule("view_management"),
    "governance:checklist_new": Rule("manage_checklists"),
    "governance:checklist": Rule("view_management"),
    "governance:decision": Rule("view_management", shows=True),
    "governance:decision_step": Rule("record_decisions", method="post"),  # an empty form: 200 with its errors
    "governance:decision_checks": Rule("record_decisions", method="post"),  # nothing answered: 200 with the reason
    "api:checklist-list": Rule("view_management", api=True),
    "api:checklist-detail": Rule("view_management", api=True),
    "api:decision-list": Rule("view_management", api=True),
    "api:decision-detail": Rule("view_management", api=True, shows=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in tests/governance.
    "api:decision-step": Rule("view_management", api=True),
    "api:decision-checks": Rule("view_management", api=True),
    # --- disclosure ---
    "disclosure:home": Rule("view_disclosure"),
    "disclosure:list": Rule("view_disclosure"),
    "disclosure:create": Rule("draft_disclosure"),
    "disclosure:detail": Rule("view_disclosure", shows=True),
    "disclosure:edit": Rule("draft_disclosure", shows=True),
    "disclosure:move": Rule("view_disclosure", method="post"),  # an empty form: 200 with its errors
    "disclosure:correct": Rule("draft_disclosure", shows=True),
    "disclosure:attachment_add": Rule("draft_disclosure", method="post"),  # likewise
    "disclosure:attachment": Rule("view_disclosure"),
    "disclosure:attachment_remove": Rule("draft_disclosure", method="post"),  # of a published one: refused, 200
    "disclosure:public_attachment": Rule(None, public=True),  # published only: tests/disclosure/test_views.py
    "disclosure:catalogue": Rule("view_disclosure"),
    "disclosure:catalogue_add": Rule("manage_catalogue"),
    "disclosure:catalogue_revise": Rule("manage_catalogue", shows=True),
    "disclosure:compliance": Rule("view_compliance"),
    "disclosure:compliance_export": Rule("view_compliance"),
    "disclosure:ledger": Rule("view_disclosure"),
    "api:disclosure-catalogue-list": Rule("view_disclosure", api=True),
    "api:disclosure-catalogue-detail": Rule("view_disclosure", api=True, shows=True),
    "api:disclosure-list": Rule("view_disclosure", api=True),
    "api:disclosure-detail": Rule("view_disclosure", api=True, shows=True),
    "api:disclosure-move": Rule("view_disclosure", api=True),  # POST only: tests/disclosure/test_api.py
    "api:disclosure-ledger-list": Rule("view_disclosure", api=True),
    "api:disclosure-ledger-detail": Rule("view_disclosure", api=True),
    # Public, no login, published data only (drafts are 404: tests/disclosure/test_api.py).
    "api:public-disclosure-list": Rule(None, api=True, public=True),
    "api:public-disclosure-detail": Rule(None, api=True, public=True),
    "api:public-ledger-list": Rule(None, api=True, public=True),
    "api:public-ledger-detail": Rule(None, api=True, public=True),
    "api:public-ledger-verify": Rule(None, api=True, public=True),
    # --- portal ---
    "portal:home": Rule(None, public=True),
    "portal:search": Rule(None, public=True),
    "portal:search_json": Rule(None, public=True),
    "portal:counter": Rule(None, public=True),
    "portal:region": Rule(None, public=True),
    "portal:village": Rule(None, public=True),
    "portal:poster": Rule(None, public=True),
    "portal:disclosure": Rule(None, public=True),
    "portal:verify": Rule(None, public=True),
    # --- oversight ---
    "oversight:inbox": Rule("view_disclosure"),
    "oversight:export": Rule("export"),  # and view_disclosure, which every role with export has
    "oversight:thread": Rule("view_disclosure", shows=True),
    "oversight:answer": Rule("answer_feedback", method="post"),  # an empty form: 200 with its errors
    "oversight:moderate": Rule("moderate_feedback", method="post"),  # likewise
    "oversight_public:lookup": Rule(None, public=True),
    "oversight_public:ask": Rule(None, public=True),
    "oversight_public:ask_about": Rule(None, public=True),  # the world publishes nothing: 404 (EXCEPTIONS)
    "oversight_public:thread": Rule(None, public=True),
    "oversight_public:village": Rule(None, public=True),
    "api:oversight-thread-list": Rule("view_disclosure", api=True),
    "api:oversight-thread-detail": Rule("view_disclosure", api=True, shows=True),
    # POST only (405 to a GET past the capability check); the POSTs are checked in tests/oversight/test_api.py.
    "api:oversight-thread-answer": Rule("view_disclosure", api=True),
    "api:oversight-thread-hide": Rule("view_disclosure", api=True),
    "api:oversight-thread-unhide": Rule("view_disclosure", api=True),
    "api:oversight-thread-close": Rule("view_disclosure", api=True),
    "api:public-feedback-list": Rule(None, api=True, public=True),
    "api:public-feedback-detail": Rule(None, api=True, public=True),
}

# Exceptions to the default, by (route, who); "*" is any signed-in account.
EXCEPTIONS: dict[tuple[str, str], int] = {
    ("api:no-such-route", "*"): 404,
    # --- assessments ---
    # Village accounts see their own person's assessment only, and these accounts are linked to nobody.
    **{(name, who): 404 for name in ("assessments:township", "assessments:transition", "assessments:result",
                                     "assessments:form_pdf",
                                     "api:assessment-result-detail", "api:assessment-appeal-detail")
       for who in ("village", "supervisor")},
    ("assessments:appeal_file", "*"): 404,
    **{("api:assessment-appeal-decide", who): 405 for who in ("city", "county", "township", "village", "supervisor")},
    # --- pay ---
    **{("api:pay-slip-detail", who): 404 for who in ("village", "supervisor", "reviewer")},
    # --- economy ---
    **{(f"api:economy-project-{name}", who): 405 for name in ("add-cadre", "remove-cadre")
       for who in ("city", "county", "township", "village", "supervisor")},
    # --- careers ---
    # --- care ---
    **{("api:care-record-follow-up", who): 405 for who in ("city", "county", "township", "village", "supervisor")},
    # --- tasks ---
    **{(f"api:task-{name}", who): 405 for name in ("progress", "cancel")
       for who in ("city", "county", "township", "village", "supervisor")},
    # --- governance ---
    **{(f"api:decision-{name}", who): 405 for name in ("step", "checks")
       for who in ("city", "county", "township", "village", "supervisor")},
    # --- disclosure ---
    **{("api:disclosure-move", who): 405 for who in ("city", "county", "township", "village", "supervisor")},
    ("api:public-ledger-verify", "*"): 400,  # no village given: refused with the reason
    ("api:public-ledger-verify", ANON): 400,
    # --- portal ---
    ("portal:disclosure", "*"): 404,
    ("portal:disclosure", ANON): 404,
    # --- oversight ---
    ("oversight_public:ask_about", "*"): 404,
    ("oversight_public:ask_about", ANON): 404,
    **{(f"api:oversight-thread-{name}", who): 405 for name in ("answer", "hide", "unhide", "close")
       for who in ("city", "county", "township", "village", "supervisor")},
    **{(f"api:training-{name}", who): 405 for name in ("session-cancel", "enrolment-withdraw")
       for who in ("city", "county", "township", "village", "supervisor")},
    # --- training: attendance ---
    ("training:evaluate", "*"): 404,
    ("training:certificate", "*"): 404,
    **{(f"api:training-attendance-{name}", who): 405 for name in ("check-in", "mark")
       for who in ("city", "county", "township", "village", "supervisor")},
    ("accounts:two_step_verify", "*"): 302,  # no device yet: to set-up
    ("home", "*"): 302,  # to the account's own region
    ("login", "*"): 302,  # already signed in: home
    ("logout", "*"): 405,  # POST only
    ("logout", ANON): 405,
    ("set_language", "*"): 302,  # back to where one came from
    ("set_language", ANON): 302,
    ("api:token", "*"): 405,  # POST only
    ("api:token", ANON): 405,
    **{(f"api:appointment-request-{name}", who): 405 for name in ("approve", "reject", "withdraw")
       for who in ("county", "township")},
    ("api:ruleset-publish", "city"): 400,  # an empty body publishes nothing
    **{(f"api:election-{name}", who): 405 for name in ("results", "certify", "cancel")
       for who in ("city", "county", "township", "village", "supervisor")},
}


@dataclass(frozen=True)
class Route:
    label: str  # "namespace:name", or the pattern if unnamed
    pattern: str
    kwargs: tuple[str, ...]
    initkwargs: dict[str, Any] | None = None

    @property
    def rule(self) -> Rule | None:
        return ROUTES.get(self.label)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "", kwargs: tuple[str, ...] = ()) -> Iterator[Route]:
    for p in patterns:
        names = tuple(p.pattern.regex.groupindex)
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns, kwargs + names)
        elif isinstance(p, URLPattern):
            label = ":".join(filter(None, [namespace, p.name])) if p.name else prefix + str(p.pattern)
            yield Route(label, prefix + str(p.pattern), kwargs + names, getattr(p.callback, "initkwargs", None))


ALL_ROUTES = list(_walk(get_resolver().url_patterns))


def test_every_route_and_kwarg_is_classified() -> None:
    problems = []
    for route in ALL_ROUTES:
        if route.rule is None:
            problems.append(f"route {route.label!r} ({route.pattern}) is not classified: add it to ROUTES in "
                            "tests/test_permission_matrix.py with the capability it needs")
        problems += [f"route {route.label!r} has URL kwarg {k!r} with no provider: add one to KWARGS in "
                     "tests/test_permission_matrix.py" for k in route.kwargs if k not in KWARGS]
    labels = {r.label for r in ALL_ROUTES}
    problems += [f"ROUTES names {name!r}, which no URL pattern has any more: remove it" for name in ROUTES
                 if name not in labels]
    assert not problems, "\n".join(problems)


# --- requests and expectations -----------------------------------------------------------------


def _requests(w: World, who: str, route: Route) -> Iterator[tuple[str, dict[str, Any], list[str], list[str]]]:
    """(scope, kwargs, words that must show, words that must not) for each request to make."""
    values = {}
    for k in route.kwargs:
        if k not in KWARGS:
            pytest.fail(f"route {route.label!r}: URL kwarg {k!r} has no provider; add one to KWARGS in "
                        "tests/test_permission_matrix.py")
        values[k] = KWARGS[k](w, who, route)
    inside = {k: v.inside for k, v in values.items()}
    scoped = [k for k, v in values.items() if v.scoped]
    if not scoped:
        yield "none", inside, [], []
        return
    yield "in", inside, [word for k in scoped for word in values[k].inside_words], []
    for k in scoped:
        for value, words in values[k].outside:
            yield "out", {**inside, k: value}, [], words


def expected(route: Route, who: str, scope: str, w: World) -> set[int]:
    rule = route.rule
    assert rule is not None
    for key in [(route.label, who), (route.label, "*") if who != ANON else None]:
        if key in EXCEPTIONS:
            return {EXCEPTIONS[key]}
    if rule.public:
        return {200}
    if who == ANON:
        return {401, 403} if rule.api else {302}
    if rule.capability and not w.user(who).has_capability(rule.capability):
        return {403, 404}
    return {404} if scope == "out" else {200}


def body_text(response: Any) -> str:
    """What a reader would see: JSON with its escapes undone, the cells of a workbook, or the page."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
    if "ndjson" in ctype:
        return "\n".join(json.dumps(json.loads(line), ensure_ascii=False) for line in raw.decode().splitlines())
    if "json" in ctype and raw:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    return raw.decode("utf-8", errors="replace")


def _client(w: World, who: str) -> Client:
    client = Client()
    if who != ANON:
        client.force_login(w.users[who])
    return client


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda r: f"{r.label}{'[' + ','.join(r.kwargs) + ']' if r.kwargs else ''}")
def test_matrix(route: Route, who: str, world: World) -> None:
    rule = route.rule
    if rule is None:
        pytest.fail(f"route {route.label!r} ({route.pattern}) is not classified: add it to ROUTES in "
                    "tests/test_permission_matrix.py with the capability it needs")
    client = _client(world, who)
    for scope, kwargs, must_show, must_not_show in _requests(world, who, route):
        url = reverse(route.label, kwargs=kwargs)
        response = getattr(client, rule.method)(url)
        want = expected(route, who, scope, world)
        where = f"{rule.method.upper()} {url} as {who} ({scope} scope)"
        assert response.status_code in want, f"{where}: {response.status_code}, expected {sorted(want)}"
        if who == ANON and not rule.public and not rule.api:
            assert response["Location"].startswith(reverse("login")), where
        text = body_text(response)
        leaked = [word for word in [*world.forbidden(who), *must_not_show] if word and word in text]
        assert not leaked, f"{where}: the response shows out-of-scope data {leaked}"
        if rule.shows and response.status_code == 200:
            words = must_show or ([world.people[f.TANBA].name] if scope == "none" else [])
            missing = [word for word in words if word not in text]
            assert not missing, f"{where}: the in-scope object is not shown {missing}"


def test_matrix_size() -> None:
    """The matrix covers every pattern, format-suffix variants of the API included."""
    labels = [r.label for r in ALL_ROUTES]
    assert len(ALL_ROUTES) >= 37
    assert labels.count("api:person-detail") == 2  # /people/{pk}/ and /people/{pk}.json
    assert any(r.kwargs == ("format",) and r.label == "api:api-root" for r in ALL_ROUTES)


# --- writes --------------------------------------------------------------------------------------

EDITORS = WRITERS  # edit_people: named here, not read from the role table
MANAGERS = {"city", "county"}  # manage_accounts
REVEALERS = {"city", "county"}  # view_full_id


def snapshot() -> tuple[Any, ...]:
    """Every row a write could touch; `updated_at` moves on any save."""
    return (
        list(Person.objects.order_by("pk").values()),
        list(Appointment.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values_list("pk", "username", "role", "region_id", "password")),
        # A refusal is itself recorded (access.denied / access.not_found): that is not the write getting through.
        AuditEvent.objects.exclude(action__startswith="access.").count(),
    )


def _person_form(p: Person, **changes: Any) -> dict[str, Any]:
    return {"name": p.name, "gender": p.gender, "birth_date": p.birth_date.isoformat(), "ethnicity": p.ethnicity,
            "political_status": p.political_status, "education": p.education, "region": p.region_id,
            "phone": "13900000009", "source": p.source, **changes}


def _appointment_form(a: Appointment, **changes: Any) -> dict[str, Any]:
    return {"region": a.region_id, "post": a.post, "start_date": a.start_date.isoformat(), "end_date": "",
            "end_reason": "", "term": a.term, **changes}


def _new_person(region: str) -> dict[str, Any]:
    number = f.id_number(region[:6], date(1979, 4, 2))
    return {"name": "邝新来", "id_number": number, "ethnicity": "01", "political_status": "01", "education": "30",
            "region": region, "phone": "13900000008", "source": "veteran"}


def _out(w: World, who: str) -> str:
    return NEAREST_OUTSIDE.get(who, f.OUTSIDE_VILLAGE)


@dataclass(frozen=True)
class Write:
    api: bool
    actors: frozenset[str]  # the roles past the capability check
    status: int  # what those roles get
    build: Callable[[World, str], tuple[str, str, dict[str, Any]]]  # (method, url, data)
    changes: bool = False  # a control: the actors' request does change something


def _p(w: World, who: str) -> Person:
    return w.people[_out(w, who)]


def _a(w: World, who: str) -> Appointment:
    return w.appointments[_out(w, who)]


def _rules_editor_form(**new_rule: Any) -> dict[str, Any]:
    """The rules editor's POST, adding one rule (manage_rules: the city only)."""
    from lingtouyang.review.models import Department

    rule = {"code": "M01", "text": "矩阵测试条件", "severity": "cannot", "applies_to": "all",
            "department": Department.objects.get(name="法院").pk, **new_rule}
    return {"rule-TOTAL_FORMS": 0, "rule-INITIAL_FORMS": 0, "add-TOTAL_FORMS": 1, "add-INITIAL_FORMS": 0,
            "effective_from": "2026-01-01", "base_version": 1, "publish": "1",
            **{f"add-0-{k}": v for k, v in rule.items()}}


E, M, R = frozenset(EDITORS), frozenset(MANAGERS), frozenset(REVEALERS)
MARKERS = frozenset({"city", "county", "township"})  # mark_attendance


def _sitting(w: World, code: str = f.TANBA) -> int:
    """The one sitting of the session the village's person is enrolled in (its county's)."""
    return w.training_enrolment(code).session.sittings.get().pk

RECRUITERS = frozenset({"county"})  # run_recruitment
RQ, AP = frozenset({"county", "township"}), frozenset({"county"})  # request_appointment, approve_appointment
_END_FORM = {"kind": "dismiss", "end_date": "2024-01-01", "reason": "免职测试"}


def _appoint_form(person: int, region: str) -> dict[str, Any]:
    return {"person": person, "region": region, "post": "village_member", "start_date": "2024-01-01",
            "basis": "by_election"}

EL = frozenset({"county", "township"})  # manage_elections


def _election_form(region: str, **changes: Any) -> dict[str, Any]:
    return {"region": region, "kind": "party", "election_date": "2026-03-15", "deputies": 1, "members": 3, **changes}


RUNNERS = frozenset({"city", "county"})  # run_training
TRAINING_ADMINS = frozenset({"city", "county"})  # manage_secondments, manage_certification, manage_subsidy_policy
_SECONDMENT_FORM = {"host_place": "上海市", "host_organisation": "上海市静安区临汾路街道", "start_date": "2026-03-01",
                    "end_date": "2026-08-31"}


def _policy_form(county: str) -> dict[str, Any]:
    return {"county": county, "effective_from": "2030-01-01", "assistant": "200", "intermediate": "300",
            "senior": "500", "note": ""}


ECONOMY, CARE = frozenset({"county", "township"}), frozenset({"county", "township"})  # manage_economy, manage_care
CAREERS = frozenset({"county"})  # manage_careers
_PROJECT_FORM = {"year": 2025, "name": "越权项目", "operating_income": "1000", "operating_cost": "0"}
_CAREER_FORM = {"kind": "township_leadership", "date": "2024-06-01", "destination": "越权去向", "end_posts": "on"}
_CARE_FORM = {"kind": "hardship", "date": "2025-05-01", "by_whom": "越权", "amount": "100"}


WRITES: dict[str, Write] = {
    # Pages: an object out of scope is 404; a region out of scope is refused by the form (200, no redirect).
    "page: edit a person out of scope": Write(False, E, 404, lambda w, who: (
        "post", reverse("people:edit", args=[_p(w, who).pk]), _person_form(_p(w, who), name="改名字"))),
    "page: move an in-scope person out": Write(False, E, 200, lambda w, who: (
        "post", reverse("people:edit", args=[w.people[f.TANBA].pk]),
        _person_form(w.people[f.TANBA], region=_out(w, who)))),
    "page: create a person out of scope": Write(False, E, 200, lambda w, who: (
        "post", reverse("people:create"), _new_person(_out(w, who)))),
    # 村官区管: a new post, or the end of one, is a request the county approves (appointments app).
    "page: request an appointment for a person out of scope": Write(False, RQ, 200, lambda w, who: (
        "post", reverse("appointments:create"), _appoint_form(_p(w, who).pk, f.TANBA))),
    "page: request an appointment in a village out of scope": Write(False, RQ, 200, lambda w, who: (
        "post", reverse("appointments:create"), _appoint_form(w.people[f.TANBA].pk, _out(w, who)))),
    "page: request to end a post out of scope": Write(False, RQ, 404, lambda w, who: (
        "post", reverse("appointments:end", args=[_a(w, who).pk]), _END_FORM)),
    "page: approve a request out of scope": Write(False, AP, 404, lambda w, who: (
        "post", reverse("appointments:approve", args=[w.appointment_request(_out(w, who), open_=True).pk]), {})),
    "page: reject a request out of scope": Write(False, AP, 404, lambda w, who: (
        "post", reverse("appointments:reject", args=[w.appointment_request(_out(w, who), open_=True).pk]),
        {"reason": "x"})),
    "page: withdraw a request out of scope": Write(False, RQ, 404, lambda w, who: (
        "post", reverse("appointments:withdraw", args=[w.appointment_request(_out(w, who), open_=True).pk]), {})),
    "api: request an appointment for a person out of scope": Write(True, RQ, 400, lambda w, who: (
        "post", reverse("api:appointment-request-list"), {"kind": "appoint", **_appoint_form(_p(w, who).pk, f.TANBA)})),
    "api: request to end a post out of scope": Write(True, RQ, 400, lambda w, who: (
        "post", reverse("api:appointment-request-list"), {"appointment": _a(w, who).pk, **_END_FORM})),
    "api: approve a request out of scope": Write(True, AP, 404, lambda w, who: (
        "post", reverse("api:appointment-request-approve", args=[w.appointment_request(_out(w, who), open_=True).pk]),
        {})),
    "api: withdraw a request out of scope": Write(True, RQ, 404, lambda w, who: (
        "post", reverse("api:appointment-request-withdraw",
                        args=[w.appointment_request(_out(w, who), open_=True).pk]), {})),
    "page: edit a post out of scope": Write(False, E, 404, lambda w, who: (
        "post", reverse("people:appointment_edit", args=[_a(w, who).pk]),
        _appointment_form(_a(w, who), end_date="2024-01-01", end_reason="调动"))),
    "page: move an in-scope post out": Write(False, E, 200, lambda w, who: (
        "post", reverse("people:appointment_edit", args=[w.appointments[f.TANBA].pk]),
        _appointment_form(w.appointments[f.TANBA], region=_out(w, who)))),
    "page: reveal an ID number out of scope": Write(False, R, 404, lambda w, who: (
        "post", reverse("people:reveal_id", args=[_p(w, who).pk]), {})),
    "page: edit an account out of scope": Write(False, M, 404, lambda w, who: (
        "post", reverse("accounts:edit", args=[_outside_account(w, who).pk]), {
            "action": "save", "role": Role.VILLAGE_CADRE, "region": f.TANBA, "department": "", "is_active": "on"})),
    "page: move an in-scope account out": Write(False, M, 200, lambda w, who: (
        "post", reverse("accounts:edit", args=[w.users["township2"].pk]), {
            "action": "save", "role": Role.VILLAGE_CADRE, "region": _out(w, who), "department": "",
            "is_active": "on"})),
    "page: reset the second factor of an account out of scope": Write(False, M, 404, lambda w, who: (
        "post", reverse("accounts:edit", args=[_outside_account(w, who).pk]), {"action": "reset_two_step"})),
    "page: unlock an account out of scope": Write(False, M, 404, lambda w, who: (
        "post", reverse("accounts:edit", args=[_outside_account(w, who).pk]), {"action": "unlock"})),
    "page: create an account out of scope": Write(False, M, 200, lambda w, who: (
        "post", reverse("accounts:create"), {
            "username": "interloper", "role": Role.VILLAGE_CADRE, "region": _out(w, who), "department": "",
            "full_name": "", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"})),
    # The API: an object out of scope is 404; a region or person out of scope in the body is 400.
    "api: create a person out of scope": Write(True, E, 400, lambda w, who: (
        "post", reverse("api:person-list"), _new_person(_out(w, who)))),
    "api: PUT a person out of scope": Write(True, E, 404, lambda w, who: (
        "put", reverse("api:person-detail", args=[_p(w, who).pk]), _person_form(_p(w, who), name="改名字"))),
    "api: PATCH a person out of scope": Write(True, E, 404, lambda w, who: (
        "patch", reverse("api:person-detail", args=[_p(w, who).pk]), {"phone": "13900000007"})),
    "api: move an in-scope person out": Write(True, E, 400, lambda w, who: (
        "patch", reverse("api:person-detail", args=[w.people[f.TANBA].pk]), {"region": _out(w, who)})),
    "api: add a post (村官区管: a request the county approves)": Write(True, E, 405, lambda w, who: (
        "post", reverse("api:appointment-list"), {
            "person": w.people[f.TANBA].pk, "region": f.TANBA, "post": "party_deputy", "start_date": "2022-01-01"})),
    "api: end an in-scope current post by a correction": Write(True, E, 400, lambda w, who: (
        "patch", reverse("api:appointment-detail", args=[w.appointments[f.TANBA].pk]), {
            "end_date": "2024-01-01", "end_reason": "辞职"})),
    "api: PUT a post out of scope": Write(True, E, 404, lambda w, who: (
        "put", reverse("api:appointment-detail", args=[_a(w, who).pk]), {
            "person": _a(w, who).person_id, "region": _a(w, who).region_id, "post": "party_deputy",
            "start_date": "2022-01-01"})),
    "api: PATCH a post out of scope": Write(True, E, 404, lambda w, who: (
        "patch", reverse("api:appointment-detail", args=[_a(w, who).pk]), {"post": "party_deputy"})),
    "api: move an in-scope post out": Write(True, E, 400, lambda w, who: (
        "patch", reverse("api:appointment-detail", args=[w.appointments[f.TANBA].pk]), {"region": _out(w, who)})),
    "page: add a person out of scope to a pool": Write(False, E, 200, lambda w, who: (
        "post", reverse("reserves:create"), {"person": _p(w, who).pk, "region": f.TANBA, "posts": ["party_secretary"]})),
    "page: add an in-scope person to a pool out of scope": Write(False, E, 200, lambda w, who: (
        "post", reverse("reserves:create"), {"person": w.people[f.TANBA].pk, "region": _out(w, who),
                                             "posts": ["party_secretary"]})),
    "page: withdraw a reserve out of scope": Write(False, E, 404, lambda w, who: (
        "post", reverse("reserves:status", args=[w.reserve(_out(w, who)).pk]), {"status": "withdrawn", "reason": "x"})),
    "page: add a merit record out of scope": Write(False, E, 404, lambda w, who: (
        "post", reverse("reserves:merit_add", args=[w.reserve(_out(w, who)).pk]),
        {"task": "flood", "description": "x", "done_on": "2023-01-01"})),
    "page: set a pool target out of scope": Write(False, M, 200, lambda w, who: (
        "post", reverse("reserves:targets"), {"region": _out(w, who), "per_post": "3", "effective_from": "2026-01-01"})),
    "api: add a person out of scope to a pool": Write(True, E, 400, lambda w, who: (
        "post", reverse("api:reserve-list"), {"person": _p(w, who).pk, "region": f.TANBA, "posts": ["party_secretary"]})),
    "api: add a merit record out of scope": Write(True, E, 404, lambda w, who: (
        "post", reverse("api:reserve-merit-list"), {"reserve": w.reserve(_out(w, who)).pk, "task": "flood",
                                                    "description": "x", "done_on": "2023-01-01"})),
    "api: create a region": Write(True, frozenset(), 0, lambda w, who: (
        "post", reverse("api:region-list"), {"code": "510521102299", "name": "新村", "level": 5})),
    "page: publish rules with a rule nobody attests": Write(False, frozenset({"city"}), 200, lambda w, who: (
        "post", reverse("review:rules_new"), _rules_editor_form(department=""))),
    "api: publish rules taking effect before the current ones": Write(True, frozenset({"city"}), 400, lambda w, who: (
        "post", reverse("api:ruleset-publish"), {"effective_from": "2020-01-01", "removed": ["B13"]})),
    "page: plan an election out of scope": Write(False, EL, 200, lambda w, who: (
        "post", reverse("elections:create"), _election_form(_out(w, who)))),
    "page: record results out of scope": Write(False, EL, 404, lambda w, who: (
        "post", reverse("elections:results", args=[w.election(_out(w, who)).pk]), {"electorate": 90, "ballots_cast": 80})),
    "page: certify an election out of scope": Write(False, frozenset({"county"}), 404, lambda w, who: (
        "post", reverse("elections:certify", args=[w.election(_out(w, who)).pk]), {})),
    "page: cancel an election out of scope": Write(False, EL, 404, lambda w, who: (
        "post", reverse("elections:cancel", args=[w.election(_out(w, who)).pk]), {"reason": "x"})),
    "api: record results out of scope": Write(True, EL, 404, lambda w, who: (
        "post", reverse("api:election-results", args=[w.election(_out(w, who)).pk]), {
            "electorate": 90, "ballots_cast": 80, "votes": {}})),
    "api: certify an election out of scope": Write(True, frozenset({"county"}), 404, lambda w, who: (
        "post", reverse("api:election-certify", args=[w.election(_out(w, who)).pk]), {})),
    "api: cancel an election out of scope": Write(True, EL, 404, lambda w, who: (
        "post", reverse("api:election-cancel", args=[w.election(_out(w, who)).pk]), {"reason": "x"})),
    "api: plan an election out of scope": Write(True, EL, 400, lambda w, who: (
        "post", reverse("api:election-list"), {"region": _out(w, who), "kind": "party", "election_date": "2026-03-15"})),
    "api: add a candidate to an election out of scope": Write(True, EL, 404, lambda w, who: (
        "post", reverse("api:election-candidate-list"), {"election": w.election(_out(w, who)).pk,
                                                          "person": _p(w, who).pk, "post": "party_member"})),
    "api: add a person out of scope as a candidate": Write(True, EL, 400, lambda w, who: (
        "post", reverse("api:election-candidate-list"), {"election": w.election(f.TANBA).pk,
                                                          "person": _p(w, who).pk, "post": "party_member"})),
    "page: add an application to a campaign out of scope": Write(False, RECRUITERS, 404, lambda w, who: (
        "post", reverse("recruitment:application_create", args=[w.recruitment(_out(w, who)).campaign_id]),
        {"campaign_post": w.recruitment(_out(w, who)).campaign_post_id, "id_number": _new_person(f.TANBA)["id_number"],
         "submitted_on": "2026-02-01", "name": "邝新来", "ethnicity": "01", "political_status": "01",
         "education": "30", "source": "migrant_worker"})),
    "page: cancel a campaign out of scope": Write(False, RECRUITERS, 404, lambda w, who: (
        "post", reverse("recruitment:transition", args=[w.recruitment(_out(w, who)).campaign_id]),
        {"to": "cancelled", "reason": "越权"})),
    "page: record scores out of scope": Write(False, RECRUITERS, 404, lambda w, who: (
        "post", reverse("recruitment:scores", args=[w.recruitment(_out(w, who)).campaign_id,
                                                    w.recruitment(_out(w, who)).pk]), {"written": "99"})),
    "page: resolve an objection out of scope": Write(False, RECRUITERS, 404, lambda w, who: (
        "post", reverse("recruitment:objection_resolve", args=[
            w.recruitment(_out(w, who)).campaign_id, w.recruitment(_out(w, who)).objections.get().pk]),
        {"upheld": "1", "reason": "越权"})),
    "page: an in-scope objection under another campaign's id": Write(False, RECRUITERS, 404, lambda w, who: (
        "post", reverse("recruitment:objection_resolve", args=[
            w.recruitment(_out(w, who)).campaign_id, w.recruitment(f.TANBA).objections.get().pk]),
        {"upheld": "1", "reason": "越权"})),
    "api: add an application to a campaign out of scope": Write(True, RECRUITERS, 404, lambda w, who: (
        "post", reverse("api:recruitment-application-list"), {
            "campaign": w.recruitment(_out(w, who)).campaign_id,
            "campaign_post": w.recruitment(_out(w, who)).campaign_post_id,
            "id_number": _new_person(f.TANBA)["id_number"], "submitted_on": "2026-02-01", "name": "邝新来"})),
    # Controls: the same kind of request in scope does write for an editor — and never for anyone else.
    "page: plan an in-scope election": Write(False, EL, 302, lambda w, who: (
        "post", reverse("elections:create"), _election_form(f.TANBA, kind="committee")), True),
    "page: publish a new version of the rules": Write(False, frozenset({"city"}), 302, lambda w, who: (
        "post", reverse("review:rules_new"), _rules_editor_form()), True),
    "api: publish a new version of the rules": Write(True, frozenset({"city"}), 201, lambda w, who: (
        "post", reverse("api:ruleset-publish"), {"effective_from": "2026-01-01", "removed": ["B13"]}), True),
    "page: edit an in-scope person": Write(False, E, 302, lambda w, who: (
        "post", reverse("people:edit", args=[w.people[f.TANBA].pk]), _person_form(w.people[f.TANBA])), True),
    "page: request to end an in-scope post": Write(False, RQ, 302, lambda w, who: (
        "post", reverse("appointments:end", args=[w.appointments[f.TANBA].pk]), _END_FORM), True),
    "page: approve an in-scope request": Write(False, AP, 302, lambda w, who: (
        "post", reverse("appointments:approve", args=[w.appointment_request(f.TANBA, open_=True).pk]), {}), True),
    "api: approve an in-scope request": Write(True, AP, 200, lambda w, who: (
        "post", reverse("api:appointment-request-approve", args=[w.appointment_request(f.TANBA, open_=True).pk]),
        {}), True),
    "api: create an in-scope person": Write(True, E, 201, lambda w, who: (
        "post", reverse("api:person-list"), _new_person(f.TANBA)), True),
    "api: PATCH an in-scope person": Write(True, E, 200, lambda w, who: (
        "patch", reverse("api:person-detail", args=[w.people[f.TANBA].pk]), {"phone": "13900000007"}), True),
    "page: add an in-scope person to a pool": Write(False, E, 302, lambda w, who: (
        "post", reverse("reserves:create"), {"person": w.people[f.TANBA].pk, "region": f.TANBA,
                                             "posts": ["party_secretary"]}), True),
    "api: PATCH an in-scope post": Write(True, E, 200, lambda w, who: (
        "patch", reverse("api:appointment-detail", args=[w.appointments[f.TANBA].pk]), {"term": 2021}), True),
    "page: cancel an in-scope campaign": Write(False, RECRUITERS, 302, lambda w, who: (
        "post", reverse("recruitment:transition", args=[w.recruitment(f.TANBA).campaign_id]),
        {"to": "cancelled", "reason": "岗位调整"}), True),
    # Secondments and social-work certification (manage_secondments, manage_certification, manage_subsidy_policy).
    "page: second a person out of scope": Write(False, TRAINING_ADMINS, 200, lambda w, who: (
        "post", reverse("secondments:create"), {"person": _p(w, who).pk, **_SECONDMENT_FORM})),
    "page: cancel a secondment out of scope": Write(False, TRAINING_ADMINS, 404, lambda w, who: (
        "post", reverse("secondments:transition", args=[w.secondment(_out(w, who)).pk]),
        {"to": "cancelled", "reason": "越权"})),
    "page: edit a secondment out of scope": Write(False, TRAINING_ADMINS, 404, lambda w, who: (
        "post", reverse("secondments:edit", args=[w.secondment(_out(w, who)).pk]), _SECONDMENT_FORM)),
    "api: second a person out of scope": Write(True, TRAINING_ADMINS, 404, lambda w, who: (
        "post", reverse("api:secondment-list"), {"person": _p(w, who).pk, **_SECONDMENT_FORM})),
    "page: register a person out of scope for the social-work exam": Write(False, TRAINING_ADMINS, 200, lambda w, who: (
        "post", reverse("socialwork:create"), {"person": _p(w, who).pk, "exam_year": 2025, "level": "assistant"})),
    "page: record a result out of scope": Write(False, TRAINING_ADMINS, 404, lambda w, who: (
        "post", reverse("socialwork:result", args=[w.socialwork_registration(_out(w, who)).pk]),
        {"result": "passed", "result_on": "2024-09-20", "certificate_no": "越权1", "certificate_date": "2024-12-10"})),
    "api: register a person out of scope for the social-work exam": Write(True, TRAINING_ADMINS, 404, lambda w, who: (
        "post", reverse("api:socialwork-registration-list"), {"person": _p(w, who).pk, "exam_year": 2025,
                                                              "level": "assistant"})),
    "page: add a subsidy policy for a county out of scope": Write(False, TRAINING_ADMINS, 200, lambda w, who: (
        "post", reverse("socialwork:policy_add"), _policy_form(_out(w, who)[:6] + "000000"))),
    "page: second an in-scope cadre": Write(False, TRAINING_ADMINS, 302, lambda w, who: (
        "post", reverse("secondments:create"), {"person": w.people[f.TANBA].pk, **_SECONDMENT_FORM}), True),
    "api: register an in-scope cadre for the social-work exam": Write(True, TRAINING_ADMINS, 201, lambda w, who: (
        "post", reverse("api:socialwork-registration-list"), {"person": w.people[f.TANBA].pk, "exam_year": 2025,
                                                              "level": "assistant"}), True),
    "page: add a subsidy policy for an in-scope county": Write(False, TRAINING_ADMINS, 302, lambda w, who: (
        "post", reverse("socialwork:policy_add"), _policy_form("510521000000")), True),
    # --- economy (manage_economy: county, township), careers (manage_careers: county), care (manage_care) ---
    "page: record a project in a village out of scope": Write(False, ECONOMY, 200, lambda w, who: (
        "post", reverse("economy:create"), {"region": _out(w, who), **_PROJECT_FORM})),
    "api: record a project in a village out of scope": Write(True, ECONOMY, 404, lambda w, who: (
        "post", reverse("api:economy-project-list"), {"region": _out(w, who), **_PROJECT_FORM})),
    "page: edit a project out of scope": Write(False, ECONOMY, 404, lambda w, who: (
        "post", reverse("economy:edit", args=[_economy_project(_out(w, who)).pk]), _PROJECT_FORM)),
    "page: name a cadre out of scope on an in-scope project": Write(False, ECONOMY, 200, lambda w, who: (
        "post", reverse("economy:cadre_add", args=[_economy_project(f.TANBA).pk]), {"person": _p(w, who).pk})),
    "page: record a career event for a person out of scope": Write(False, CAREERS, 200, lambda w, who: (
        "post", reverse("careers:create"), {"person": _p(w, who).pk, **_CAREER_FORM})),
    "api: record a career event for a person out of scope": Write(True, CAREERS, 404, lambda w, who: (
        "post", reverse("api:career-event-list"), {"person": _p(w, who).pk, **_CAREER_FORM, "end_posts": True})),
    "page: record care for a person out of scope": Write(False, CARE, 200, lambda w, who: (
        "post", reverse("care:create"), {"person": _p(w, who).pk, **_CARE_FORM})),
    "page: follow up a care record out of scope": Write(False, CARE, 404, lambda w, who: (
        "post", reverse("care:follow_up", args=[_care_record(w, _out(w, who)).pk]),
        {"done_on": "2025-05-20", "note": "越权"})),
    "page: record an in-scope career event that ends the posts": Write(False, CAREERS, 302, lambda w, who: (
        "post", reverse("careers:create"), {"person": w.people[f.TANBA].pk, **_CAREER_FORM}), True),
    "page: record care for an in-scope cadre": Write(False, CARE, 302, lambda w, who: (
        "post", reverse("care:create"), {"person": w.people[f.TANBA].pk, **_CARE_FORM}), True),
    # --- training: attendance (mark_attendance: city, county, township) ---
    "page: mark someone out of scope present at a 泸县 sitting": Write(False, MARKERS, 200, lambda w, who: (
        "post", reverse("training:sitting_sheet", args=[_sitting(w)]),
        {"shown": [w.training_enrolment(_out(w, who)).pk], "present": [w.training_enrolment(_out(w, who)).pk]})),
    "api: mark someone out of scope absent at a 泸县 sitting": Write(True, MARKERS, 400, lambda w, who: (
        "post", reverse("api:training-attendance-mark"), {"sitting": _sitting(w),
                                                          "absent": [w.training_enrolment(_out(w, who)).pk]})),
    "api: mark at a sitting out of scope": Write(True, MARKERS, 404, lambda w, who: (
        "post", reverse("api:training-attendance-mark"), {"sitting": _sitting(w, f.GULIN_VILLAGE if who != "city"
                                                                                else f.OUTSIDE_VILLAGE),
                                                          "absent": [w.training_enrolment(f.TANBA).pk]})),
    "page: renew the code of a sitting out of scope": Write(False, MARKERS, 404, lambda w, who: (
        "post", reverse("training:sitting_qr", args=[_sitting(w, f.GULIN_VILLAGE if who != "city"
                                                                else f.OUTSIDE_VILLAGE)]), {})),
    "page: mark an in-scope person absent": Write(False, MARKERS, 302, lambda w, who: (
        "post", reverse("training:sitting_sheet", args=[_sitting(w)]),
        {"shown": [w.training_enrolment(f.TANBA).pk]}), True),
    # --- training: planning (run_training: city, county; manage_training_catalogue: city) ---
    "page: enrol a person out of scope": Write(False, RUNNERS, 200, lambda w, who: (
        "post", reverse("training:enrol_one", args=[_training_session(w, "510521000000").pk]),
        {"person": _p(w, who).pk})),
    "page: enrol into a session out of scope": Write(False, RUNNERS, 404, lambda w, who: (
        "post", reverse("training:enrol_one", args=[_training_session(w, _out(w, who)).pk]),
        {"person": w.people[f.TANBA].pk})),
    "page: cancel a session out of scope": Write(False, RUNNERS, 404, lambda w, who: (
        "post", reverse("training:session_cancel", args=[_training_session(w, _out(w, who)).pk]), {"reason": "越权"})),
    "page: withdraw an enrolment out of scope": Write(False, RUNNERS, 404, lambda w, who: (
        "post", reverse("training:withdraw", args=[_training_session(w, "510521000000").pk]),
        {"enrolment": _training_enrolment_values(w, who, None).outside[0][0], "reason": "越权"})),
    "page: register a base out of scope": Write(False, frozenset({"city"}), 200, lambda w, who: (
        "post", reverse("training:base_create"), {"name": "越权基地", "host": "x", "kind": "other",
                                                  "region": _out(w, who), "capacity": "10"})),
    "api: enrol a person out of scope": Write(True, RUNNERS, 400, lambda w, who: (
        "post", reverse("api:training-enrolment-list"), {"session": _training_session(w, "510521000000").pk,
                                                         "person": _p(w, who).pk})),
    "api: withdraw an enrolment out of scope": Write(True, RUNNERS, 404, lambda w, who: (
        "post", reverse("api:training-enrolment-withdraw", args=[_training_enrolment_values(w, who, None).outside[0][0]]),
        {"reason": "越权"})),
    "api: schedule a session of a programme out of scope": Write(True, RUNNERS, 404, lambda w, who: (
        "post", reverse("api:training-session-list"), {
            "programme": _training_catalogue(_out(w, who))[1].pk, "base": _training_catalogue(f.CITY)[0].pk,
            "title": "越权班", "start_date": "2026-07-01", "end_date": "2026-07-02", "capacity": 5})),
    "page: enrol an in-scope person": Write(False, RUNNERS, 302, lambda w, who: (
        "post", reverse("training:enrol_one", args=[_training_control_session(w).pk]),
        {"person": w.people[f.TANBA].pk}), True),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("case", list(WRITES))
def test_write(case: str, who: str, world: World) -> None:
    write = WRITES[case]
    method, url, data = write.build(world, who)
    client = _client(world, who)
    before = snapshot()
    if write.api:
        response = getattr(client, method)(url, data, content_type="application/json")
    else:
        response = getattr(client, method)(url, data)
    after = snapshot()
    where = f"{case}: {method.upper()} {url} as {who}"
    if who == ANON:
        want = {401, 403} if write.api else {302}
    elif who in write.actors:
        want = {write.status}
    else:
        want = {403, 404, 405}
    assert response.status_code in want, f"{where}: {response.status_code}, expected {sorted(want)}"
    if who == ANON and not write.api:
        assert response["Location"].startswith(reverse("login")), where
    if write.changes and who in write.actors:
        assert after != before, f"{where}: the control request changed nothing, so the refusals prove nothing"
        return
    assert after == before, f"{where}: a refused write changed the database"
    leaked = [word for word in world.forbidden(who) if word in body_text(response)]
    assert not leaked, f"{where}: the response shows out-of-scope data {leaked}"


@pytest.mark.parametrize("who", sorted(WRITERS))
def test_import_refuses_rows_out_of_scope(who: str, world: World) -> None:
    from lingtouyang.core.xlsx import write_xlsx
    from lingtouyang.people import roster_format as fmt

    row = {fmt.NAME: "邝新来", fmt.GENDER: "男", fmt.ETHNICITY: "汉族", fmt.POLITICAL_STATUS: "中共党员",
           fmt.EDUCATION: "大学专科", fmt.REGION_CODE: _out(world, who), fmt.POSTS: "党组织委员",
           fmt.START_DATE: "2021-03-15", fmt.PHONE: "13900000006", fmt.SOURCE: "退役军人",
           fmt.ID_NUMBER: f.id_number(_out(world, who)[:6], date(1979, 4, 2)), fmt.BIRTH_DATE: "1979-04-02"}
    path = world.tmp / "roster.xlsx"
    write_xlsx(path, fmt.HEADERS, [[row.get(h, "") for h in fmt.HEADERS]], sheet="花名册")
    client = _client(world, who)
    people, posts = snapshot()[:2]
    with path.open("rb") as fh:
        response = client.post(reverse("people:import"), {"file": fh})
    assert response.status_code == 302
    job = ImportJob.objects.get(created_by=world.users[who])
    assert job.status == ImportJob.Status.FAILED, job.report
    assert snapshot()[:2] == (people, posts)


# --- exports -------------------------------------------------------------------------------------


def _sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    raw = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return rows[1:]  # below the headers


def _in_scope_people(who: str) -> set[str]:
    return {name for code, name in PEOPLE.items() if who in SEES_PEOPLE and code.startswith(PREFIX[who])}


@pytest.mark.parametrize("who", [r for r in ROLES if r != "reviewer"])
def test_people_export_holds_only_in_scope_rows(who: str, world: World) -> None:
    from lingtouyang.people import roster_format as fmt

    client = _client(world, who)
    rows = _sheet_rows(client.get(reverse("people:export")))
    col = {h: i for i, h in enumerate(fmt.HEADERS)}
    assert {r[col[fmt.NAME]] for r in rows} == _in_scope_people(who)
    assert all(str(r[col[fmt.REGION_CODE]]).startswith(PREFIX[who]) for r in rows)
    ids = {r[col[fmt.ID_NUMBER]] for r in rows}
    # Masked by default for everyone; full numbers only when asked for, and only for those allowed.
    assert ids == {world.people[c].id_masked for c in PEOPLE if c.startswith(PREFIX[who])}
    full = {r[col[fmt.ID_NUMBER]] for r in _sheet_rows(client.get(reverse("people:export"), {"full_id": "1"}))}
    if who in REVEALERS:
        assert full and all("*" not in i for i in full)
    else:
        assert full == ids
    # A region filter outside one's scope selects nothing; inside, it narrows.
    assert _sheet_rows(client.get(reverse("people:export"), {"region": _out(world, who)})) == []
    narrow = _sheet_rows(client.get(reverse("people:export"), {"region": f.TANBA}))
    assert {r[col[fmt.NAME]] for r in narrow} == {PEOPLE[f.TANBA]}


@pytest.mark.parametrize("who", [r for r in ROLES if r != "reviewer"])
def test_region_export_holds_only_in_scope_rows(who: str, world: World) -> None:
    client = _client(world, who)
    own = world.users[who].region
    rows = _sheet_rows(client.get(reverse("regions:export", args=[own.code])))
    assert all(str(r[1]).startswith(PREFIX[who]) for r in rows)
    assert {r[1] for r in rows} == set(Region.objects.filter(parent=own).values_list("code", flat=True))
    # The cadres column counts the world's in-scope people, no one else.
    assert sum(r[2] for r in rows) == (len(_in_scope_people(who)) if own.level < 5 else 0)
    response = client.get(reverse("regions:export", args=[_out(world, who)]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", sorted(MANAGERS))
def test_audit_export_holds_only_in_scope_rows(who: str, world: World) -> None:
    client = _client(world, who)
    rows = _sheet_rows(client.get(reverse("audit:export")))
    assert rows
    assert all(str(r[6]).startswith(PREFIX[who]) for r in rows)
    created = {r[5] for r in rows if r[3] == "person.create"}
    assert created == {str(world.people[c].pk) for c in PEOPLE if c.startswith(PREFIX[who])}


def test_export_audit_rows_stay_in_the_exporters_jurisdiction(world: World) -> None:
    """An export asked for another county's prefix selects nothing, and its audit row is the exporter's."""
    client = _client(world, "county")
    client.get(reverse("people:export"), {"region": "510525"})
    client.get(reverse("audit:export"))
    events = AuditEvent.objects.filter(action__startswith="export.").order_by("id")
    assert [e.region_code for e in events] == ["510521000000", "510521000000"]
    # …and the county sees its own exports in its audit trail (this export included: it is recorded first).
    rows = _sheet_rows(client.get(reverse("audit:export")))
    assert sum(1 for r in rows if str(r[3]).startswith("export.")) == 3
