"""The assessment demo at city scale: a plausible published distribution, the cap respected in every
township, 红岩村's cadres 优秀 or 称职, consequences and appeals, and a second run that adds nothing."""

import pytest

from lingtouyang.assessments import engine, services
from lingtouyang.assessments.demo import HONGYAN, YEAR, demo_assessments
from lingtouyang.assessments.models import (
    Appeal,
    Consequence,
    ConsequenceKind,
    Grade,
    Result,
    ResultState,
    Scheme,
)
from lingtouyang.people.demo import generate, villages_without_people

pytestmark = pytest.mark.django_db
LUZHOU = "5105"


def test_city_demo() -> None:
    generate(villages_without_people(LUZHOU))
    line = demo_assessments(LUZHOU)
    assert line.startswith("assessment 2025")
    assert Scheme.objects.filter(year=YEAR).count() == 7
    results = Result.objects.filter(year=YEAR)
    total = results.count()
    assert total == len(services.assessed_regions(LUZHOU, YEAR)) > 5000
    assert set(results.values_list("state", flat=True)) == {ResultState.PUBLISHED}
    shares = {g: results.filter(grade=g).count() / total for g in Grade.values}
    assert 0.09 < shares[Grade.EXCELLENT] <= 0.20 and 0.65 < shares[Grade.COMPETENT] < 0.85
    assert 0.04 < shares[Grade.BASIC] < 0.12 and 0.005 < shares[Grade.INCOMPETENT] < 0.04
    # Every grade is the engine's, except those lowered to the cap and the one changed on appeal.
    differ = results.exclude(grade=models_computed())
    assert differ.exclude(grade_note="").count() == differ.count()
    for town in {r[:9] for r in results.values_list("region_id", flat=True)}:
        figures = services.township_figures(Scheme.objects.get(region_id=town[:6] + "000000", year=YEAR), town)
        assert figures["over"] == 0, town
    assert not results.filter(region_id=HONGYAN).exclude(grade__in=[Grade.EXCELLENT, Grade.COMPETENT]).exists()
    assert results.filter(region_id=HONGYAN).exists()
    assert (Consequence.objects.filter(kind=ConsequenceKind.RECOGNITION).count()
            >= results.filter(grade=Grade.EXCELLENT).count() - 1)
    assert Consequence.objects.filter(kind=ConsequenceKind.SELF_CRITICISM).count() == results.filter(
        computed_grade=Grade.INCOMPETENT).count()
    assert sorted(Appeal.objects.values_list("state", flat=True)) == ["changed", "upheld", "upheld"]
    r = results.exclude(score=None).first()
    assert r is not None and engine.grade_for(int(r.score * 100), (9000, 7500, 6000)) == r.computed_grade
    assert demo_assessments(LUZHOU) == ""
    assert Result.objects.filter(year=YEAR).count() == total


def models_computed():  # noqa: ANN201
    from django.db.models import F

    return F("computed_grade")
