"""Key tasks and indicator values through their services; every refusal changes nothing."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.regions.models import Region
from lingtouyang.tasks import services
from lingtouyang.tasks.models import Indicator, IndicatorValue, State, Task
from tests import factories as f
from tests.tasks.conftest import snapshot

pytestmark = pytest.mark.django_db


def refused(call: Callable[[], Any], message: str) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert message in " ".join(exc.value.messages), exc.value.messages
    assert snapshot() == before


def make_task(user: Any, code: str = f.TANBA, **changes: Any) -> Task:
    data: dict[str, Any] = {"region": Region.objects.get(code=code), "title": "村道硬化", "category": "infrastructure",
                            "start": date(2025, 1, 1), "deadline": date(2025, 12, 31), "responsible": "村委会"}
    data.update(changes)
    return services.task_create(acting_user=user, **data)


def test_a_task_is_created_with_owners_and_audited(users: dict[str, Any]) -> None:
    owner = f.make_person(f.TANBA, name="甘守仁")
    task = make_task(users["township"], owners=[owner])
    assert (task.state, task.progress, list(task.owners.all())) == (State.OPEN, 0, [owner])
    event = AuditEvent.objects.get(action="task.create")
    assert event.changes["owners"] == [None, [owner.pk]] and event.region_code == f.TANBA


def test_bad_tasks_are_refused(users: dict[str, Any]) -> None:
    township = users["township"]
    refused(lambda: make_task(township, title=" "), "this field is required")
    refused(lambda: make_task(township, category="space"), "choose a category")
    refused(lambda: make_task(township, deadline=date(2024, 1, 1)), "the deadline cannot come before the start")
    refused(lambda: make_task(township, responsible=""), "name the owners, or who is responsible")
    outsider = f.make_person(f.OTHER_YUSI_VILLAGE, name="莫怀远")
    refused(lambda: make_task(township, owners=[outsider]), "not registered in the task's region: 莫怀远")
    refused(lambda: make_task(township, code=f.OTHER_TOWNSHIP_VILLAGE), "outside your jurisdiction")
    refused(lambda: make_task(users["village"]), "outside your jurisdiction")  # no manage_tasks
    assert make_task(users["county"], code="510521000000").region_id == "510521000000"  # any level
    assert make_task(users["city"], code=f.CITY).region_id == f.CITY


def test_progress_moves_only_by_updates_and_100_means_done(users: dict[str, Any]) -> None:
    township = users["township"]
    task = make_task(township)
    services.task_progress(acting_user=township, task=task, on=date(2025, 3, 1), percent=40, note="路基完成")
    assert Task.objects.get(pk=task.pk).progress == 40
    refused(lambda: services.task_progress(acting_user=township, task=task, on=date(2025, 2, 1), percent=50),
            "a new one cannot come before it")
    refused(lambda: services.task_progress(acting_user=township, task=task, on=date(2025, 4, 1), percent=101),
            "a whole number from 0 to 100")
    refused(lambda: services.task_progress(acting_user=township, task=task, on=date(2024, 4, 1), percent=50),
            "before the task starts")
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused(lambda: services.task_progress(acting_user=township, task=task, on=tomorrow, percent=50), "in the future")
    services.task_progress(acting_user=township, task=task, on=date(2025, 6, 1), percent=100)
    task.refresh_from_db()
    assert (task.state, task.done_on, task.updates.count()) == (State.DONE, date(2025, 6, 1), 2)
    refused(lambda: services.task_progress(acting_user=township, task=task, on=date(2025, 7, 1), percent=100),
            "takes no more progress reports")
    refused(lambda: services.task_cancel(acting_user=township, task=task, reason="x"), "only a task in progress")
    assert AuditEvent.objects.filter(action="task.progress").count() == 2


def test_overdue_and_cancel(users: dict[str, Any]) -> None:
    township = users["township"]
    late = make_task(township, deadline=date(2025, 2, 1))
    make_task(township, deadline=timezone.localdate() + timedelta(days=30))
    assert list(Task.objects.overdue()) == [late] and late.is_overdue()
    refused(lambda: services.task_cancel(acting_user=township, task=late, reason=""), "this field is required")
    services.task_cancel(acting_user=township, task=late, reason="并入其他项目")
    assert not Task.objects.overdue().exists()


def test_update_keeps_progress_and_closed_tasks(users: dict[str, Any]) -> None:
    township = users["township"]
    task = make_task(township)
    services.task_progress(acting_user=township, task=task, on=date(2025, 3, 1), percent=30)
    services.task_update(acting_user=township, task=task, title="村道硬化二期", category="infrastructure",
                         start=date(2025, 1, 1), deadline=date(2026, 6, 30), responsible="村委会")
    task.refresh_from_db()
    assert (task.title, task.progress, task.deadline) == ("村道硬化二期", 30, date(2026, 6, 30))
    assert AuditEvent.objects.get(action="task.update").changes["deadline"] == ["2025-12-31", "2026-06-30"]
    refused(lambda: services.task_update(acting_user=township, task=task, title="x", category="infrastructure",
                                         start=date(2025, 4, 1), deadline=date(2026, 6, 30), responsible="x"),
            "progress was reported on 2025-03-01")


def test_indicator_values_are_recorded_replaced_and_audited(users: dict[str, Any]) -> None:
    roads = Indicator.objects.get(code="roads_km")
    township, tanba = users["township"], Region.objects.get(code=f.TANBA)
    services.indicator_value_record(acting_user=township, indicator=roads, region=tanba, year=2024, value="3.456")
    row = services.indicator_value_record(acting_user=township, indicator=roads, region=tanba, year=2024, value="4")
    assert IndicatorValue.objects.get().value == Decimal("4.00") and row.period == "2024"
    assert [e.changes["value"] for e in AuditEvent.objects.filter(action="indicator.value").order_by("id")] == [
        [None, "3.46"], ["3.46", "4.00"]]
    refused(lambda: services.indicator_value_record(acting_user=township, indicator=roads, region=tanba, year=2024,
                                                    value="-1"), "not negative")
    refused(lambda: services.indicator_value_record(acting_user=township, indicator=roads, region=tanba, year=2024,
                                                    value="lots"), "a number")
    refused(lambda: services.indicator_value_record(acting_user=township, indicator=roads, region=tanba, year=2024,
                                                    month=13, value="1"), "a month from 1 to 12")
    refused(lambda: services.indicator_value_record(acting_user=township, indicator=roads, region=tanba,
                                                    year=timezone.localdate().year + 1, value="1"), "a year from 2000")
    other = Region.objects.get(code=f.GULIN_VILLAGE)
    refused(lambda: services.indicator_value_record(acting_user=township, indicator=roads, region=other, year=2024,
                                                    value="1"), "outside your jurisdiction")


def test_only_the_city_defines_indicators(users: dict[str, Any]) -> None:
    refused(lambda: services.indicator_create(acting_user=users["county"], code="wells", name="水井", unit="口"),
            "indicators are defined by the city")
    refused(lambda: services.indicator_create(acting_user=users["city"], code="roads_km", name="x", unit="km"),
            "this code is taken")
    made = services.indicator_create(acting_user=users["city"], code="wells", name="新建水井", unit="口")
    assert made.position > Indicator.objects.get(code="industrial_base_mu").position
