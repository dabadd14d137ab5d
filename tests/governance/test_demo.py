"""The demo's village decisions: consistent with the rules they are recorded under."""

import pytest

from lingtouyang.governance import quorum
from lingtouyang.governance.demo import demo_governance
from lingtouyang.governance.models import Decision, DecisionStep
from lingtouyang.governance.selectors import problems
from lingtouyang.regions.models import Region
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_decisions_follow_the_rules(users: dict) -> None:
    line = demo_governance("5105")
    assert "100 decisions" in line
    assert Decision.objects.filter(region_id=f.TANBA).count() >= 2
    assert Decision.objects.filter(failed=True).count() >= 3
    assert problems(users["city"], Region.objects.get(code=f.CITY)).filter(failed=False).exists()  # stuck ones
    for d in Decision.objects.prefetch_related("steps"):
        steps = sorted(d.steps.all(), key=lambda s: (s.step, s.id))
        assert [s.step for s in steps] == list(range(1, len(steps) + 1)), d.pk
        assert all(a.held_on <= b.held_on for a, b in zip(steps, steps[1:], strict=False))
        for s in steps:
            if s.body:
                assert s.passed == quorum.check(s.body, s.entitled, s.present, s.approve).passed
                if s.step == 4 and d.matter in quorum.ASSEMBLY_ONLY:
                    assert s.body != "representatives"
        assert d.steps_done == sum(1 for s in steps if s.passed) and d.failed == (not steps[-1].passed)
    assert not DecisionStep.objects.filter(merged=True).exists()  # no 一肩挑 villages without people
    assert demo_governance("5105") == ""
