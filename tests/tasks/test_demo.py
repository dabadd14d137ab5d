"""The demo's key tasks and indicators: the issue's figures, once."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from lingtouyang.tasks.demo import demo_tasks
from lingtouyang.tasks.models import IndicatorValue, ProgressUpdate, State, Task

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_issue_figures_and_runs_once() -> None:
    line = demo_tasks("5105")
    assert "90 done" in line
    assert Task.objects.filter(state=State.DONE).count() == 90
    assert Task.objects.overdue().exists() and Task.objects.filter(state=State.OPEN).count() > Task.objects.overdue().count()
    totals = dict(IndicatorValue.objects.values_list("indicator__code").annotate(t=Sum("value")))
    assert totals == {"roads_km": Decimal("238.6"), "agri_parks": Decimal(68), "industrial_base_mu": Decimal(20000)}
    # progress only ever comes from a report: every task's progress is its latest report's
    for task in Task.objects.all():
        latest = ProgressUpdate.objects.filter(task=task).order_by("-on", "-id").first()
        assert latest is not None and latest.percent == task.progress, task.pk
        assert (task.state == State.DONE) == (task.progress == 100)
        if task.done_on:
            assert latest.on == task.done_on
    assert demo_tasks("5105") == ""
