"""村官区管 in a real browser: 喻寺镇's officer asks, from a newcomer's record, to appoint them (they were cleared
by the joint review); 泸县's organisation department finds the request awaiting approval and approves it; the
record then shows the post and the request, in time order. Assertions go by element ids and data, not
wording (the Chinese catalogue of new strings may lag)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lingtouyang.accounts.roles import Role
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.people.models import Appointment
from lingtouyang.regions.models import Region
from lingtouyang.review import seed, services
from lingtouyang.review.models import Department, Rule, RuleSet
from tests import factories
from tests.browser.conftest import log_in, new_page

pytestmark = pytest.mark.browser

LUXIAN = "510521000000"


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
def newcomer(server) -> Any:  # noqa: ANN001
    _departments_and_rules()
    factories.make_user("yusi-officer", Role.TOWNSHIP_OFFICER, factories.YUSI, first_name="喻寺镇组织委员")
    factories.make_user("luxian-admin", Role.COUNTY_ADMIN, LUXIAN, first_name="泸县组织部")
    person = factories.make_person(factories.TANBA, name="甘守仁", born=date(1988, 5, 17))
    police = Department.objects.get(name="公安")
    review_round = services.round_create(acting_user=None, region=Region.objects.get(code=LUXIAN), name="泸县补选联审",
                                         election_date=date(2026, 6, 1), departments=[police])
    candidate, = services.round_add_candidates(acting_user=None, review_round=review_round, people=[person])
    services.round_open(acting_user=None, review_round=review_round)
    services.verdict_record(acting_user=None, candidate=candidate, department=police, passed=True)
    return person


def test_a_township_asks_and_the_county_approves(browser, server, newcomer) -> None:  # noqa: ANN001
    page = new_page(browser, server, viewport={"width": 1280, "height": 900})
    try:
        log_in(page, "yusi-officer")
        page.goto(f"/people/{newcomer.pk}/")
        page.click(f"a[href='/appointments/new/?person={newcomer.pk}']")
        assert page.locator("#clearance b.ok").count() == 1
        assert page.locator(f"#found input[name=person][value='{newcomer.pk}']").is_checked()
        page.select_option("#id_post", "party_secretary")
        page.fill("#id_start_date", "2026-07-01")
        page.select_option("#id_basis", "by_election")
        page.click("main form[method=post] button[type=submit]")
        request = AppointmentRequest.objects.get(person=newcomer)
        page.wait_for_url(f"**/appointments/{request.pk}/")
        assert page.locator(f"form[action='/appointments/{request.pk}/approve/']").count() == 0
        assert not Appointment.objects.filter(person=newcomer).exists()
        page.context.clear_cookies()

        log_in(page, "luxian-admin")
        page.goto("/appointments/")
        page.click(f"#requests a[href='/appointments/{request.pk}/'] >> nth=0")
        page.click(f"form[action='/appointments/{request.pk}/approve/'] button")
        page.wait_for_selector("#state")
        assert AppointmentRequest.objects.get(pk=request.pk).state == "approved"
        made = Appointment.objects.get(person=newcomer)
        assert (made.post, made.start_date) == ("party_secretary", date(2026, 7, 1))

        page.goto(f"/people/{newcomer.pk}/")
        rows = page.locator("#history tbody tr")
        assert rows.count() == 2
        assert rows.nth(0).locator("td").first.inner_text() == "2026-07-01"  # the post, then the paperwork
        assert page.locator(f"#history a[href='/appointments/{request.pk}/']").count() == 1
    finally:
        page.context.close()
