"""A department reviewer's day in a real browser. A county administrator opens a joint review round;
泸县's 公安 reviewer, on a phone, sees only their department's queue in their county, passes one
candidate, is refused a fail without a reason, fails the other with one, and sees what they recorded;
the county then sees each department's progress, the failure and its reason, who lags, and prints
the candidate's form. Assertions go by element ids and data, not wording (the Chinese catalogue of
new strings may lag); the one message asserted is the service's own, in the page's language.

Screenshots go to /tmp/reviewer-day/ (REVIEWER_DAY_SHOTS overrides), to be looked at."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from lingtouyang.accounts.roles import Role
from lingtouyang.review import seed, services
from lingtouyang.review.models import Department, ReviewRound, Rule, RuleSet, Verdict
from tests import factories
from tests.browser.conftest import log_in, nav_click, new_page

pytestmark = pytest.mark.browser

LUXIAN = "510521000000"
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("REVIEWER_DAY_SHOTS", "/tmp/reviewer-day"))
ROUND_NAME = "泸县2026年村“两委”换届任职资格联审"
PASSED, FAILED = "甘守仁", "莫怀远"  # the two candidates
FAIL_REASON = "近5年内因赌博受过行政拘留"
COURT_REASON = "法院的理由不给公安看"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _departments_and_rules() -> None:
    """live_server's flush empties the tables the migration seeded; put the defaults back (idempotent)."""
    departments = {}
    for order, (code, name) in enumerate(seed.DEPARTMENTS):
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    if RuleSet.objects.exists():
        return
    rule_set = RuleSet.objects.create(version=1, effective_from=date(2021, 1, 1), note="默认规则")
    Rule.objects.bulk_create(
        Rule(rule_set=rule_set, code=code, severity=severity, text=text, automatic=automatic, parameter=parameter,
             department=departments.get(dept) if dept else None, applies_to=applies_to, order=order)
        for order, (code, severity, dept, automatic, parameter, applies_to, text) in enumerate(seed.RULES))


@pytest.fixture
def world(server) -> dict[str, Any]:  # noqa: ANN001
    _departments_and_rules()
    users = {
        "county": factories.make_user("luxian-admin", Role.COUNTY_ADMIN, LUXIAN, first_name="泸县组织部"),
        "police": factories.make_user("luxian-police", Role.DEPT_REVIEWER, LUXIAN, department="公安",
                                      first_name="泸县公安局审查员"),
        "court": factories.make_user("luxian-court", Role.DEPT_REVIEWER, LUXIAN, department="法院"),
        "gulin": factories.make_user("gulin-admin", Role.COUNTY_ADMIN, factories.GULIN),
    }
    people = {
        PASSED: factories.make_person(factories.TANBA, name=PASSED, born=date(1980, 5, 17)),
        FAILED: factories.make_person(factories.OTHER_TOWNSHIP_VILLAGE, name=FAILED, born=date(1975, 1, 2)),
    }
    # Another county's open round, with its own candidate: not for 泸县's police to see.
    gulin_person = factories.make_person(factories.GULIN_VILLAGE, name="蒲永昌", born=date(1982, 8, 8))
    police, court = Department.objects.get(name="公安"), Department.objects.get(name="法院")
    from lingtouyang.regions.models import Region

    gulin_round = services.round_create(acting_user=users["gulin"], region=Region.objects.get(code=factories.GULIN),
                                        name="古蔺县联审", election_date=date(2026, 6, 1), departments=[police, court])
    services.round_add_candidates(acting_user=users["gulin"], review_round=gulin_round, people=[gulin_person])
    services.round_open(acting_user=users["gulin"], review_round=gulin_round)
    return {"users": users, "people": people, "police": police, "court": court}


def _county_opens_a_round(browser: Any, server: str, world: dict[str, Any]) -> ReviewRound:
    page = new_page(browser, server, viewport={"width": 1280, "height": 900})
    try:
        log_in(page, "luxian-admin")
        page.goto("/review/")
        page.click("a[href='/review/new/']")
        page.fill("#id_name", ROUND_NAME)
        page.fill("#id_election_date", "2026-06-01")
        for department in ("公安", "法院", "信访"):
            page.check(f"input[name=departments][value='{Department.objects.get(name=department).pk}']")
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"/review/\d+/candidates/$"))
        for name in (PASSED, FAILED):
            page.fill("#candidate-search", name)  # found as one types (htmx)
            box = page.locator(f"#found input[value='{world['people'][name].pk}']")
            box.check()
            page.click("main form[method=post] button[type=submit]")
            page.wait_for_selector(f"#candidates td:text-is('{name}')")
        assert page.locator("#candidates tbody tr").count() == 2
        _shot(page, "01-county-candidates")
        round_id = int(page.url.rstrip("/").split("/")[-2])
        page.click(f"a.btn[href='/review/{round_id}/']")
        page.click("form[action$='/open/'] button")
        page.wait_for_selector("#matrix")
        review_round = ReviewRound.objects.get(name=ROUND_NAME)
        assert review_round.state == ReviewRound.State.OPEN
        return review_round
    finally:
        page.context.close()


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone: {width}px wide"


def _card(page: Any, name: str) -> Any:
    return page.locator("main form.card").filter(has_text=name)


def test_a_department_reviewers_day(browser, server, world) -> None:  # noqa: ANN001
    review_round = _county_opens_a_round(browser, server, world)
    passed, failed = (review_round.candidates.get(person__name=n) for n in (PASSED, FAILED))
    # Another department has already decided one of them, with a reason the police must not see.
    services.verdict_record(acting_user=world["users"]["court"], candidate=failed, passed=False, reason=COURT_REASON)

    page = new_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        log_in(page, "luxian-police")
        nav_click(page, "/review/queue/")
        page.wait_for_url("**/review/queue/")
        _shot(page, "02-reviewer-queue")
        _fits(page)
        cards = page.locator("main form.card")
        assert cards.count() == 2
        text = page.inner_text("main")
        assert PASSED in text and FAILED in text
        assert "蒲永昌" not in text, "another county's candidate is in the queue"
        assert COURT_REASON not in text, "another department's verdict shows"

        # Pass the first.
        _card(page, PASSED).locator("input[name=passed][value='1']").check()
        _card(page, PASSED).locator("button[type=submit]").tap()
        page.wait_for_selector("main form.card", state="attached")
        assert cards.count() == 1 and page.locator(".messages li.success").count() == 1

        # Fail the second without a reason: refused, the message shows on its card, nothing recorded.
        card = _card(page, FAILED)
        card.locator("input[name=passed][value='0']").check()
        card.locator("button[type=submit]").tap()
        page.wait_for_load_state()
        with translation.override(page.get_attribute("html", "lang")):
            needs_reason = translation.gettext("a fail needs a reason")
        card = _card(page, FAILED)
        assert needs_reason in card.locator(".errorlist").inner_text()
        assert card.locator("input[name=passed][value='0']").is_checked(), "the chosen verdict was lost"
        _shot(page, "03-reviewer-refused")
        _fits(page)
        assert not Verdict.objects.filter(candidate=failed, department=world["police"]).exists()

        # With a reason it is recorded.
        card.locator("input[name=reason]").fill(FAIL_REASON)
        card.locator("button[type=submit]").tap()
        page.wait_for_selector("#done")
        assert page.locator("main form.card").count() == 0
        done = page.locator("#done tbody tr")
        assert done.count() == 2
        rows = {r.locator("td").first.inner_text(): r for r in done.all()}
        assert set(rows) == {PASSED, FAILED}
        assert rows[FAILED].locator(".bad").count() == 1 and FAIL_REASON in rows[FAILED].inner_text()
        assert rows[PASSED].locator(".ok").count() == 1
        assert COURT_REASON not in page.inner_text("main")
        _shot(page, "04-reviewer-done")
        _fits(page)

        # The rules the verdicts are given under: readable on the phone, not editable.
        nav_click(page, "/review/rules/")
        page.wait_for_selector("#rules")
        assert page.locator("#rules tbody tr").count() == RuleSet.objects.get(version=1).rules.count()
        assert page.locator("#new-version").count() == 0
        _shot(page, "06-reviewer-rules")
        _fits(page)
    finally:
        page.context.close()
    verdicts = Verdict.objects.filter(candidate__round=review_round, department=world["police"])
    assert {(v.candidate_id, v.passed, v.reason, v.decided_by.username) for v in verdicts} == {
        (passed.pk, True, "", "luxian-police"), (failed.pk, False, FAIL_REASON, "luxian-police")}

    # The county follows: progress per department, who lags, the failures and their reasons, the form.
    page = new_page(browser, server, viewport={"width": 1280, "height": 900})
    try:
        log_in(page, "luxian-admin")
        page.goto(f"/review/{review_round.pk}/")
        progress = {r.locator("td").first.inner_text().split()[0]: r.locator("td.num").inner_text()
                    for r in page.locator("#progress tbody tr").all()}
        assert progress == {"公安": "2/2", "法院": "1/2", "信访": "0/2"}
        laggards = page.locator("#laggards").inner_text()
        assert "信访" in laggards and "法院" in laggards and "公安" not in laggards
        assert laggards.index("信访") < laggards.index("法院"), "the furthest behind comes first"
        failures = page.inner_text("#failures")
        assert FAIL_REASON in failures and "公安" in failures and COURT_REASON in failures
        status = {r.locator("td").first.inner_text().split()[0]: r.get_attribute("data-status")
                  for r in page.locator("#matrix tbody tr").all()}
        assert status == {PASSED: "pending", FAILED: "failed"}
        _shot(page, "05-county-progress")

        link = page.locator("#matrix tbody tr").filter(has_text=FAILED).locator("a[href$='form.pdf']")
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
    finally:
        page.context.close()
