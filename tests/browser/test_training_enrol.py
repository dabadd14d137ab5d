"""The session page in a real browser, on a phone: it fits 375 px, a person is found by typing and
enrolled, and a rule batch goes through its preview to the confirm."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lingtouyang.training.models import Enrolment
from tests import factories as f
from tests.browser.conftest import log_in, new_page
from tests.training.test_planning_services import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 375, "height": 800}}


def _overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_county_enrols_on_a_phone(browser, server) -> None:  # noqa: ANN001
    address, chromium = server, browser
    users = {name: f.make_user(name, role, code) for name, (role, code) in f.ROLE_USERS.items()}
    plan = make_plan(users)
    session = plan.session(capacity=5, start=date(2026, 12, 1), end=date(2026, 12, 2))
    gan = f.make_person(f.TANBA, name="甘手机")
    f.make_people(f.OTHER_YUSI_VILLAGE, 2, surname="莫")
    page = new_page(chromium, address, **PHONE)
    log_in(page, "county")
    page.goto(f"/training/sessions/{session.pk}/")
    assert _overflow(page) <= 0
    page.fill("#person-search", "甘手")
    page.click("#person-results button")
    page.click("#enrol-one button[type=submit]")
    page.wait_for_selector("#enrolments >> text=甘手机")
    assert Enrolment.objects.filter(session=session, person=gan).exists()
    page.check("#enrol-rule input[value=all_cadres]")
    page.fill("#region-search-region", "510521102238")
    page.click("#suggest-region button")
    page.click("#enrol-rule button[type=submit]")
    page.wait_for_selector("#confirm")
    assert page.inner_text("#clean-count") == "2"
    assert _overflow(page) <= 0
    page.click("#confirm button[type=submit]")
    page.wait_for_selector("#free")
    assert page.inner_text("#free") == "2"
    assert Enrolment.objects.filter(session=session, via="rule").count() == 2
    page.context.close()
