"""The pages of appointments and dismissals, and the person's record, as their users use them."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.accounts.roles import Role
from lingtouyang.appointments import services
from lingtouyang.appointments.models import AppointmentRequest
from lingtouyang.people.models import Appointment
from tests import factories as f
from tests.appointments.conftest import World, review, snapshot

pytestmark = pytest.mark.django_db
State = AppointmentRequest.State


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def test_a_by_election_from_request_to_record(world: World) -> None:
    """The township asks from the person page, the county approves from its queue, the record shows both."""
    township = login("township")
    person_page = township.get(reverse("people:detail", args=[world.gan.pk])).content.decode()
    create_url = reverse("appointments:create") + f"?person={world.gan.pk}"
    assert create_url in person_page
    form = township.get(create_url).content.decode()
    assert "甘守仁" in form and "cleared" in form
    found = township.get(reverse("appointments:create"), {"q": "gsr"}, HTTP_HX_REQUEST="true").content.decode()
    assert "甘守仁" in found and "岑立新" not in found  # 得胜镇 is not this township's
    response = township.post(reverse("appointments:create"), {
        "person": world.gan.pk, "region": f.TANBA, "post": "party_secretary", "start_date": "2026-07-01",
        "basis": "by_election", "term": ""})
    request = AppointmentRequest.objects.get(person=world.gan)
    assert response.status_code == 302 and response["Location"] == reverse("appointments:detail", args=[request.pk])
    assert not Appointment.objects.filter(person=world.gan).exists()

    county = login("county")
    waiting = county.get(reverse("appointments:list")).content.decode()
    assert "甘守仁" in waiting
    detail = county.get(reverse("appointments:detail", args=[request.pk])).content.decode()
    assert reverse("appointments:approve", args=[request.pk]) in detail
    response = county.post(reverse("appointments:approve", args=[request.pk]))
    assert response.status_code == 302
    assert Appointment.objects.get(person=world.gan).post == "party_secretary"
    # Decided: no longer awaiting approval, still in the full list.
    assert "甘守仁" not in county.get(reverse("appointments:list")).content.decode()
    assert "甘守仁" in county.get(reverse("appointments:list"), {"state": "all"}).content.decode()

    history = township.get(reverse("people:detail", args=[world.gan.pk])).content.decode()
    assert "Took up the post" in history and "appointment to a post requested" in history and "approved" in history
    assert "by-election" in history


def test_an_uncleared_person_is_refused_with_the_reason_and_a_link_to_the_round(world: World) -> None:
    failed = review(world.gan, False)
    county = login("county")
    before = snapshot()
    response = county.post(reverse("appointments:create") + f"?person={world.gan.pk}", {
        "person": world.gan.pk, "region": f.TANBA, "post": "party_secretary", "start_date": "2026-07-01",
        "basis": "by_election"})
    page = response.content.decode()
    assert response.status_code == 200 and "is not cleared by the joint qualification review: failed" in page
    assert reverse("review:detail", args=[failed.pk]) in page
    assert snapshot() == before


def test_someone_out_of_scope_cannot_be_picked(world: World) -> None:
    township = login("township")
    before = snapshot()
    response = township.post(reverse("appointments:create"), {
        "person": world.cen.pk, "region": f.OTHER_TOWNSHIP_VILLAGE, "post": "party_secretary",
        "start_date": "2026-07-01", "basis": "by_election"})
    assert response.status_code == 200 and "no such person on your roster" in response.content.decode()
    assert "岑立新" not in response.content.decode()
    assert snapshot() == before
    assert township.get(reverse("appointments:create"), {"person": world.cen.pk}).status_code == 200
    assert "岑立新" not in township.get(reverse("appointments:create"), {"person": world.cen.pk}).content.decode()


def test_ending_a_post_needs_a_reason(world: World) -> None:
    township = login("township")
    url = reverse("appointments:end", args=[world.mo_post.pk])
    assert url in township.get(reverse("people:detail", args=[world.mo.pk])).content.decode()
    before = snapshot()
    response = township.post(url, {"kind": "dismiss", "end_date": "2026-06-30", "reason": ""})
    assert response.status_code == 200 and "needs a reason" in response.content.decode()
    assert snapshot() == before
    response = township.post(url, {"kind": "dismiss", "end_date": "2026-06-30", "reason": "连续两年考核不称职"})
    request = AppointmentRequest.objects.get(appointment=world.mo_post)
    assert response.status_code == 302 and request.kind == "dismiss"
    # Another request about the same post, while this one waits: refused, with the number of the first.
    response = township.post(url, {"kind": "resign", "end_date": "2026-06-30", "reason": "辞职"})
    assert f"awaiting approval (no. {request.pk})" in response.content.decode()
    county = login("county")
    county.post(reverse("appointments:approve", args=[request.pk]))
    assert Appointment.objects.get(pk=world.mo_post.pk).end_reason == "连续两年考核不称职"
    page = county.get(reverse("people:detail", args=[world.mo.pk])).content.decode()
    assert "Left the post" in page and "连续两年考核不称职" in page
    assert url not in page  # ended: nothing more to end


def test_the_township_cannot_approve_and_out_of_scope_is_404(world: World) -> None:
    request = world.appoint()
    township = login("township")
    page = township.get(reverse("appointments:detail", args=[request.pk])).content.decode()
    assert reverse("appointments:approve", args=[request.pk]) not in page
    assert reverse("appointments:withdraw", args=[request.pk]) in page
    before = snapshot()
    assert township.post(reverse("appointments:approve", args=[request.pk])).status_code == 404
    assert township.post(reverse("appointments:reject", args=[request.pk]), {"reason": "不"}).status_code == 404
    gulin = login("gulin_admin")
    for name in ("detail", "approve", "withdraw"):
        method = gulin.get if name == "detail" else gulin.post
        assert method(reverse(f"appointments:{name}", args=[request.pk])).status_code == 404
    assert login("village").get(reverse("appointments:list")).status_code == 403
    assert snapshot() == before


def test_refusals_on_the_detail_page_say_why_and_change_nothing(world: World) -> None:
    request = world.appoint()
    county = login("county")
    before = snapshot()
    response = county.post(reverse("appointments:reject", args=[request.pk]), {"reason": ""})
    assert response.status_code == 200 and "say why the request is rejected" in response.content.decode()
    response = county.post(reverse("appointments:withdraw", args=[request.pk]))
    assert response.status_code == 200 and "only whoever filed a request can withdraw it" in response.content.decode()
    assert snapshot() == before
    county.post(reverse("appointments:reject", args=[request.pk]), {"reason": "人选不符合要求"})
    response = county.post(reverse("appointments:approve", args=[request.pk]))
    assert response.status_code == 200
    assert "a request that is rejected cannot become approved" in response.content.decode()
    assert "人选不符合要求" in response.content.decode()


def test_the_requester_withdraws(world: World) -> None:
    request = world.appoint()
    response = login("township").post(reverse("appointments:withdraw", args=[request.pk]))
    assert response.status_code == 302
    assert AppointmentRequest.objects.get(pk=request.pk).state == State.WITHDRAWN


def test_the_list_filters_by_state_and_kind(world: World) -> None:
    world.appoint()
    ending = world.end()
    services.request_withdraw(acting_user=world.users["township"], request=ending)
    county = login("county")
    assert "莫怀远" not in county.get(reverse("appointments:list")).content.decode()  # awaiting approval first
    page = county.get(reverse("appointments:list"), {"state": "withdrawn"}).content.decode()
    assert "莫怀远" in page and "甘守仁" not in page
    page = county.get(reverse("appointments:list"), {"state": "all", "kind": "appoint"}).content.decode()
    assert "甘守仁" in page and "莫怀远" not in page
    page = login("township").get(reverse("appointments:list")).content.decode()  # a requester sees all
    assert "甘守仁" in page and "莫怀远" in page


def test_the_record_shows_everything_to_requesters_and_the_record_to_other_readers(world: World) -> None:
    first = world.end(reason="因病辞职")
    services.request_approve(acting_user=world.users["county"], request=first)
    successor = f.make_appointment(world.mo, post="party_deputy", start=date(2026, 7, 1))
    rejected = world.end(kind="dismiss", reason="群众反映强烈", appointment=successor, end_date=date(2026, 8, 15))
    services.request_reject(acting_user=world.users["county"], request=rejected, reason="事实不清")
    page = login("township").get(reverse("people:detail", args=[world.mo.pk])).content.decode()
    history = page[page.index('id="history"'):]
    days = re.findall(r"<tr>\s*<td>(\d{4}-\d{2}-\d{2})</td>", history)
    # Taken up, left, taken up again, then the two requests (filed today): in time order.
    assert days[:3] == ["2021-03-01", "2026-06-30", "2026-07-01"] and len(days) == 5 and days == sorted(days)
    for word in ("因病辞职", "群众反映强烈", "事实不清", "resignation requested", "dismissal requested", "rejected"):
        assert word in history
    f.make_user("mo_village", Role.VILLAGE_CADRE, f.OTHER_YUSI_VILLAGE)
    other = login("mo_village").get(reverse("people:detail", args=[world.mo.pk])).content.decode()
    assert "因病辞职" in other and "事实不清" not in other  # a reader of the roster sees the approved record
    assert reverse("appointments:create") not in other and "End…" not in other


def test_the_correction_page_cannot_end_or_reopen_a_post(world: World) -> None:
    township = login("township")
    url = reverse("people:appointment_edit", args=[world.mo_post.pk])
    page = township.get(url).content.decode()
    assert 'name="end_date"' not in page and reverse("appointments:end", args=[world.mo_post.pk]) in page
    response = township.post(url, {"region": world.mo_post.region_id, "post": "party_member", "term": "",
                                   "start_date": "2021-03-02", "end_date": "2026-01-01", "end_reason": "辞职"})
    assert response.status_code == 302
    corrected = Appointment.objects.get(pk=world.mo_post.pk)
    assert (corrected.start_date, corrected.end_date) == (date(2021, 3, 2), None)
    request = world.end()
    services.request_approve(acting_user=world.users["county"], request=request)
    response = township.post(url, {"region": world.mo_post.region_id, "post": "party_member", "term": "",
                                   "start_date": "2021-03-02", "end_date": "", "end_reason": ""})
    assert response.status_code == 200  # an ended post's end may be corrected, not removed
    assert Appointment.objects.get(pk=world.mo_post.pk).end_date == date(2026, 6, 30)


def test_the_old_direct_route_is_gone() -> None:
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("people:appointment_create", args=[1])
