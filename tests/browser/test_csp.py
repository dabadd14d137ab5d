"""The Content-Security-Policy in a real browser: the main pages of each app, as the role that uses them, load
with no violation reported (no inline script, style or handler left), and still work: htmx swaps in the
region picker's suggestions and a click on one fills the form; the charts draw, their tooltips too; the
import's progress bar has its width; the portal's search suggests as one types."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from lingtouyang.accounts.roles import Role
from lingtouyang.people.models import ImportJob
from tests import factories
from tests.browser.conftest import log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page reports, collected before any of its own scripts run.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" +
                    e.lineNumber + " " + (e.sample || ""));
});
"""

PAGES = {
    "city": [
        "/", f"/regions/{factories.CITY}/", "/people/", "/reserves/", "/review/", "/elections/",
        "/elections/report/", "/recruitment/", "/training/", "/training/coverage/", "/assessments/", "/pay/",
        "/economy/", "/careers/", "/care/", "/tasks/", "/tasks/indicators/", "/governance/", "/disclosure/",
        "/disclosure/compliance/", "/disclosure/ledger/", "/oversight/", "/audit/", "/accounts/",
    ],
    "township": ["/people/new/", "/people/import/", "/appointments/", "/secondments/", "/social-work/"],
    "village": ["/disclosure/new/", "/governance/new/"],
}


class Watch:
    """A page whose CSP violations (DOM events and console reports) are collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", lambda msg: self.console.append(msg.text) if "Content Security Policy" in msg.text
                else None)

    def violations(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []")) + self.console

    def visit(self, url: str) -> list[str]:
        self.console.clear()  # the DOM's list starts afresh with each page; the console's must too
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        self.page.wait_for_load_state("load")
        return [f"{url}: {v}" for v in self.violations()]


@pytest.fixture
def watch(browser: Any, server: str) -> Iterator[Watch]:
    page = new_page(browser, server)
    yield Watch(page)
    page.context.close()


def test_the_main_pages_report_no_violation(watch: Watch, users: dict) -> None:
    found: list[str] = []
    for role, urls in PAGES.items():
        watch.page.context.clear_cookies()
        log_in(watch.page, role)
        for url in urls:
            found += watch.visit(url)
    assert found == []


def test_the_login_page_and_the_portal_report_no_violation(watch: Watch) -> None:
    found = watch.visit("/login/")
    for url in ("/open/", "/open/search/", f"/open/r/{factories.YUSI}/", f"/open/v/{factories.TANBA}/",
                f"/open/v/{factories.TANBA}/poster/", f"/open/verify/{factories.TANBA}/", "/open/feedback/"):
        found += watch.visit(url)
    assert found == []


def test_the_portal_search_suggests_as_one_types(watch: Watch) -> None:
    watch.visit("/open/search/")
    watch.page.fill("#q", "tbc")  # 谭坝村's pinyin initials
    watch.page.locator("#suggestions a", has_text="谭坝村").wait_for()
    assert watch.violations() == []


def test_htmx_and_the_region_picker_work(watch: Watch, users: dict) -> None:
    log_in(watch.page, "township")
    watch.visit("/people/new/")
    watch.page.fill("#region-search-region", "tbc")
    suggestion = watch.page.locator("#suggest-region button", has_text="谭坝村")
    suggestion.wait_for()  # htmx fetched and swapped in the suggestions
    suggestion.click()  # app.js: no onclick attribute any more
    assert watch.page.input_value("#id_region") == factories.TANBA
    assert "谭坝村" in watch.page.input_value("#region-search-region")
    assert watch.page.locator("#suggest-region button").count() == 0
    assert watch.violations() == []


def test_charts_draw_and_their_tooltips_show(watch: Watch, users: dict) -> None:
    factories.make_appointment(factories.make_person(factories.TANBA, name="甘守仁", born=date(1980, 1, 1)))
    log_in(watch.page, "city")
    watch.visit(f"/regions/{factories.YUSI}/")
    chart = watch.page.locator("#chart-children")  # its tooltip follows the axis: any point of the grid shows it
    chart.locator("svg, canvas").first.wait_for()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None and box["height"] > 100  # the height comes from the stylesheet, not an attribute
    # Hover across the chart until a tooltip shows: drawn in the chart's SVG, not as HTML with inline styles.
    texts = chart.locator("svg text").count()
    for step in range(1, 20):
        watch.page.mouse.move(box["x"] + box["width"] * step / 20, box["y"] + box["height"] / 2)
        if chart.locator("svg text").count() > texts:
            break
    assert chart.locator("svg text").count() > texts, "no tooltip appeared"
    assert watch.violations() == []


def test_the_import_progress_bar_has_its_width(watch: Watch) -> None:
    officer = factories.make_user("csp-officer", Role.TOWNSHIP_OFFICER, factories.YUSI)
    job = ImportJob.objects.create(created_by=officer, region_code=factories.YUSI, file_name="roster.xlsx",
                                   stored_path="/nonexistent", status=ImportJob.Status.RUNNING, rows_done=40,
                                   rows_total=100)
    log_in(watch.page, officer.username)
    watch.visit(f"/people/import/{job.pk}/")
    bar = watch.page.locator(".progress > div").first
    bar.wait_for()
    width = watch.page.evaluate("el => el.style.width", bar.element_handle())
    assert width == f"{job.percent}%"
    assert watch.violations() == []
