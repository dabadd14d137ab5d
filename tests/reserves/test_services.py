"""Adding to a pool, changing status and recording merits: each change audited with the village's code;
each refusal translated, with nothing changed."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region
from lingtouyang.reserves import services
from lingtouyang.reserves.models import Merit, Reserve
from tests import factories as f
from tests.reserves.conftest import Pool

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return Reserve.objects.count(), Merit.objects.count(), Person.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()


def refused(message: str, call: Any) -> None:
    before = counts()
    with pytest.raises(ValidationError) as exc:
        call()
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert counts() == before


def test_an_officer_adds_a_person_to_a_villages_pool(pool: Pool) -> None:
    reserve = pool.add(posts=["party_secretary", "village_director", "party_secretary"])
    assert (reserve.status, reserve.source, reserve.posts) == ("active", "veteran", ["party_secretary", "village_director"])
    assert reserve.added_on == timezone.localdate() and reserve.created_by == pool.users["township"]
    event = AuditEvent.objects.get(action="reserve.add")
    assert (event.region_code, event.object_id, event.actor) == (f.TANBA, str(reserve.pk), pool.users["township"])
    assert event.changes["person"] == [None, pool.gan.pk]


def test_the_source_defaults_to_the_persons_own(pool: Pool) -> None:
    assert pool.add(source=None).source == pool.gan.source == "migrant_worker"


def test_a_person_out_of_scope_is_refused(pool: Pool) -> None:
    refused("this person is outside your jurisdiction", lambda: pool.add(person=pool.cen))
    refused("this person is outside your jurisdiction", lambda: pool.add(person=pool.pu, who="county"))


def test_a_village_out_of_scope_or_not_a_village_is_refused(pool: Pool) -> None:
    refused("outside your jurisdiction", lambda: pool.add(village=f.OTHER_TOWNSHIP_VILLAGE))
    refused("village or community", lambda: pool.add(village=f.YUSI))


def test_the_same_person_cannot_be_active_twice_in_one_pool(pool: Pool) -> None:
    first = pool.add()
    refused("甘守仁 is already in this village's reserve pool", lambda: pool.add(posts=["village_director"]))
    # …but may be again once the first entry ended, and may sit in another village's pool meanwhile.
    services.reserve_set_status(acting_user=pool.users["township"], reserve=first, status="withdrawn", reason="外出务工")
    assert pool.add().status == "active"
    assert pool.add(village=f.OTHER_YUSI_VILLAGE).status == "active"


def test_posts_are_required_and_must_fit_the_village(pool: Pool) -> None:
    refused("choose at least one post", lambda: pool.add(posts=[]))
    refused("no such post", lambda: pool.add(posts=["king"]))
    refused("", lambda: pool.add(posts=["community_director"]))  # a village has no residents' committee
    refused("choose a source category", lambda: pool.add(source="astronaut"))
    refused("the date added is in the future", lambda: pool.add(added_on=timezone.localdate() + timedelta(days=1)))


def test_refusals_are_translated(pool: Pool) -> None:
    pool.add()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        pool.add()
    assert "后备" in " ".join(exc.value.messages)


def test_withdraw_needs_a_reason_and_appointed_is_final(pool: Pool) -> None:
    reserve = pool.add()
    officer = pool.users["township"]
    refused("say why the reserve is withdrawn", lambda: services.reserve_set_status(
        acting_user=officer, reserve=reserve, status="withdrawn", reason="  "))
    refused("appointed or withdrawn", lambda: services.reserve_set_status(
        acting_user=officer, reserve=reserve, status="active"))
    services.reserve_set_status(acting_user=officer, reserve=reserve, status="appointed")
    reserve.refresh_from_db()
    assert (reserve.status, reserve.status_changed_on) == ("appointed", timezone.localdate())
    assert AuditEvent.objects.get(action="reserve.status").changes == {"status": ["active", "appointed"]}
    refused("only an active reserve", lambda: services.reserve_set_status(
        acting_user=officer, reserve=reserve, status="withdrawn", reason="调走"))


def test_status_and_merits_out_of_scope_are_refused(pool: Pool) -> None:
    reserve = pool.add(person=pool.pu, village=f.GULIN_VILLAGE, who="gulin_admin")
    for who in ("township", "county", "village"):
        refused("outside your jurisdiction", lambda who=who: services.reserve_set_status(
            acting_user=pool.users[who], reserve=reserve, status="withdrawn", reason="x"))
        refused("outside your jurisdiction", lambda who=who: services.merit_add(
            acting_user=pool.users[who], reserve=reserve, task="flood", description="抢险", done_on=date(2023, 7, 1)))


def test_a_merit_record_without_a_file(pool: Pool) -> None:
    reserve = pool.add()
    merit = services.merit_add(acting_user=pool.users["township"], reserve=reserve, task="epidemic",
                               description=" 值守卡点 ", done_on=date(2022, 11, 1))
    assert (merit.description, merit.has_evidence) == ("值守卡点", False)
    event = AuditEvent.objects.get(action="reserve.merit_add")
    assert event.region_code == f.TANBA and event.changes["task"] == [None, "epidemic"]


def test_a_merit_record_needs_a_task_a_description_and_a_past_date(pool: Pool) -> None:
    reserve = pool.add()
    officer = pool.users["township"]
    refused("choose the urgent task", lambda: services.merit_add(
        acting_user=officer, reserve=reserve, task="party", description="x", done_on=date(2022, 1, 1)))
    refused("say what the person did", lambda: services.merit_add(
        acting_user=officer, reserve=reserve, task="flood", description=" ", done_on=date(2022, 1, 1)))
    refused("the date is in the future", lambda: services.merit_add(
        acting_user=officer, reserve=reserve, task="flood", description="x",
        done_on=timezone.localdate() + timedelta(days=2)))


def test_a_new_person_is_created_through_the_roster_and_added(pool: Pool) -> None:
    tanba = Region.objects.get(code=f.TANBA)
    data = {"name": "邝新来", "ethnicity": "01", "political_status": "01", "education": "30", "phone": "",
            "source": "graduate"}
    reserve = services.reserve_add_new_person(
        acting_user=pool.users["township"], id_number=f.id_number("510521", date(1995, 4, 2)), person_data=data,
        region=tanba, posts=["village_director"])
    assert (reserve.person.name, reserve.person.region_id, reserve.source) == ("邝新来", f.TANBA, "graduate")
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"person.create", "reserve.add"}
    # A bad post refuses both: the person is not left behind on the roster.
    refused("choose at least one post", lambda: services.reserve_add_new_person(
        acting_user=pool.users["township"], id_number=f.id_number("510521", date(1996, 4, 2)), person_data=data,
        region=tanba, posts=[]))
