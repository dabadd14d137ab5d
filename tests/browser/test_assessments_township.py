"""A township officer on a phone: scores entered on the grid, the cap breach shown, a grade overridden,
the results submitted; the county approves and publishes; the cadre sees their own grade."""

from __future__ import annotations

from typing import Any

import pytest

from lingtouyang.assessments.models import Result
from tests import factories as f
from tests.assessments.helpers import cadres, components, make_scheme
from tests.browser.conftest import log_in, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 375, "height": 800}}


def _overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_township_grades_on_a_phone(browser, server) -> None:  # noqa: ANN001
    users = {name: f.make_user(name, role, code) for name, (role, code) in f.ROLE_USERS.items()}
    scheme = make_scheme(cap=20)
    people = cadres(3)
    page = new_page(browser, server, **PHONE)
    log_in(page, "township")
    for comp in components(scheme):
        page.goto(f"/assessments/schemes/{scheme.pk}/townships/{f.YUSI}/scores/{comp.pk}/")
        assert _overflow(page) <= 0
        for i, p in enumerate(people):
            page.fill(f"input[name=s{p.pk}]", "95" if i == 0 else "80")
        page.click("#grid button[type=submit]")
        page.wait_for_selector(".messages")
    page.goto(f"/assessments/schemes/{scheme.pk}/townships/{f.YUSI}/")
    assert page.inner_text("#over") == "1"  # 3 assessed, 20%: no 优秀 without an override
    assert _overflow(page) <= 0
    best = Result.objects.get(person=people[0])
    page.goto(f"/assessments/results/{best.pk}/")
    page.click("#grade-form >> xpath=..")  # open the details
    page.fill("#id_override", "牵头完成村集体经济项目")
    page.click("#grade-form button[type=submit]")
    page.wait_for_selector(".messages")
    page.goto(f"/assessments/schemes/{scheme.pk}/townships/{f.YUSI}/")
    page.click("#actions button[value=submit]")
    page.wait_for_selector("#state")
    assert set(Result.objects.values_list("state", flat=True)) == {"submitted"}
    page.context.close()

    county = new_page(browser, server, **PHONE)
    log_in(county, "county")
    county.goto(f"/assessments/schemes/{scheme.pk}/townships/{f.YUSI}/")
    county.click("#actions button[value=approve]")
    county.wait_for_selector("#actions button[value=publish]")
    county.click("#actions button[value=publish]")
    county.wait_for_selector(".messages")
    assert set(Result.objects.values_list("state", flat=True)) == {"published"}
    county.context.close()

    f.make_user("cadre_b", "village_cadre", f.TANBA, person=people[0])
    cadre = new_page(browser, server, **PHONE)
    log_in(cadre, "cadre_b")
    cadre.goto("/assessments/mine/")
    text = cadre.inner_text("main")
    assert "优秀" in text and people[1].name not in text
    assert _overflow(cadre) <= 0
    cadre.context.close()
    assert users
