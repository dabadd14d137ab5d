"""A village cadre records a decision's steps on a phone; the indicators page draws its charts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lingtouyang.accounts.roles import Role
from lingtouyang.regions.models import Region
from lingtouyang.tasks.models import Indicator, IndicatorValue
from tests import factories
from tests.browser.conftest import log_in, new_page

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 667}


def test_a_village_cadre_records_steps_on_a_phone(browser, server) -> None:  # noqa: ANN001
    factories.make_user("tanba-phone", Role.VILLAGE_CADRE, factories.TANBA)
    page = new_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        log_in(page, "tanba-phone")
        page.goto("/governance/new/")
        page.fill("#id_title", "村道维修")
        page.select_option("#id_matter", "project")
        page.fill("#id_amount", "30000")
        page.click("#decision-form button[type=submit]")
        page.wait_for_url("**/governance/*/")
        page.fill("#id_held_on", "2025-05-01")
        page.click("#step-form button[type=submit]")
        page.wait_for_selector("#steps tbody tr:nth-child(1) .ok")
        page.fill("#id_held_on", "2025-05-02")
        page.click("#step-form button[type=submit]")
        page.wait_for_selector("#steps tbody tr:nth-child(2) .ok")
        page.fill("#id_held_on", "2025-05-03")
        page.fill("#id_entitled", "30")
        page.fill("#id_present", "18")
        page.fill("#id_approve", "18")
        page.click("#step-form button[type=submit]")
        page.wait_for_selector("#steps tbody tr:nth-child(3) .bad")  # 18 of 30 is short of two-thirds
        page.fill("#id_held_on", "2025-05-01")  # before the last meeting: refused, nothing recorded
        page.fill("#id_entitled", "30")
        page.fill("#id_present", "25")
        page.fill("#id_approve", "20")
        page.click("#step-form button[type=submit]")
        page.wait_for_selector("#step-form .errorlist")
        assert page.locator("#steps tbody tr").count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        page.context.close()


def test_the_indicators_page_draws_a_chart(browser, server) -> None:  # noqa: ANN001
    factories.make_user("city-indicators", Role.CITY_ADMIN, factories.CITY)
    roads, _ = Indicator.objects.get_or_create(code="roads_km", defaults={"name": "新改建农村公路", "unit": "km"})
    for year, value in [(2023, "12.5"), (2024, "30")]:
        IndicatorValue.objects.create(indicator=roads, region=Region.objects.get(code=factories.YUSI), year=year,
                                      value=Decimal(value))
    page = new_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        log_in(page, "city-indicators")
        page.goto("/tasks/indicators/")
        assert "42.5 km" in page.locator("#totals").inner_text()
        page.wait_for_selector(".chart svg")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        page.context.close()
