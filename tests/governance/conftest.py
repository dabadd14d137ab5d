from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.governance.models import Checklist, ChecklistItem, ComplianceCheck, Decision, DecisionStep


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the msgids)."""
    with translation.override("en"):
        yield


def snapshot() -> tuple[Any, ...]:
    """Every row a governance service could touch."""
    return tuple(list(m.objects.order_by("pk").values()) for m in (Checklist, ChecklistItem, Decision, DecisionStep,
                                                                    ComplianceCheck)) + (AuditEvent.objects.exclude(action__startswith="access.").count(),)
