"""The city administrator publishes a new version of the eligibility rules in a real browser: the
editor from the rules page, a refused row, the preview, publishing, and what changed. Assertions go
by ids and data attributes, not wording (the Chinese catalogue of new strings may lag).

Screenshots go to /tmp/reviewer-day/ (REVIEWER_DAY_SHOTS overrides), to be looked at."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from lingtouyang.accounts.roles import Role
from lingtouyang.review.models import Department, RuleSet
from tests import factories
from tests.browser.conftest import log_in, new_page
from tests.browser.test_reviewer_day import _departments_and_rules, _shot

pytestmark = pytest.mark.browser


def _row(page: Any, code: str) -> Any:
    return page.locator(f"fieldset.rule[data-code='{code}']")


def test_city_publishes_a_new_version(browser, server) -> None:  # noqa: ANN001
    _departments_and_rules()
    factories.make_user("city-admin", Role.CITY_ADMIN, factories.CITY, first_name="市委组织部")
    court = Department.objects.get(name="法院")
    page = new_page(browser, server, viewport={"width": 1280, "height": 900})
    try:
        log_in(page, "city-admin")
        page.goto("/review/rules/")
        page.click("#new-version")
        page.wait_for_url("**/review/rules/new/")
        assert page.locator("fieldset.rule[data-code]").count() == RuleSet.objects.get(version=1).rules.count()

        _row(page, "A01").locator("input[name$='-parameter']").fill("58")
        _row(page, "B13").locator("input[name$='-remove']").check()
        new = page.locator("fieldset.rule.new").first
        new.locator("input[name$='-code']").fill("B14")
        new.locator("textarea").fill("不履行党员义务，经教育仍不改正的")
        new.locator("select[name$='-severity']").select_option("not_suitable")
        new.locator("select[name$='-automatic']").select_option("max_age")  # …but no parameter: refused
        page.fill("#id_effective_from", timezone.localdate().isoformat())
        page.click("button[name=publish]")
        page.wait_for_selector("#not-published")
        assert new.locator(".errorlist").count() == 1 and RuleSet.objects.count() == 1
        assert page.locator("fieldset.rule.has-errors").count() == 1
        _shot(page, "10-rules-editor-refused")

        # Attested by a department instead; the other changes were kept; preview, then publish.
        assert _row(page, "A01").locator("input[name$='-parameter']").input_value() == "58"
        assert _row(page, "B13").locator("input[name$='-remove']").is_checked()
        new.locator("select[name$='-automatic']").select_option("")
        new.locator("select[name$='-department']").select_option(str(court.pk))
        page.click("button[name=preview]")
        page.wait_for_selector("#preview")
        assert "A01" in page.inner_text("#diff-changed") and "B14" in page.inner_text("#diff-added")
        assert "B13" in page.inner_text("#diff-removed") and RuleSet.objects.count() == 1
        _shot(page, "11-rules-editor-preview")
        page.click("button[name=publish]")
        page.wait_for_url(re.compile(r"/review/rules/\?version=2&against=1$"))
        assert RuleSet.objects.get(version=2).rules.get(code="A01").parameter == 58
        assert page.get_attribute("tr[data-version='2']", "data-standing") == "in_force"
        assert page.get_attribute("tr[data-version='1']", "data-standing") == "superseded"
        assert "B13" in page.inner_text("#diff-removed")
        _shot(page, "12-rules-published")
    finally:
        page.context.close()
