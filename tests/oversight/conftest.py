from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.oversight import services
from lingtouyang.oversight.models import Answer, Thread
from lingtouyang.regions.models import Region
from tests import factories as f


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    """Messages are asserted in English: services run in it, and pages are asked for it."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():  # noqa: ANN202
    """The rate limit lives in the cache: every test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


def snapshot() -> tuple[Any, ...]:
    """Every row a feedback service could touch; a refusal must leave it as it was."""
    return (list(Thread.objects.order_by("pk").values()), list(Answer.objects.order_by("pk").values()),
            AuditEvent.objects.exclude(action__startswith="access.").count())


def published_disclosure(village_code: str = f.TANBA, title: str = "2026年第3季度财务收支公开", **extra: Any) -> Any:
    """A published disclosure written straight to the table (the disclosure app's workflow is tested there)."""
    from lingtouyang.disclosure.models import CatalogueItem, Disclosure

    item = CatalogueItem.objects.order_by("sort_order", "id").first()
    if item is None:
        item = CatalogueItem.objects.create(region_code=f.CITY, code="T01", effective_from=date(2020, 1, 1),
                                            category="finance", title="财务收支", frequency="quarterly")
    data: dict[str, Any] = {"region_id": village_code, "item": item, "item_key": item.key, "period_label": "2026年第3季度",
                            "period_start": date(2026, 7, 1), "period_end": date(2026, 9, 30), "title": title,
                            "body": "收支明细见附表。", "state": Disclosure.State.PUBLISHED,
                            "published_at": timezone.now()}
    data.update(extra)
    return Disclosure.objects.create(**data)


@dataclass
class Setup:
    users: dict[str, Any]
    tanba: Region
    disclosure: Any

    def ask(self, *, today: date | None = date(2026, 11, 2), address: str = "203.0.113.7", **extra: Any) -> Thread:
        data: dict[str, Any] = {"kind": "question", "body": "请问修路的钱花在哪里了？", "address": address,
                                "disclosure": self.disclosure, "today": today}
        data.update(extra)
        return services.feedback_submit(**data)


@pytest.fixture
def setup(users) -> Setup:  # noqa: ANN001
    extra = {"gulin_officer": f.make_user("gulin_officer", "township_officer", "510525001000"),
             "other_village": f.make_user("other_village", "village_cadre", f.OTHER_YUSI_VILLAGE)}
    return Setup({**users, **extra}, Region.objects.get(code=f.TANBA), published_disclosure())
