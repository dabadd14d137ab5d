from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Appointment, Person
from lingtouyang.recruitment import services
from lingtouyang.recruitment.models import Application, Campaign, NoticePolicy, Objection
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.recruitment.conftest import NOTICE_END, NOTICE_START

pytestmark = pytest.mark.django_db
State = Campaign.State


def _actions() -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith="recruitment.").order_by("id")
                .values_list("action", flat=True))


def test_a_campaign_is_created_as_an_audited_draft(recruit) -> None:
    campaign = recruit.campaign()
    assert campaign.state == State.DRAFT
    assert campaign.posts.count() == 2
    assert all(p.post == "fulltime_deputy" and p.places == 1 for p in campaign.posts.all())
    event = AuditEvent.objects.get(action="recruitment.campaign_create")
    assert event.actor == recruit.users["county"] and event.region_code == "510521000000"
    assert event.changes["written_weight"] == [None, 40]
    assert _actions() == ["recruitment.campaign_create", "recruitment.post_add", "recruitment.post_add"]


def test_weights_must_add_up_to_100(recruit) -> None:
    with pytest.raises(ValidationError) as exc:
        recruit.campaign(written_weight=40, interview_weight=50)
    assert exc.value.message_dict["interview_weight"] == [
        "the written exam and interview weights must add up to 100% (now 90%)"]
    assert not Campaign.objects.exists() and not AuditEvent.objects.filter(action__startswith="recruitment.").exists()


def test_a_notice_shorter_than_the_policy_is_refused(recruit) -> None:
    with pytest.raises(ValidationError) as exc:
        recruit.campaign(notice_workdays=4)
    assert exc.value.message_dict["notice_workdays"] == [
        "the public notice must last at least 5 working days (policy); 4 is too short"]
    # The minimum is data: a stricter policy in force refuses what was fine before.
    NoticePolicy.objects.create(effective_from=date(2020, 1, 1), min_workdays=7)
    with pytest.raises(ValidationError, match="at least 7 working days"):
        recruit.campaign(notice_workdays=5)
    assert not Campaign.objects.exists()


def test_a_policy_made_stricter_before_the_notice_refuses_it(recruit) -> None:
    campaign, apps = recruit.examining()
    for key in ("gan1", "gan2", "mo3"):
        recruit.score(apps[key], written="80", interview="80")
    NoticePolicy.objects.create(effective_from=date(2026, 2, 1), min_workdays=7)
    with pytest.raises(ValidationError, match="at least 7 working days"):
        services.campaign_notice(acting_user=recruit.users["county"], campaign=campaign, start=NOTICE_START)
    campaign.refresh_from_db()
    assert campaign.state == State.EXAMINING and campaign.notice_start is None


def test_the_whole_way_to_hire(recruit) -> None:
    campaign, apps = recruit.notice()
    assert campaign.state == State.NOTICE
    assert (campaign.notice_start, campaign.notice_end) == (NOTICE_START, NOTICE_END)
    assert {a.person.name for a in services.hire_list(campaign)} == {"甘一", "莫三"}
    recruit.review(apps["gan1"].person, apps["mo3"].person)
    hires = services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign,
                                   hire_date=date(2026, 3, 10), duties=["collective_economy", "specialty_industry"])
    campaign.refresh_from_db()
    assert campaign.state == State.HIRED and campaign.hired_on == date(2026, 3, 10)
    assert campaign.state_changed_by == recruit.users["county"]
    for a in hires:
        a.refresh_from_db()
        assert a.status == Application.Status.HIRED
        assert a.duties == ["collective_economy", "specialty_industry"]
        assert (a.appointment.post, a.appointment.start_date, a.appointment.region_id) == (
            "fulltime_deputy", date(2026, 3, 10), a.campaign_post.region_id)
        assert a.appointment.term == 2026  # no term on the county's roster: the term of the hire date
    assert Appointment.objects.filter(post="fulltime_deputy").count() == 2
    assert Application.objects.get(pk=apps["gan2"].pk).status == Application.Status.ACTIVE
    moves = [a for a in _actions() if a.startswith("recruitment.campaign_") and a != "recruitment.campaign_create"]
    assert moves == ["recruitment.campaign_open", "recruitment.campaign_screening", "recruitment.campaign_examining",
                     "recruitment.campaign_notice", "recruitment.campaign_hired"]
    assert AuditEvent.objects.filter(action="appointment.create").count() == 2
    hired = AuditEvent.objects.get(action="recruitment.campaign_hired")
    assert hired.actor == recruit.users["county"] and hired.changes["state"] == ["notice", "hired"]


def test_the_term_is_the_campaigns_or_the_latest_on_the_roster(recruit) -> None:
    f.make_appointment(f.make_person(f.TANBA, name="在任者"), post="party_member", start=date(2021, 3, 1))
    campaign, apps = recruit.notice()
    recruit.review(apps["gan1"].person, apps["mo3"].person)
    hires = services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign, hire_date=date(2026, 3, 10))
    assert {a.appointment.term for a in hires} == {2021}
    assert hires[0].duties == ["collective_economy", "cooperatives"]  # the campaign's by default


@pytest.mark.parametrize(("start", "to"), [
    ("draft", "screening"), ("draft", "notice"), ("draft", "hired"), ("open", "examining"), ("open", "notice"),
])
def test_illegal_transitions_are_refused(recruit, start: str, to: str) -> None:
    campaign = recruit.open() if start == "open" else recruit.campaign()
    with pytest.raises(ValidationError) as exc:
        services.MACHINE.check(campaign, to)
    assert f"cannot become “{State(to).label}”" in exc.value.messages[0]


def test_illegal_moves_through_the_services_change_nothing(recruit) -> None:
    campaign = recruit.campaign()
    before = _actions()
    with pytest.raises(ValidationError, match="a campaign that is “draft” cannot become “eligibility screening”"):
        services.campaign_screen(acting_user=recruit.users["county"], campaign=campaign)
    with pytest.raises(ValidationError, match="cannot become “public notice”"):
        services.campaign_notice(acting_user=recruit.users["county"], campaign=campaign, start=NOTICE_START)
    campaign.refresh_from_db()
    assert campaign.state == State.DRAFT and _actions() == before


def test_cancel_needs_a_reason_and_is_final(recruit) -> None:
    campaign = recruit.open()
    with pytest.raises(ValidationError, match="say why"):
        services.campaign_cancel(acting_user=recruit.users["county"], campaign=campaign, reason=" ")
    services.campaign_cancel(acting_user=recruit.users["county"], campaign=campaign, reason="岗位调整")
    campaign.refresh_from_db()
    assert campaign.state == State.CANCELLED and campaign.cancel_reason == "岗位调整"
    with pytest.raises(ValidationError, match="“cancelled” cannot become “cancelled”"):
        services.campaign_cancel(acting_user=recruit.users["county"], campaign=campaign, reason="again")
    with pytest.raises(ValidationError, match="cannot become “eligibility screening”"):
        services.campaign_screen(acting_user=recruit.users["county"], campaign=campaign)


def test_a_campaign_in_the_notice_can_be_cancelled(recruit) -> None:
    campaign, _apps = recruit.notice()
    services.campaign_cancel(acting_user=recruit.users["county"], campaign=campaign, reason="上级通知暂停")
    assert Campaign.objects.get(pk=campaign.pk).state == State.CANCELLED


def test_opening_needs_a_post(recruit) -> None:
    campaign = services.campaign_create(acting_user=recruit.users["county"], region=recruit.county, name="无岗位",
                                        reference_date=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="offer at least one post"):
        services.campaign_open(acting_user=recruit.users["county"], campaign=campaign)


def test_the_automatic_check_records_each_failure(recruit) -> None:
    campaign = recruit.open()
    ok = recruit.apply(campaign, "合格")
    bad = recruit.apply(campaign, "四不符", born=date(1975, 1, 1), education="70", source="veteran",
                        political_status="13")
    assert ok.auto_failures == [] and ok.eligible
    assert [x["check"] for x in bad.auto_failures] == ["age", "education", "source", "party"]
    assert bad.auto_failures[0] == {"check": "age", "value": 51, "limit": 45}  # 1975-01-01 to 2026-03-01
    from lingtouyang.recruitment.eligibility import reason

    assert [reason(x, campaign.reference_date) for x in bad.auto_failures] == [
        "aged 51 on 2026-03-01, above the limit of 45",
        "education 初中 is below the minimum (高中)",
        "source “veteran” is not one required (returned migrant worker)",
        "not a party member",
    ]
    assert not bad.eligible


def test_the_age_limit_is_inclusive(recruit) -> None:
    campaign = recruit.open()
    # 45 on 2026-03-01 until the day before the 46th birthday; 46 on the birthday itself.
    last_day_45 = recruit.apply(campaign, "刚好", born=date(1980, 3, 2))
    turns_46 = recruit.apply(campaign, "满46", born=date(1980, 3, 1), village=f.OTHER_YUSI_VILLAGE)
    assert last_day_45.auto_failures == []
    assert turns_46.auto_failures == [{"check": "age", "value": 46, "limit": 45}]


def test_an_applicant_on_the_roster_is_found_by_id_number(recruit) -> None:
    campaign = recruit.open()
    person = f.make_person(f.TANBA, name="在册人员", born=date(1986, 4, 4))
    application = services.application_create(
        acting_user=recruit.users["county"], campaign=campaign, campaign_post=campaign.posts.get(region_id=f.TANBA),
        submitted_on=date(2026, 2, 1), id_number=person.full_id_number())
    assert application.person == person
    assert Person.objects.filter(name="在册人员").count() == 1


def test_an_application_from_outside_the_county_is_refused(recruit) -> None:
    campaign = recruit.open()
    outsider = f.make_person(f.GULIN_VILLAGE, name="蒲外县")
    with pytest.raises(ValidationError) as exc:
        services.application_create(acting_user=recruit.users["county"], campaign=campaign,
                                    campaign_post=campaign.posts.get(region_id=f.TANBA), submitted_on=date(2026, 2, 1),
                                    person=outsider)
    assert exc.value.message_dict["id_number"] == [
        "the person with this ID number is not on this county's roster; applications come from the county's own "
        "villages"]
    # Found by ID number, the outsider is not named either.
    with pytest.raises(ValidationError) as exc:
        services.application_create(acting_user=recruit.users["county"], campaign=campaign,
                                    campaign_post=campaign.posts.get(region_id=f.TANBA), submitted_on=date(2026, 2, 1),
                                    id_number=outsider.full_id_number())
    assert "蒲外县" not in str(exc.value) and "not on this county's roster" in str(exc.value)
    assert not Application.objects.exists()


def test_an_application_for_another_village_is_refused(recruit) -> None:
    campaign = recruit.open()
    person = f.make_person(f.TANBA, name="本村人")
    with pytest.raises(ValidationError, match="registered in another village"):
        services.application_create(acting_user=recruit.users["county"], campaign=campaign,
                                    campaign_post=campaign.posts.get(region_id=f.OTHER_YUSI_VILLAGE),
                                    submitted_on=date(2026, 2, 1), person=person)


def test_a_duplicate_application_is_refused(recruit) -> None:
    campaign = recruit.open()
    first = recruit.apply(campaign, "甘一")
    with pytest.raises(ValidationError) as exc:
        services.application_create(acting_user=recruit.users["county"], campaign=campaign,
                                    campaign_post=first.campaign_post, submitted_on=date(2026, 2, 2),
                                    id_number=first.person.full_id_number())
    assert exc.value.message_dict["id_number"] == ["甘一 has already applied in this campaign"]
    assert Application.objects.count() == 1


def test_another_county_cannot_touch_the_campaign(recruit) -> None:
    campaign = recruit.open()
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.campaign_cancel(acting_user=recruit.users["gulin_admin"], campaign=campaign, reason="x")
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        services.campaign_create(acting_user=recruit.users["city"], region=recruit.county, name="市里建",
                                 reference_date=date(2026, 3, 1))


def test_applications_only_while_open(recruit) -> None:
    campaign = recruit.campaign()
    with pytest.raises(ValidationError, match="only while the campaign is open"):
        recruit.apply(campaign, "太早")
    assert not Person.objects.filter(name="太早").exists()  # the roster is not touched either


def test_the_conditions_checked_by_hand(recruit) -> None:
    campaign = recruit.open(manual_conditions="在外务工3年以上")
    a = recruit.apply(campaign, "甘一")
    b = recruit.apply(campaign, "莫三", village=f.OTHER_YUSI_VILLAGE)
    county = recruit.users["county"]
    with pytest.raises(ValidationError, match="only during screening"):
        services.application_check(acting_user=county, application=a, passed=True)
    services.campaign_screen(acting_user=county, campaign=campaign)
    assert not Application.objects.get(pk=a.pk).eligible  # not yet checked by hand
    with pytest.raises(ValidationError, match="the conditions checked by hand are not yet recorded for: 甘一、莫三"):
        services.campaign_examine(acting_user=county, campaign=campaign)
    with pytest.raises(ValidationError) as exc:
        services.application_check(acting_user=county, application=a, passed=False, reason="")
    assert exc.value.message_dict == {"reason": ["a fail needs a reason"]}
    services.application_check(acting_user=county, application=a, passed=True)
    services.application_check(acting_user=county, application=b, passed=False, reason="务工不足3年")
    services.campaign_examine(acting_user=county, campaign=campaign)
    assert Application.objects.get(pk=a.pk).eligible and not Application.objects.get(pk=b.pk).eligible
    event = AuditEvent.objects.filter(action="recruitment.application_check").order_by("id").last()
    assert event.changes["manual"] == [[None, ""], [False, "务工不足3年"]]


@pytest.mark.parametrize(("written", "message"), [
    ("101", "a score is between 0 and 100 (got 101)"),
    ("-1", "a score is between 0 and 100 (got -1)"),
    ("abc", "“abc” is not a score"),
    ("85.555", "a score has at most two decimals (got 85.555)"),
    ("NaN", "a score is between 0 and 100 (got NaN)"),
])
def test_a_score_out_of_range_is_refused(recruit, written: str, message: str) -> None:
    _campaign, apps = recruit.examining()
    with pytest.raises(ValidationError) as exc:
        recruit.score(apps["gan1"], written=written)
    assert exc.value.message_dict == {"written_score": [message]}
    assert Application.objects.get(pk=apps["gan1"].pk).written_score is None
    assert not AuditEvent.objects.filter(action="recruitment.score").exists()


def test_scores_only_for_eligible_applicants_during_the_exams(recruit) -> None:
    campaign, apps = recruit.examining()
    with pytest.raises(ValidationError, match="老四 is not eligible"):
        recruit.score(apps["old4"], written="90")
    recruit.score(apps["gan1"], written="100", interview="0")
    got = Application.objects.get(pk=apps["gan1"].pk)
    assert (got.written_score, got.interview_score) == (Decimal("100.00"), Decimal("0.00"))


def test_the_interview_ratio_invites_the_best_written_scores(recruit) -> None:
    campaign, apps = recruit.examining(interview_ratio=1)
    with pytest.raises(ValidationError, match="record every written exam score for this post"):
        recruit.score(apps["gan1"], written="80", interview="90")
    assert Application.objects.get(pk=apps["gan1"].pk).written_score is None  # nothing half-saved
    recruit.score(apps["gan1"], written="80")
    recruit.score(apps["gan2"], written="85")
    with pytest.raises(ValidationError, match="甘一 is not among the 1 per place invited to the interview"):
        recruit.score(apps["gan1"], interview="90")
    recruit.score(apps["gan2"], interview="70")
    recruit.score(apps["mo3"], written="60", interview="60")
    services.campaign_notice(acting_user=recruit.users["county"], campaign=campaign, start=NOTICE_START)
    assert {a.person.name for a in services.hire_list(campaign)} == {"甘二", "莫三"}


def test_the_notice_needs_every_score(recruit) -> None:
    campaign, apps = recruit.examining()
    recruit.score(apps["gan1"], written="80", interview="90")
    recruit.score(apps["gan2"], written="80")
    with pytest.raises(ValidationError, match="written exam scores are missing for: 莫三"):
        services.campaign_notice(acting_user=recruit.users["county"], campaign=campaign, start=NOTICE_START)
    recruit.score(apps["mo3"], written="80", interview="80")
    with pytest.raises(ValidationError, match="interview scores are missing for: 甘二"):
        services.campaign_notice(acting_user=recruit.users["county"], campaign=campaign, start=NOTICE_START)
    assert Campaign.objects.get(pk=campaign.pk).state == State.EXAMINING


def test_the_notice_end_skips_holidays(recruit) -> None:
    campaign, apps = recruit.examining()
    for key in ("gan1", "gan2", "mo3"):
        recruit.score(apps[key], written="80", interview="80")
    services.campaign_notice(acting_user=recruit.users["county"], campaign=campaign, start=date(2026, 9, 30))
    assert Campaign.objects.get(pk=campaign.pk).notice_end == date(2026, 10, 13)


def test_hiring_before_the_notice_has_ended_is_refused(recruit) -> None:
    campaign, apps = recruit.notice()
    recruit.review(apps["gan1"].person, apps["mo3"].person)
    for day in (NOTICE_START, NOTICE_END):
        with pytest.raises(ValidationError) as exc:
            services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign, hire_date=day)
        assert exc.value.messages == ["the public notice runs until 2026-03-09; hire after it has ended"]
    assert Campaign.objects.get(pk=campaign.pk).state == State.NOTICE
    assert not Appointment.objects.filter(post="fulltime_deputy").exists()


def test_hiring_with_an_unresolved_objection_is_refused(recruit) -> None:
    campaign, apps = recruit.notice()
    recruit.review(apps["gan1"].person, apps["mo3"].person)
    objection = services.objection_record(acting_user=recruit.users["county"], application=apps["gan1"],
                                          raised_by="村民张某", content="未在村居住", raised_on=date(2026, 3, 4))
    with pytest.raises(ValidationError, match="1 objections are still unresolved"):
        services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign, hire_date=date(2026, 3, 10))
    assert not Appointment.objects.filter(post="fulltime_deputy").exists()
    services.objection_resolve(acting_user=recruit.users["county"], objection=objection, upheld=False,
                               reason="经核实一直在村")
    hires = services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign, hire_date=date(2026, 3, 10))
    assert {a.person.name for a in hires} == {"甘一", "莫三"}


def test_an_upheld_objection_withdraws_the_applicant(recruit) -> None:
    campaign, apps = recruit.notice()
    recruit.review(apps["mo3"].person)
    objection = services.objection_record(acting_user=recruit.users["county"], application=apps["gan1"],
                                          raised_by="村民张某", content="隐瞒违纪", raised_on=date(2026, 3, 9))
    services.objection_resolve(acting_user=recruit.users["county"], objection=objection, upheld=True,
                               reason="经查属实")
    got = Application.objects.get(pk=apps["gan1"].pk)
    assert (got.status, got.withdrawn_reason) == (Application.Status.WITHDRAWN, "经查属实")
    assert Objection.objects.get(pk=objection.pk).resolved_by == recruit.users["county"]
    with pytest.raises(ValidationError, match="already been resolved"):
        services.objection_resolve(acting_user=recruit.users["county"], objection=objection, upheld=False, reason="x")
    hires = services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign, hire_date=date(2026, 3, 10))
    assert [a.person.name for a in hires] == ["莫三"]  # 甘二 is not moved up: a new notice would be needed


def test_objections_are_recorded_only_during_the_notice(recruit) -> None:
    campaign, apps = recruit.notice()
    with pytest.raises(ValidationError) as exc:
        services.objection_record(acting_user=recruit.users["county"], application=apps["gan1"], raised_by="某",
                                  content="x", raised_on=date(2026, 3, 10))
    assert exc.value.message_dict == {"raised_on": ["the notice runs from 2026-03-02 to 2026-03-09"]}
    with pytest.raises(ValidationError, match="concern the people on the notice"):
        services.objection_record(acting_user=recruit.users["county"], application=apps["gan2"], raised_by="某",
                                  content="x", raised_on=date(2026, 3, 3))
    assert not Objection.objects.exists()


def test_hiring_someone_who_failed_the_joint_review_is_refused(recruit) -> None:
    campaign, apps = recruit.notice()
    recruit.review(apps["gan1"].person, apps["mo3"].person, fail=apps["gan1"].person)
    with pytest.raises(ValidationError) as exc:
        services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign, hire_date=date(2026, 3, 10))
    assert exc.value.messages == ["only people cleared by the joint review can be hired: 甘一（failed the joint review）"]
    assert Campaign.objects.get(pk=campaign.pk).state == State.NOTICE
    assert not Appointment.objects.filter(post="fulltime_deputy").exists()
    assert Application.objects.filter(status=Application.Status.HIRED).count() == 0


def test_hiring_someone_never_reviewed_or_still_pending_is_refused(recruit) -> None:
    campaign, apps = recruit.notice()
    recruit.review(apps["mo3"].person, finish=False)
    with pytest.raises(ValidationError) as exc:
        services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign, hire_date=date(2026, 3, 10))
    assert exc.value.messages == ["only people cleared by the joint review can be hired: "
                                  "甘一（never put through a joint review）、莫三（joint review not finished）"]


def test_the_hire_date_cannot_be_in_the_future(recruit) -> None:
    from django.utils import timezone

    campaign, apps = recruit.notice()
    recruit.review(apps["gan1"].person, apps["mo3"].person)
    with pytest.raises(ValidationError, match="in the future"):
        services.campaign_hire(acting_user=recruit.users["county"], campaign=campaign,
                               hire_date=timezone.localdate().replace(year=timezone.localdate().year + 1))


def test_posts_must_be_villages_of_the_county(recruit) -> None:
    campaign = recruit.campaign()
    county = recruit.users["county"]
    for code in (f.GULIN_VILLAGE, f.YUSI):
        with pytest.raises(ValidationError, match="choose a village or community of this county"):
            services.campaign_post_add(acting_user=county, campaign=campaign, region=Region.objects.get(code=code))
    with pytest.raises(ValidationError, match="already offered"):
        services.campaign_post_add(acting_user=county, campaign=campaign, region=Region.objects.get(code=f.TANBA))
    assert campaign.posts.count() == 2


def test_only_a_draft_is_edited(recruit) -> None:
    campaign = recruit.campaign()
    services.campaign_update(acting_user=recruit.users["county"], campaign=campaign, max_age=40)
    event = AuditEvent.objects.get(action="recruitment.campaign_update")
    assert event.changes == {"max_age": [45, 40]}
    services.campaign_open(acting_user=recruit.users["county"], campaign=campaign)
    with pytest.raises(ValidationError, match="only a draft campaign can be edited"):
        services.campaign_update(acting_user=recruit.users["county"], campaign=campaign, max_age=50)
    assert Campaign.objects.get(pk=campaign.pk).max_age == 40
