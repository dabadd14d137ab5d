"""Adding a person in a real browser: the village is picked by search-as-you-type (name or pinyin
initials), never from a drop-down of thousands; bad input comes back with the reason and saves nothing."""

from __future__ import annotations

from typing import Any

import pytest

from lingtouyang.people.models import Person
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _fill_person(page: Any, id_number: str) -> None:
    page.goto("/people/new/")
    page.fill("#id_name", "马仕彬")
    page.fill("#id_id_number", id_number)
    page.select_option("#id_political_status", "01")
    page.select_option("#id_education", "30")
    page.fill("#region-search-region", "tbc")  # 谭坝村's pinyin initials
    suggestion = page.locator("#suggest-region button", has_text="谭坝村")
    suggestion.wait_for()
    suggestion.click()
    assert page.input_value("#id_region") == factories.TANBA
    assert "谭坝村" in page.input_value("#region-search-region")


def test_officer_adds_a_person_picking_the_village_by_initials(page, officer) -> None:  # noqa: ANN001
    log_in(page, officer.username)
    number = factories.id_number("510521")
    _fill_person(page, number)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/people/*/")
    person = Person.objects.get(name="马仕彬")
    assert (person.region_id, person.full_id_number()) == (factories.TANBA, number)
    assert person.id_masked in page.content() and number not in page.content()


def test_a_wrong_check_character_is_shown_and_nothing_is_saved(page, officer) -> None:  # noqa: ANN001
    log_in(page, officer.username)
    number = factories.id_number("510521")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    _fill_person(page, wrong)
    page.click("form.card button[type=submit]")
    page.locator(".errorlist").first.wait_for()
    assert "校验位" in page.locator(".errorlist").all_inner_texts()[0]  # Chinese by default
    assert not Person.objects.exists()
