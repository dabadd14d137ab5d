"""The joint review's services: the state machine, every refusal, and the status a candidate gets."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from lingtouyang.review import selectors, services
from lingtouyang.review.models import Candidate, ReviewRound, Rule, RuleSet, Verdict
from tests import factories as f
from tests.review.conftest import LUXIAN, Review

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (ReviewRound.objects.count(), Candidate.objects.count(), Verdict.objects.count(), RuleSet.objects.count(),
            Rule.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())


def refused(call: Any, *, message: str = "") -> ValidationError:
    """The call raises, and nothing at all was written (no row, no audit event)."""
    before = counts()
    with pytest.raises(ValidationError) as exc:
        call()
    assert counts() == before
    if message:
        assert message in " ".join(exc.value.messages)
    return exc.value


def test_default_rules_are_shipped() -> None:
    rule_set = RuleSet.objects.get(version=1)
    rules = list(rule_set.rules.all())
    attested = [r for r in rules if r.department_id]
    assert len(attested) >= 8
    age = {r.applies_to: r.parameter for r in rules if r.automatic == Rule.Check.MAX_AGE}
    assert age == {"principal": 60, "member": 65}


def test_a_round_moves_draft_open_closed_and_every_move_is_audited(review: Review) -> None:
    review_round = review.round()
    assert review_round.state == ReviewRound.State.DRAFT
    services.round_add_candidates(acting_user=review.users["county"], review_round=review_round, people=review.people)
    services.round_open(acting_user=review.users["county"], review_round=review_round)
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.OPEN and review_round.rule_set.version == 1
    for candidate in review_round.candidates.all():
        for who in ("police", "court"):
            services.verdict_record(acting_user=review.users[who], candidate=candidate, passed=True)
    services.round_close(acting_user=review.users["county"], review_round=review_round)
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.CLOSED
    actions = list(AuditEvent.objects.filter(action__startswith="review.").order_by("id").values_list("action", "region_code"))
    assert [a for a, _ in actions] == ["review.round_create", "review.candidates_add", "review.round_open",
                                       *["review.verdict"] * 6, "review.round_close"]
    assert {code for _, code in actions} == {LUXIAN}


def test_illegal_transitions_are_refused(review: Review) -> None:
    county = review.users["county"]
    draft = review.round()
    refused(lambda: services.round_close(acting_user=county, review_round=draft), message="cannot become")
    refused(lambda: services.round_open(acting_user=county, review_round=draft), message="at least one candidate")
    opened = review.open_round()
    refused(lambda: services.round_open(acting_user=county, review_round=opened), message="cannot become")
    late = f.make_person(f.TANBA, name="晚来者")
    refused(lambda: services.round_add_candidates(acting_user=county, review_round=opened, people=[late]),
            message="only be added while the round is a draft")
    services.round_close(acting_user=county, review_round=opened, force=True, reason="换届时间调整")
    candidate = opened.candidates.first()
    refused(lambda: services.verdict_record(acting_user=review.users["police"], candidate=candidate, passed=True),
            message="only be recorded while the round is open")
    refused(lambda: services.round_close(acting_user=county, review_round=opened, force=True, reason="x"))
    refused(lambda: services.round_open(acting_user=county, review_round=opened))


def test_closing_with_pending_verdicts_needs_force_and_a_reason(review: Review) -> None:
    county = review.users["county"]
    review_round = review.open_round()
    refused(lambda: services.round_close(acting_user=county, review_round=review_round), message="pending")
    refused(lambda: services.round_close(acting_user=county, review_round=review_round, force=True, reason=" "))
    services.round_close(acting_user=county, review_round=review_round, force=True, reason="选举推迟")
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.CLOSED and review_round.close_reason == "选举推迟"
    event = AuditEvent.objects.get(action="review.round_close")
    assert event.changes["reason"] == [None, "选举推迟"] and event.changes["pending"] == [None, 6]


def test_a_candidate_is_cleared_only_when_every_department_passed(review: Review) -> None:
    review_round = review.open_round()
    first, second, third = review_round.candidates.order_by("id")
    services.verdict_record(acting_user=review.users["police"], candidate=first, passed=True)
    services.verdict_record(acting_user=review.users["court"], candidate=first, passed=True)
    services.verdict_record(acting_user=review.users["police"], candidate=second, passed=False, reason="涉黑涉恶线索")
    services.verdict_record(acting_user=review.users["court"], candidate=second, passed=True)
    services.verdict_record(acting_user=review.users["court"], candidate=third, passed=True)
    matrix = selectors.round_matrix(review_round)
    assert [r.status for r in matrix.rows] == ["cleared", "failed", "pending"]
    failure = matrix.rows[1].failures[0]
    assert (failure.department.name, failure.decided_by.username, failure.reason) == ("公安", "luxian_police",
                                                                                      "涉黑涉恶线索")
    assert [(p.department.name, p.done, p.total) for p in matrix.progress] == [("公安", 2, 3), ("法院", 3, 3)]
    assert [p.department.name for p in matrix.laggards] == ["公安"]


def test_an_automatic_failure_blocks_even_when_every_department_passed(review: Review) -> None:
    old = f.make_person(f.TANBA, name="耿长青", born=date(1960, 3, 1))  # 66 at the election
    review_round = review.open_round(people=[old])
    candidate = review_round.candidates.get()
    auto = Verdict.objects.get(candidate=candidate, department=None)
    assert not auto.passed and auto.rule.code == "A01" and "66" in auto.reason
    for who in ("police", "court"):
        services.verdict_record(acting_user=review.users[who], candidate=candidate, passed=True)
    assert selectors.round_matrix(review_round).rows[0].status == "failed"


def test_member_candidates_are_held_to_the_member_age_limit(review: Review) -> None:
    person = f.make_person(f.TANBA, name="耿长青", born=date(1963, 3, 1))  # 63: too old to lead, fine as a member
    review_round = review.round()
    services.round_add_candidates(acting_user=review.users["county"], review_round=review_round, people=[person],
                                  standing_for=Candidate.StandingFor.MEMBER)
    services.round_open(acting_user=review.users["county"], review_round=review_round)
    auto = Verdict.objects.get(candidate__round=review_round, department=None)
    assert auto.passed and auto.rule.code == "A02"


@pytest.mark.parametrize("case", ["other department", "no department", "other county", "county admin", "fail without reason", "twice"])
def test_bad_verdicts_are_refused(case: str, review: Review) -> None:
    review_round = review.open_round()
    candidate = review_round.candidates.first()
    users = review.users
    if case == "twice":
        services.verdict_record(acting_user=users["police"], candidate=candidate, passed=True)
    call = {
        "other department": lambda: services.verdict_record(acting_user=users["petitions"], candidate=candidate,
                                                            passed=True),
        "no department": lambda: services.verdict_record(acting_user=users["reviewer"], candidate=candidate,
                                                         passed=True),
        "other county": lambda: services.verdict_record(acting_user=users["gulin_police"], candidate=candidate,
                                                        passed=True),
        "county admin": lambda: services.verdict_record(acting_user=users["county"], candidate=candidate,
                                                        passed=True),
        "fail without reason": lambda: services.verdict_record(acting_user=users["police"], candidate=candidate,
                                                               passed=False, reason="  "),
        "twice": lambda: services.verdict_record(acting_user=users["police"], candidate=candidate, passed=False,
                                                 reason="改判"),
    }[case]
    refused(call)


def test_bad_candidates_are_refused(review: Review) -> None:
    county = review.users["county"]
    review_round = review.round()
    refused(lambda: services.round_add_candidates(acting_user=county, review_round=review_round,
                                                  people=[review.people[0], review.gulin_person]),
            message="not on this county's roster")
    refused(lambda: services.round_add_candidates(acting_user=county, review_round=review_round,
                                                  people=[review.people[0], review.people[0]]),
            message="already a candidate")
    services.round_add_candidates(acting_user=county, review_round=review_round, people=[review.people[0]])
    refused(lambda: services.round_add_candidates(acting_user=county, review_round=review_round,
                                                  people=[review.people[0]]), message="already a candidate")
    refused(lambda: services.round_add_candidates(acting_user=county, review_round=review_round, people=[]))
    refused(lambda: services.round_add_candidates(acting_user=review.users["gulin_admin"], review_round=review_round,
                                                  people=[review.people[1]]), message="jurisdiction")


def test_rounds_are_refused_outside_the_county_or_without_departments(review: Review) -> None:
    county = review.users["county"]
    gulin = Region.objects.get(code=f.GULIN)
    refused(lambda: services.round_create(acting_user=county, region=gulin, name="越权", election_date=date(2026, 6, 1),
                                          departments=[review.police]), message="jurisdiction")
    refused(lambda: review.round(departments=[]), message="at least one department")
    refused(lambda: review.round(name="  "))
    township = Region.objects.get(code=f.YUSI)
    refused(lambda: services.round_create(acting_user=county, region=township, name="乡镇", election_date=date(2026, 6, 1),
                                          departments=[review.police]), message="held by a county")
    refused(lambda: services.round_create(acting_user=review.users["city"], region=Region.objects.get(code=LUXIAN),
                                          name="市里", election_date=date(2026, 6, 1), departments=[review.police]))


def test_publishing_a_version_keeps_past_verdicts_on_theirs(review: Review) -> None:
    old = f.make_person(f.TANBA, name="耿长青", born=date(1964, 3, 1))  # 62 at the election
    first = review.open_round(people=[old])
    v2 = services.ruleset_publish(acting_user=review.users["city"], effective_from=date(2026, 1, 1),
                                  note="放宽年龄", edits={"A01": {"parameter": 63}}, removed=["B13"],
                                  added=[{"code": "B14", "severity": "not_suitable", "text": "测试新增条件",
                                          "department": review.court, "applies_to": "all"}])
    assert v2.version == 2 and v2.rules.get(code="A01").parameter == 63
    assert not v2.rules.filter(code="B13").exists() and v2.rules.filter(code="B14").exists()
    assert RuleSet.objects.get(version=1).rules.get(code="A01").parameter == 60
    first.refresh_from_db()
    assert first.rule_set.version == 1
    assert Verdict.objects.get(candidate__round=first, department=None).rule.rule_set.version == 1
    second = review.open_round(people=[old], name="第二轮")
    auto = Verdict.objects.get(candidate__round=second, department=None)
    assert second.rule_set == v2 and auto.passed and auto.rule.rule_set == v2
    assert AuditEvent.objects.filter(action="ruleset.publish").count() == 1


def test_publishing_is_refused_for_bad_input_or_the_wrong_role(review: Review) -> None:
    city = review.users["city"]
    refused(lambda: services.ruleset_publish(acting_user=review.users["county"], effective_from=date(2026, 1, 1)))
    refused(lambda: services.ruleset_publish(acting_user=city, effective_from=date(2020, 1, 1)))
    refused(lambda: services.ruleset_publish(acting_user=city, effective_from=date(2026, 1, 1), removed=["ZZ"]))
    refused(lambda: services.ruleset_publish(acting_user=city, effective_from=date(2026, 1, 1),
                                             edits={"B01": {"text": ""}}))
    refused(lambda: services.ruleset_publish(acting_user=city, effective_from=date(2026, 1, 1),
                                             added=[{"code": "B01", "severity": "cannot", "text": "重复"}]))
