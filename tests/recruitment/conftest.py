from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.people.codes import Gender
from lingtouyang.recruitment import services
from lingtouyang.recruitment.models import Application, Campaign
from lingtouyang.regions.models import Region
from lingtouyang.review import services as review_services
from lingtouyang.review.models import Department
from tests import factories as f

LUXIAN = "510521000000"
NOTICE_START = date(2026, 3, 2)  # a Monday: 5 working days end on Monday 9 March
NOTICE_END = date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    with translation.override("en"):
        yield


@dataclass
class Recruit:
    users: dict[str, Any]
    county: Region

    def campaign(self, **extra: Any) -> Campaign:
        """A 泸县 draft: one place in 谭坝村 and one in the next village, for returned migrant workers who are
        party members, at most 45 on 1 March 2026, at least senior high school; written 40%, interview 60%."""
        data: dict[str, Any] = {
            "name": "泸县专职副书记招聘", "reference_date": date(2026, 3, 1), "max_age": 45, "min_education": "60",
            "required_sources": ["migrant_worker"], "party_member_required": True, "written_weight": 40,
            "interview_weight": 60, "notice_workdays": 5, "duties": ["collective_economy", "cooperatives"]}
        data.update(extra)
        campaign = services.campaign_create(acting_user=self.users["county"], region=self.county, **data)
        for code in (f.TANBA, f.OTHER_YUSI_VILLAGE):
            services.campaign_post_add(acting_user=self.users["county"], campaign=campaign,
                                       region=Region.objects.get(code=code))
        return campaign

    def open(self, **extra: Any) -> Campaign:
        return services.campaign_open(acting_user=self.users["county"], campaign=self.campaign(**extra))

    def apply(self, campaign: Campaign, name: str, village: str = f.TANBA, born: date = date(1985, 3, 1),
              submitted_on: date = date(2026, 2, 1), **person: Any) -> Application:
        post = campaign.posts.get(region_id=village)
        gender = person.pop("gender", Gender.MALE)
        data = {"name": name, "gender": gender, "birth_date": born, "ethnicity": "01", "political_status": "01",
                "education": "30", "source": "migrant_worker", "phone": "13800000000", **person}
        return services.application_create(
            acting_user=self.users["county"], campaign=campaign, campaign_post=post, submitted_on=submitted_on,
            id_number=f.id_number(village[:6], born, gender), person_data=data)

    def examining(self, **extra: Any) -> tuple[Campaign, dict[str, Application]]:
        """Applications: 甘一 and 甘二 for 谭坝村, 莫三 for the other village, and 老四 (too old)."""
        campaign = self.open(**extra)
        apps = {
            "gan1": self.apply(campaign, "甘一", born=date(1985, 3, 1)),
            "gan2": self.apply(campaign, "甘二", born=date(1988, 6, 1), submitted_on=date(2026, 1, 20)),
            "mo3": self.apply(campaign, "莫三", village=f.OTHER_YUSI_VILLAGE, born=date(1990, 1, 1)),
            "old4": self.apply(campaign, "老四", born=date(1975, 1, 1)),
        }
        services.campaign_screen(acting_user=self.users["county"], campaign=campaign)
        services.campaign_examine(acting_user=self.users["county"], campaign=campaign)
        return campaign, {k: Application.objects.get(pk=a.pk) for k, a in apps.items()}

    def score(self, application: Application, written: Any = None, interview: Any = None) -> Application:
        return services.score_record(acting_user=self.users["county"], application=application, written=written,
                                     interview=interview)

    def notice(self, **extra: Any) -> tuple[Campaign, dict[str, Application]]:
        """In the notice: 甘一 (80, 90: 86) beats 甘二 (85, 80: 82) in 谭坝村; 莫三 (70, 75: 73) has the other post."""
        campaign, apps = self.examining(**extra)
        for key, (w, i) in {"gan1": ("80", "90"), "gan2": ("85", "80"), "mo3": ("70", "75")}.items():
            self.score(apps[key], written=w, interview=i)
        services.campaign_notice(acting_user=self.users["county"], campaign=campaign, start=NOTICE_START)
        campaign.refresh_from_db()
        return campaign, {k: Application.objects.get(pk=a.pk) for k, a in apps.items()}

    def review(self, *people: Any, fail: Any = None, finish: bool = True) -> None:
        """A joint review round in 泸县 for these people: every department passes them, except `fail`."""
        departments = list(Department.objects.filter(name__in=["公安", "法院"]))
        review_round = review_services.round_create(acting_user=None, region=self.county, name="泸县联审",
                                                    election_date=date(2026, 3, 1), departments=departments)
        review_services.round_add_candidates(acting_user=None, review_round=review_round, people=list(people))
        review_services.round_open(acting_user=None, review_round=review_round)
        for candidate in review_round.candidates.all():
            for department in departments[: 2 if finish else 1]:
                bad = fail is not None and candidate.person_id == fail.pk
                review_services.verdict_record(acting_user=None, candidate=candidate, department=department,
                                               passed=not bad, reason="有犯罪记录" if bad else "")


@pytest.fixture
def recruit(users) -> Recruit:  # noqa: ANN001
    extra = {"gulin_admin": f.make_user("gulin_admin", Role.COUNTY_ADMIN, f.GULIN),
             "jiangyang_admin": f.make_user("jiangyang_admin", Role.COUNTY_ADMIN, f.JIANGYANG)}
    return Recruit(users={**users, **extra}, county=Region.objects.get(code=LUXIAN))
