from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.tasks.models import IndicatorValue, ProgressUpdate, Task


def snapshot() -> tuple[Any, ...]:
    """Every row a task or indicator service could touch."""
    return (list(Task.objects.order_by("pk").values()), list(ProgressUpdate.objects.order_by("pk").values()),
            list(Task.owners.through.objects.order_by("pk").values()),
            list(IndicatorValue.objects.order_by("pk").values()), AuditEvent.objects.exclude(action__startswith="access.").count())


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the msgids); the pages' Chinese is the translations' business."""
    with translation.override("en"):
        yield
