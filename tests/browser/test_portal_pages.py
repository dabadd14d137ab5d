"""The public portal on a phone (375 px): search, counter, village, disclosure and verification pages, each
checked with axe-core (zero serious or critical violations) and for horizontal overflow."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lingtouyang.regions.models import Region
from tests import factories as f
from tests.browser.conftest import new_page

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def portal_dir(tmp_path: Any, settings: Any) -> Any:
    settings.PORTAL_DIR = tmp_path / "portal"
    settings.REDIS_URL = ""
    return settings.PORTAL_DIR


def _axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v["impact"] in ("serious", "critical")]


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _published(users: dict[str, Any]) -> Any:
    from tests.disclosure.conftest import draft, publish

    publish(users, draft(users["village"], code="F01"))
    return publish(users, draft(users["village"], start=date(2026, 4, 1), title="2026年第二季度工作计划"))


def test_portal_on_a_phone(browser, server, transactional_db, users, portal_dir) -> None:  # noqa: ANN001
    d = _published(users)  # publication renders the village's pages (on commit)
    tanba = Region.objects.get(code=f.TANBA)
    page = new_page(browser, server, **PHONE)
    problems: dict[str, list[str]] = {}

    page.goto("/open/")
    page.wait_for_function("document.getElementById('visits').textContent.trim() !== '…'")
    assert page.locator("#visits").inner_text().strip().replace(",", "").isdigit()
    problems["home"] = _axe_problems(page)
    assert _fits(page)

    # Suggestions as you type (the script), then the results page (the form, as without script).
    page.fill("#q", tanba.initials)
    page.wait_for_selector(f"#suggestions a[href='/open/v/{f.TANBA}/']")
    page.select_option("#region", "510521000000")
    page.click(".search button[type=submit]")
    page.wait_for_url("**/open/search/**")
    problems["search"] = _axe_problems(page)
    assert _fits(page)
    page.click(f".results a[href='/open/v/{f.TANBA}/']")

    page.wait_for_url(f"**/open/v/{f.TANBA}/")
    assert page.locator("h1").inner_text() == tanba.name
    problems["village"] = _axe_problems(page)
    assert _fits(page)

    page.click(f"a[href='/open/v/{f.TANBA}/d/{d.pk}/']")
    page.wait_for_url(f"**/d/{d.pk}/")
    problems["disclosure"] = _axe_problems(page)
    assert _fits(page)

    page.click("a[href*='/open/verify/']")
    page.wait_for_url("**/open/verify/**")
    assert page.locator(".verdict.ok").first.is_visible()
    assert page.locator(".verdict.ok").count() == 2  # the chain, and this disclosure's entry
    problems["verify"] = _axe_problems(page)
    assert _fits(page)
    page.fill("#hash", "not-a-hash")
    page.click("form.search button[type=submit]")
    assert page.locator("#hash-error").is_visible()
    problems["verify-error"] = _axe_problems(page)

    page.goto(f"/open/v/{f.TANBA}/d/{d.pk - 1}/")  # the finance disclosure: its table scrolls within itself
    problems["finance"] = _axe_problems(page)
    assert _fits(page)
    page.goto(f"/open/v/{f.TANBA}/poster/")
    assert page.locator("svg.qr").is_visible()
    problems["poster"] = _axe_problems(page)
    page.context.close()
    assert not {k: v for k, v in problems.items() if v}
