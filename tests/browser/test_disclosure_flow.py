"""A month's finance statement (明白账) from draft to publication on phones: 谭坝村's cadre drafts and submits
it, the supervision committee reviews, the township approves and publishes; the ledger says "intact" and the
township's compliance page draws its chart. Assertions go by element ids and data, not wording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from lingtouyang.accounts.roles import Role
from lingtouyang.disclosure import ledger
from lingtouyang.disclosure.models import CatalogueItem, Disclosure
from tests import factories
from tests.browser.conftest import new_page

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
PHONE = {"width": 375, "height": 667}


def _log_in(browser: Any, server: str, username: str) -> Any:
    page = new_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click(".login button[type=submit]")
    page.wait_for_load_state()
    return page


def _step(page: Any, to: str) -> None:
    page.click(f"#actions form:has(input[value={to}]) button")
    page.wait_for_load_state()


def test_a_finance_statement_from_draft_to_ledger(browser, server) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    factories.make_user("tanba", Role.VILLAGE_CADRE, factories.TANBA)
    factories.make_user("tanba-jw", Role.SUPERVISOR, factories.TANBA)
    factories.make_user("yusi", Role.TOWNSHIP_OFFICER, factories.YUSI)
    item = CatalogueItem.objects.get(region_code=factories.CITY, code="F01")

    page = _log_in(browser, server, "tanba")
    page.goto(reverse("disclosure:create"))
    page.select_option("#id_item", str(item.pk))
    page.fill("#id_period_start", "2026-03-01")
    page.fill("#id_title", "谭坝村2026年3月财务收支明细")
    page.fill("#id_opening_balance", "1000.00")
    page.fill("#id_closing_balance", "1200.00")  # does not reconcile: refused, nothing saved
    page.fill("#id_lines", "income|上级补助|500.00\nexpense|办公费|200.00")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state()
    assert not Disclosure.objects.exists()
    assert page.locator(".errorlist").count() >= 1
    page.fill("#id_closing_balance", "1300.00")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/disclosure/*/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "disclosure-draft.png"), full_page=True)
    _step(page, "submitted")
    detail = page.url

    supervisor = _log_in(browser, server, "tanba-jw")
    supervisor.goto(detail)
    _step(supervisor, "reviewed")
    other = _log_in(browser, server, "yusi")
    for to in ("approved", "published"):
        other.goto(detail)
        _step(other, to)
    assert Disclosure.objects.get().state == "published"
    assert ledger.verify_village(factories.TANBA).ok

    other.goto(reverse("disclosure:ledger") + f"?region={factories.TANBA}")
    assert other.locator("#verify .ok").count() == 1
    other.goto(reverse("disclosure:compliance"))
    other.wait_for_selector("#chart-items svg")
    assert other.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    other.screenshot(path=str(SHOTS / "disclosure-compliance.png"), full_page=True)
