"""QR check-in on a phone: 谭坝村's cadre scans the code projected at a 泸县 sitting, logs in on the way, and is
checked in; scanning again says they already are. The projected page shows the code that does this.
Assertions go by element ids and data attributes, not wording (the Chinese catalogue may lag)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from lingtouyang.accounts.roles import Role
from lingtouyang.training import tokens
from lingtouyang.training.models import Attendance
from tests import factories
from tests.browser.conftest import new_page
from tests.training.attendance_helpers import enrol, link, make_session, make_sitting

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
PHONE = {"width": 375, "height": 667}


@pytest.fixture
def sitting(server) -> Any:  # noqa: ANN001
    factories.make_user("tanba", Role.VILLAGE_CADRE, factories.TANBA, first_name="谭坝村干部")
    factories.make_user("yusi-officer", Role.TOWNSHIP_OFFICER, factories.YUSI, first_name="喻寺镇组织委员")
    person = factories.make_person(factories.TANBA, name="甘守仁")
    link(factories.User.objects.get(username="tanba"), person)
    sitting = make_sitting(make_session(title="泸县农村电商带头人培训班"), subject="直播带货实务")
    enrol(sitting.session, person)
    return sitting


def _log_in_here(page: Any, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click(".login button[type=submit]")


def test_a_cadre_checks_in_on_a_phone(browser, server, sitting) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        url = reverse("training:check_in", args=[tokens.make_token(sitting)])
        page.goto(url)
        assert "/login/" in page.url  # the scan leads to the log-in, which leads back
        _log_in_here(page, "tanba")
        page.wait_for_url(f"**{url}")
        result = page.locator("#checkin-result")
        assert result.get_attribute("data-result") == "ok"
        assert "泸县农村电商带头人培训班" in result.inner_text()
        # Nothing sticks out of a phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(SHOTS / "checkin.png"), full_page=True)
        assert Attendance.objects.filter(sitting=sitting, method="qr", enrolment__person__name="甘守仁").count() == 1

        page.goto(reverse("training:check_in", args=[tokens.make_token(sitting)]))
        assert page.locator("#checkin-result").get_attribute("data-result") == "already"
        page.screenshot(path=str(SHOTS / "checkin-again.png"), full_page=True)
        assert Attendance.objects.count() == 1
        # Their own record now offers to rate the session.
        page.goto(reverse("training:mine"))
        assert page.locator(f"form[action='{reverse('training:evaluate', args=[sitting.session.enrolments.get().pk])}']"
                            ).count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(SHOTS / "mine.png"), full_page=True)
    finally:
        page.context.close()


def test_the_projected_code_checks_a_cadre_in(browser, server, sitting) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    officer = new_page(browser, server, viewport={"width": 1280, "height": 800})
    phone = new_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        officer.goto(reverse("training:sitting_qr", args=[sitting.pk]))
        _log_in_here(officer, "yusi-officer")
        officer.wait_for_url(f"**{reverse('training:sitting_qr', args=[sitting.pk])}")
        box = officer.locator("#qr-code svg").bounding_box()
        assert box is not None and box["width"] >= 300  # large enough to scan from the back of the room
        officer.screenshot(path=str(SHOTS / "qr.png"))
        url = officer.locator("#qr-code .url").inner_text().strip()
        phone.goto(urlparse(url).path)
        _log_in_here(phone, "tanba")
        phone.wait_for_url(f"**{urlparse(url).path}")
        assert phone.locator("#checkin-result").get_attribute("data-result") == "ok"
        # Renewing voids the code shown before.
        officer.click("#renew-code button[type=submit]")
        officer.wait_for_load_state()
        phone.goto(urlparse(url).path)
        assert phone.locator("#checkin-result").get_attribute("data-result") == "renewed"
    finally:
        officer.context.close()
        phone.context.close()
