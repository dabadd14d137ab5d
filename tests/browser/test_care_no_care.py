"""Care on a phone (375 px): 喻寺镇's officer opens "no care this year", follows a cadre to record hardship
assistance, is refused a negative amount with the reason beside the field, corrects it, and the cadre leaves
the list. Assertions go by element ids and data, not wording (the Chinese catalogue of new strings may lag)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lingtouyang.care.models import CareRecord
from tests import factories
from tests.browser.conftest import log_in, new_page

pytestmark = pytest.mark.browser


@pytest.fixture
def cadre(server, officer) -> Any:  # noqa: ANN001
    person = factories.make_person(factories.TANBA, name="甘待关怀", born=date(1966, 5, 17))
    factories.make_appointment(person)
    return person


def test_a_township_records_care_for_someone_without_any(browser, server, cadre) -> None:  # noqa: ANN001
    page = new_page(browser, server, viewport={"width": 375, "height": 800})
    try:
        log_in(page, "yusi-officer")
        page.goto("/care/none-this-year/")
        assert "甘待关怀" in page.locator("#without").inner_text()
        page.click(f"#without a[href='/care/new/?person={cadre.pk}']")
        page.select_option("#id_kind", "hardship")
        page.fill("#id_by_whom", "喻寺镇党委书记")
        page.fill("#id_amount", "-500")
        page.click("#care-form button[type=submit]")
        assert page.locator("#id_amount ~ .errorlist").count() == 1
        assert not CareRecord.objects.exists()
        page.fill("#id_amount", "1500")
        page.click("#care-form button[type=submit]")
        page.wait_for_url("**/care/*/")
        record = CareRecord.objects.get()
        assert (record.person_id, str(record.amount)) == (cadre.pk, "1500.00")
        assert "1500.00" in page.locator("#record").inner_text()
        page.goto("/care/none-this-year/")
        assert "甘待关怀" not in page.locator("#without").inner_text()
        # Usable at 375 px: nothing wider than the screen but the tables' own scrolling boxes.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        page.context.close()
