"""The main menu on a phone: folded behind one button so the page starts near the top, every link
reachable once it is opened; on a desk it is always open."""

from __future__ import annotations

import pytest

from lingtouyang.accounts.roles import Role
from tests import factories
from tests.browser.conftest import log_in, nav_click, new_page

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 667}


def test_the_menu_folds_on_a_phone(browser, server) -> None:  # noqa: ANN001
    factories.make_user("city-phone", Role.CITY_ADMIN, factories.CITY)
    page = new_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        log_in(page, "city-phone")
        nav = page.locator(".main-nav")
        assert not nav.is_visible()
        header = page.locator("header.top").bounding_box()
        assert header["height"] < 130, f"the folded header takes {header['height']}px"
        page.locator("label.nav-button").click()
        assert nav.is_visible()
        links = nav.locator("a")
        assert links.count() >= 8  # a city admin's menu
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box["height"] >= 30 and box["x"] + box["width"] <= 375, box  # one per line, easy to tap
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        nav_click(page, "/people/")
        page.wait_for_url("**/people/")
        assert not page.locator(".main-nav").is_visible()  # folded again on the new page
    finally:
        page.context.close()


def test_the_menu_is_open_on_a_desk(browser, server) -> None:  # noqa: ANN001
    factories.make_user("city-desk", Role.CITY_ADMIN, factories.CITY)
    page = new_page(browser, server, viewport={"width": 1280, "height": 800})
    try:
        log_in(page, "city-desk")
        assert page.locator(".main-nav").is_visible()
        assert not page.locator("label.nav-button").is_visible()
    finally:
        page.context.close()
