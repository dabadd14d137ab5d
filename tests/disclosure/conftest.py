from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from lingtouyang.disclosure import services
from lingtouyang.disclosure.models import CatalogueItem, Disclosure
from lingtouyang.regions.models import Region
from tests import factories as f


def item(code: str) -> CatalogueItem:
    return CatalogueItem.objects.get(region_code="510500000000", code=code, version=1)


def draft(user: Any, code: str = "V01", start: date = date(2026, 1, 1), village: str = f.TANBA,
          **extra: Any) -> Disclosure:
    data: dict[str, Any] = {"title": "2026年第一季度工作计划", "body": "全年计划……"}
    if item(code).is_finance:
        data.update(opening_balance="1000.00", closing_balance="1150.50",
                    lines=[{"kind": "income", "subject": "上级补助", "amount": "500.50"},
                           {"kind": "expense", "subject": "办公费", "amount": Decimal("350.00")}])
    data.update(extra)
    return services.disclosure_create(acting_user=user, village=Region.objects.get(code=village), item=item(code),
                                      period_start=start, **data)


def publish(users: dict[str, Any], d: Disclosure) -> Disclosure:
    services.disclosure_submit(acting_user=users["village"], disclosure=d)
    services.disclosure_review(acting_user=users["supervisor"], disclosure=d)
    services.disclosure_approve(acting_user=users["township"], disclosure=d)
    return services.disclosure_publish(acting_user=users["township"], disclosure=d)


@pytest.fixture
def published(users: dict[str, Any]) -> Disclosure:
    return publish(users, draft(users["village"]))
