"""The assessment services: scheme rules, score entry, set-based grading, the cap, the workflow."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.assessments import engine, selectors, services
from lingtouyang.assessments.models import (
    Appeal,
    Consequence,
    ConsequenceKind,
    Grade,
    Result,
    ResultState,
    Scheme,
    Score,
)
from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from tests import factories as f
from tests.assessments.helpers import COUNTY, YEAR, cadres, components, enter, make_scheme

pytestmark = pytest.mark.django_db


def township() -> Region:
    return Region.objects.get(code=f.YUSI)


def test_scheme_weights_must_add_up_and_bands_descend(users: dict) -> None:
    county = Region.objects.get(code=COUNTY)
    with pytest.raises(ValidationError) as exc:
        services.scheme_create(acting_user=users["county"], region=county, year=YEAR, weight_regular=40,
                               weight_special=20, weight_annual=50)
    assert "100" in str(exc.value)
    with pytest.raises(ValidationError):
        services.scheme_create(acting_user=users["county"], region=county, year=YEAR, band_excellent=Decimal(70))
    assert not Scheme.objects.exists()


def test_only_the_county_defines_its_scheme(users: dict) -> None:
    with pytest.raises(ValidationError):
        services.scheme_create(acting_user=users["township"], region=Region.objects.get(code=COUNTY), year=YEAR)
    with pytest.raises(ValidationError):
        services.scheme_create(acting_user=users["county"], region=Region.objects.get(code=f.GULIN), year=YEAR)
    scheme = services.scheme_create(acting_user=users["county"], region=Region.objects.get(code=COUNTY), year=YEAR)
    assert AuditEvent.objects.filter(action="assessment.scheme_create", object_id=str(scheme.pk)).exists()


def test_a_special_component_names_its_task(users: dict) -> None:
    scheme = services.scheme_create(acting_user=users["county"], region=Region.objects.get(code=COUNTY), year=YEAR)
    with pytest.raises(ValidationError) as exc:
        services.component_add(acting_user=users["county"], scheme=scheme, kind="special", name="专项")
    assert "task" in exc.value.message_dict


def test_the_scheme_is_frozen_once_scores_exist(users: dict) -> None:
    scheme = make_scheme()
    people = cadres(1)
    enter(scheme, people, 80)
    with pytest.raises(ValidationError):
        services.scheme_update(acting_user=users["county"], scheme=scheme, excellent_cap=30)
    with pytest.raises(ValidationError):
        services.component_add(acting_user=users["county"], scheme=scheme, kind="regular", name="第三季度")
    assert Scheme.objects.get(pk=scheme.pk).excellent_cap == 20


def test_scores_are_refused_until_every_weighted_kind_has_a_component(users: dict) -> None:
    scheme = services.scheme_create(acting_user=None, region=Region.objects.get(code=COUNTY), year=YEAR)
    person = cadres(1)[0]
    with pytest.raises(ValidationError, match="component"):
        services.scores_record(acting_user=users["township"], scheme=scheme, township=township(), entries=[])
    assert not Result.objects.filter(person=person).exists()


def test_grades_are_computed_set_based_and_match_the_engine(users: dict) -> None:
    scheme = make_scheme()
    people = cadres(12)
    comps = components(scheme)
    rng = random.Random(7)
    table = {p.pk: [rng.randint(5000, 10000) for _ in comps] for p in people}
    services.scores_record(acting_user=users["township"], scheme=scheme, township=township(),
                           entries=[(pid, c.pk, v) for pid, vs in table.items() for c, v in zip(comps, vs, strict=True)])
    for r in Result.objects.filter(year=YEAR):
        vs = table[r.person_id]
        want = engine.weighted_points({"regular": vs[:2], "special": [vs[2]], "annual": [vs[3]]}, scheme.weights)
        assert r.score == Decimal(want) / 100
        assert r.computed_grade == r.grade == engine.grade_for(want, (9000, 7500, 6000))
        assert r.state == ResultState.DRAFT and r.region_id == f.TANBA


def test_a_missing_score_leaves_the_grade_open(users: dict) -> None:
    scheme = make_scheme()
    person = cadres(1)[0]
    comps = components(scheme)
    services.scores_record(acting_user=users["township"], scheme=scheme, township=township(),
                           entries=[(person.pk, c.pk, 9500) for c in comps[:3]])
    result = Result.objects.get(person=person, year=YEAR)
    assert result.score is None and result.grade == ""
    services.scores_record(acting_user=users["township"], scheme=scheme, township=township(),
                           entries=[(person.pk, comps[3].pk, 9500)])
    result.refresh_from_db()
    assert result.grade == Grade.EXCELLENT and result.score == Decimal("95.00")


def test_bad_scores_change_nothing(users: dict) -> None:
    scheme = make_scheme()
    person = cadres(1)[0]
    comp = components(scheme)[0]
    with pytest.raises(ValidationError, match="between 0 and 100"):
        services.scores_record(acting_user=users["township"], scheme=scheme, township=township(),
                               entries=[(person.pk, comp.pk, 8000), (person.pk, components(scheme)[1].pk, 10_001)])
    outsider = f.make_person(f.OTHER_TOWNSHIP_VILLAGE, name="外乡人")
    f.make_appointment(outsider)
    with pytest.raises(ValidationError, match="not assessed"):
        services.scores_record(acting_user=users["township"], scheme=scheme, township=township(),
                               entries=[(person.pk, comp.pk, 8000), (outsider.pk, comp.pk, 8000)])
    assert not Score.objects.exists() and not Result.objects.exists()


def test_a_township_officer_enters_only_their_township(users: dict) -> None:
    scheme = make_scheme()
    cadres(1)
    with pytest.raises(ValidationError, match="jurisdiction"):
        services.scores_record(acting_user=users["township"], scheme=scheme,
                               township=Region.objects.get(code="510521103000"), entries=[])


def _fill(scheme, users, excellent: int, competent: int) -> list:  # noqa: ANN001
    people = cadres(excellent + competent)
    enter(scheme, people[:excellent], 95, users["township"])
    enter(scheme, people[excellent:], 80, users["township"])
    return people


def test_submission_is_refused_over_the_cap_until_overridden_or_lowered(users: dict) -> None:
    scheme = make_scheme(cap=20)
    people = _fill(scheme, users, excellent=4, competent=6)  # 10 assessed: 2 allowed
    figures = services.township_figures(scheme, f.YUSI[:9])
    assert (figures["excellent"], figures["allowed"], figures["over"]) == (4, 2, 2)
    with pytest.raises(ValidationError, match="at most 2 allowed"):
        services.township_transition(acting_user=users["township"], scheme=scheme, township=township(),
                                     action="submit")
    assert not Result.objects.exclude(state=ResultState.DRAFT).exists()
    first, second = (Result.objects.get(person=p, year=YEAR) for p in people[:2])
    with pytest.raises(ValidationError):
        services.result_grade_set(acting_user=users["township"], result=first, grade=Grade.COMPETENT)  # no reason
    services.result_grade_set(acting_user=users["township"], result=first, grade=Grade.COMPETENT,
                              reason="群众满意度偏低")
    services.result_grade_set(acting_user=users["township"], result=second, grade=Grade.EXCELLENT,
                              override="牵头完成村集体经济项目")
    count = services.township_transition(acting_user=users["township"], scheme=scheme, township=township(),
                                         action="submit")
    assert count == 10 and set(Result.objects.values_list("state", flat=True)) == {ResultState.SUBMITTED}


def test_a_grade_is_never_raised_above_the_scores(users: dict) -> None:
    scheme = make_scheme()
    person = cadres(1)[0]
    enter(scheme, [person], 80)
    result = Result.objects.get(person=person)
    with pytest.raises(ValidationError, match="raised"):
        services.result_grade_set(acting_user=users["township"], result=result, grade=Grade.EXCELLENT)


def test_scores_cannot_change_after_submission(users: dict) -> None:
    scheme = make_scheme()
    people = _fill(scheme, users, excellent=0, competent=3)
    services.township_transition(acting_user=users["township"], scheme=scheme, township=township(), action="submit")
    with pytest.raises(ValidationError, match="no longer drafts"):
        enter(scheme, people[:1], 99, users["township"])
    assert Result.objects.get(person=people[0]).score == Decimal("80.00")


def test_workflow_needs_the_county_and_publishing_recognises_excellence(users: dict) -> None:
    scheme = make_scheme(cap=50)
    people = _fill(scheme, users, excellent=1, competent=2)
    t = township()
    services.township_transition(acting_user=users["township"], scheme=scheme, township=t, action="submit")
    with pytest.raises(ValidationError):
        services.township_transition(acting_user=users["township"], scheme=scheme, township=t, action="approve")
    with pytest.raises(ValidationError, match="why"):
        services.township_transition(acting_user=users["county"], scheme=scheme, township=t, action="return")
    services.township_transition(acting_user=users["county"], scheme=scheme, township=t, action="return",
                                 reason="请复核")
    services.township_transition(acting_user=users["township"], scheme=scheme, township=t, action="submit")
    services.township_transition(acting_user=users["county"], scheme=scheme, township=t, action="approve")
    assert selectors.training_priority_ids(YEAR) == set()  # approved is not published
    services.township_transition(acting_user=users["county"], scheme=scheme, township=t, action="publish")
    assert selectors.training_priority_ids(YEAR) == {people[0].pk}
    recognition = Consequence.objects.get(kind=ConsequenceKind.RECOGNITION)
    assert recognition.person_id == people[0].pk and recognition.automatic
    assert Result.objects.filter(published_on=timezone.localdate()).count() == 3
    assert selectors.published_grades([p.pk for p in people], YEAR)[people[1].pk] == Grade.COMPETENT
    actions = set(AuditEvent.objects.filter(action__startswith="assessment.township_").values_list("action", flat=True))
    assert actions == {f"assessment.township_{a}" for a in ("submit", "return", "approve", "publish")}


def _published(users: dict, grades: tuple[int, ...] = (95, 80, 50)) -> list:
    scheme = make_scheme(cap=100)
    people = cadres(len(grades))
    for p, g in zip(people, grades, strict=True):
        enter(scheme, [p], g)
    t = township()
    for action, who in [("submit", "township"), ("approve", "county"), ("publish", "county")]:
        services.township_transition(acting_user=users[who], scheme=scheme, township=t, action=action)
    return people


def test_an_appeal_is_the_cadres_own_within_the_period(users: dict) -> None:
    people = _published(users)
    result = Result.objects.get(person=people[1])
    cadre = f.make_user("cadre_appeal", "village_cadre", f.TANBA, person=people[1])
    other = f.make_user("cadre_other", "village_cadre", f.TANBA, person=people[2])
    with pytest.raises(ValidationError, match="only the assessed"):
        services.appeal_file(acting_user=other, result=result, reason="不服")
    appeal = services.appeal_file(acting_user=cadre, result=result, reason="专项考核成绩登记有误")
    with pytest.raises(ValidationError, match="already"):
        services.appeal_file(acting_user=cadre, result=result, reason="再次")
    assert appeal.grade_before == Grade.COMPETENT


def test_an_appeal_after_the_period_is_refused(users: dict, settings) -> None:  # noqa: ANN001
    people = _published(users)
    Result.objects.update(published_on=timezone.localdate() - timedelta(days=settings.LINGTOUYANG_ASSESSMENT_APPEAL_DAYS + 1))
    cadre = f.make_user("cadre_late", "village_cadre", f.TANBA, person=people[1])
    with pytest.raises(ValidationError, match="ended"):
        services.appeal_file(acting_user=cadre, result=Result.objects.get(person=people[1]), reason="迟到")
    assert not Appeal.objects.exists()


def test_a_changed_grade_is_what_pay_reads_and_recognition_follows(users: dict) -> None:
    people = _published(users)
    result = Result.objects.get(person=people[1])
    cadre = f.make_user("cadre_up", "village_cadre", f.TANBA, person=people[1])
    appeal = services.appeal_file(acting_user=cadre, result=result, reason="专项成绩漏计")
    with pytest.raises(ValidationError):
        services.appeal_decide(acting_user=users["township"], appeal=appeal, grade=Grade.EXCELLENT, reason="x")
    with pytest.raises(ValidationError, match="why"):
        services.appeal_decide(acting_user=users["county"], appeal=appeal, grade=Grade.EXCELLENT, reason=" ")
    services.appeal_decide(acting_user=users["county"], appeal=appeal, grade=Grade.EXCELLENT, reason="复核属实")
    result.refresh_from_db()
    assert result.grade == Grade.EXCELLENT and result.computed_grade == Grade.COMPETENT
    assert people[1].pk in selectors.training_priority_ids(YEAR)
    assert Consequence.objects.filter(result=result, kind=ConsequenceKind.RECOGNITION).exists()
    with pytest.raises(ValidationError, match="already been decided"):
        services.appeal_decide(acting_user=users["county"], appeal=appeal, grade=Grade.COMPETENT, reason="改")


def test_criticism_is_recorded_for_a_published_incompetent_only(users: dict) -> None:
    people = _published(users)
    bad, good = (Result.objects.get(person=p) for p in (people[2], people[1]))
    assert bad.grade == Grade.INCOMPETENT
    with pytest.raises(ValidationError):
        services.consequence_record(acting_user=users["township"], result=good, kind=ConsequenceKind.SELF_CRITICISM,
                                    on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.consequence_record(acting_user=users["township"], result=bad, kind=ConsequenceKind.RECOGNITION,
                                    on=timezone.localdate())
    item = services.consequence_record(acting_user=users["township"], result=bad,
                                       kind=ConsequenceKind.CIRCULATED_CRITICISM, on=timezone.localdate(), note="全镇通报")
    assert item.region_id == f.TANBA
    with pytest.raises(ValidationError):
        services.consequence_record(acting_user=users["village"], result=bad, kind=ConsequenceKind.SELF_CRITICISM,
                                    on=timezone.localdate())
