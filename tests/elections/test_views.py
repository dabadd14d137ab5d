"""The pages and the API of term elections, as a township officer and a county admin use them."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from lingtouyang.elections import services
from lingtouyang.elections.models import Election, ElectionCandidate
from lingtouyang.people.models import Appointment
from tests import factories as f
from tests.elections.conftest import World

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def state() -> tuple[Any, ...]:
    return (list(Election.objects.order_by("pk").values()), list(ElectionCandidate.objects.order_by("pk").values()),
            Appointment.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())


def text(response: Any) -> str:
    return response.content.decode()


def test_a_term_election_from_plan_to_certificate(world: World) -> None:
    township, county = login("township"), login("county")
    gan, bai, tong, hou, wei, _qi = world.tanba
    response = township.post(reverse("elections:create"), {
        "region": f.TANBA, "kind": "committee", "election_date": "2026-03-15", "deputies": 0, "members": 2})
    election = Election.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("elections:detail", args=[election.pk])
    assert election.seats == {"village_director": 1, "village_member": 2, "supervision_chair": 1,
                              "supervision_member": 2}
    page = text(township.get(reverse("elections:detail", args=[election.pk])))
    assert "Add a candidate" in page and "闻未审" in page  # the village's roster to choose from
    assert "莫怀远" not in page  # another village's person is not offered

    url = reverse("elections:candidate_add", args=[election.pk])
    before = state()
    refused = township.post(url, {"person": world.unreviewed.pk, "post": "village_member"})
    assert refused.status_code == 200 and "闻未审 has not been cleared by the joint review (never reviewed)" in text(refused)
    refused = township.post(url, {"person": world.neighbour.pk, "post": "village_member"})
    assert refused.status_code == 200 and "not on this village&#x27;s roster" in text(refused)
    assert state() == before
    for person, post in [(gan, "village_director"), (bai, "village_director"), (tong, "village_member"),
                         (hou, "village_member"), (wei, "village_member")]:
        assert township.post(url, {"person": person.pk, "post": post}).status_code == 302
    page = text(county.get(reverse("elections:detail", args=[election.pk])))
    assert page.count(">cleared<") == 5

    candidates = {c.person_id: c for c in ElectionCandidate.objects.filter(election=election)}
    votes = {gan.pk: 700, bai.pk: 90, tong.pk: 600, hou.pk: 500, wei.pk: 500}

    def results(**changes: Any) -> dict[str, Any]:
        data = {"electorate": 1000, "ballots_cast": 800, **{f"votes_{candidates[p].pk}": v for p, v in votes.items()}}
        return {**data, **changes}

    results_url = reverse("elections:results", args=[election.pk])
    before = state()
    response = township.post(results_url, results(ballots_cast=1200))
    assert "1200 ballots cast is more than the electorate of 1000" in text(response)
    response = township.post(results_url, results(**{f"votes_{candidates[gan.pk].pk}": 801}))
    assert "甘守仁 has 801 votes, more than the 800 ballots cast" in text(response)
    response = township.post(results_url, results(**{f"votes_{candidates[bai.pk].pk}": 200}))
    assert "add up to 900" in text(response)
    assert state() == before
    # A tie for the second member seat: 侯佑民 and 危振邦 both 500. That seat stays unfilled.
    assert township.post(results_url, results()).status_code == 302
    page = text(township.get(reverse("elections:detail", args=[election.pk])))
    assert "Valid: more than half of the electorate voted." in page
    assert "villagers&#x27; committee member: 1 seat unfilled" in page and "A tie for the last seat." in page
    assert "Certify the results" not in page  # the township does not certify
    assert township.post(reverse("elections:certify", args=[election.pk])).status_code == 404

    page = text(county.get(reverse("elections:detail", args=[election.pk])))
    assert "Certify the results" in page
    assert page.count(">elected<") == 2
    response = county.post(reverse("elections:certify", args=[election.pk]))
    assert response.status_code == 302
    made = Appointment.objects.filter(term=2026)
    assert sorted((a.person_id, a.post) for a in made) == sorted([(gan.pk, "village_director"),
                                                                  (tong.pk, "village_member")])
    history = text(county.get(reverse("elections:history", args=[f.TANBA])))
    assert "Elections in 谭坝村" in history and "certified" in history and "800/1000" in history


def test_an_invalid_election_says_so_and_the_county_cannot_certify_it(world: World) -> None:
    election = world.election(seats={"village_deputy": 0, "village_member": 0, "supervision_member": 0})
    township = login("township")
    township.post(reverse("elections:candidate_add", args=[election.pk]), {"person": world.tanba[0].pk,
                                                                          "post": "village_director"})
    candidate = ElectionCandidate.objects.get()
    assert township.post(reverse("elections:results", args=[election.pk]), {
        "electorate": 1000, "ballots_cast": 400, f"votes_{candidate.pk}": 390}).status_code == 302
    county = login("county")
    assert "Not valid" in text(county.get(reverse("elections:detail", args=[election.pk])))
    before = state()
    response = county.post(reverse("elections:certify", args=[election.pk]))
    assert response.status_code == 200 and "the election is not valid: 400 of 1000 voted" in text(response)
    assert state() == before
    response = county.post(reverse("elections:cancel", args=[election.pk]), {"reason": ""})
    assert response.status_code == 200 and state() == before
    assert "say why the election is cancelled" in text(response)
    assert county.post(reverse("elections:cancel", args=[election.pk]), {"reason": "投票率不足，重新选举"}).status_code == 302
    assert Election.objects.get().state == Election.State.CANCELLED


def test_planning_out_of_scope_is_refused_and_other_villages_are_not_found(world: World) -> None:
    township = login("township")
    before = state()
    response = township.post(reverse("elections:create"), {
        "region": f.OTHER_TOWNSHIP_VILLAGE, "kind": "party", "election_date": "2026-03-15", "deputies": 1, "members": 3})
    assert response.status_code == 200 and "this is outside your jurisdiction" in text(response)
    response = township.post(reverse("elections:create"), {
        "region": f.YUSI, "kind": "party", "election_date": "2026-03-15", "deputies": 1, "members": 3})
    assert "an election is held by a village or community" in text(response)
    assert state() == before
    from lingtouyang.elections import services
    from lingtouyang.regions.models import Region

    elsewhere = services.election_create(acting_user=None, region=Region.objects.get(code=f.OTHER_TOWNSHIP_VILLAGE),
                                         kind="party", election_date=world.election().election_date)
    for name in ("detail", "candidate_add", "results", "cancel"):
        method = township.get if name == "detail" else township.post
        assert method(reverse(f"elections:{name}", args=[elsewhere.pk])).status_code == 404
    assert township.get(reverse("elections:history", args=[f.OTHER_TOWNSHIP_VILLAGE])).status_code == 404
    assert login("village").get(reverse("elections:create")).status_code == 403


def test_the_list_filters_by_term_state_and_region(world: World) -> None:
    from lingtouyang.elections import services
    from lingtouyang.regions.models import Region

    party = world.election("party")
    world.election()
    services.election_create(acting_user=None, region=Region.objects.get(code=f.OTHER_YUSI_VILLAGE), kind="party",
                             election_date=party.election_date)
    services.election_cancel(acting_user=None, election=party, reason="x")
    county = login("county")

    def rows(**params: Any) -> int:
        page = text(county.get(reverse("elections:list"), params))
        return len(re.findall(r'href="/elections/\d+/"', page))

    assert rows() == 3
    assert rows(region=f.TANBA) == 2
    assert rows(state="cancelled") == 1
    assert rows(term="2021") == 0 and rows(term="2026") == 3
    assert rows(region="5105251") == 0  # 古蔺县: nothing of 泸县's
    assert "up to 12 digits" in text(county.get(reverse("elections:list"), {"region": "谭坝"}))
    # 古蔺县's admin sees none of 泸县's elections.
    f.make_user("gulin_admin", "county_admin", f.GULIN)
    assert "谭坝村" not in text(login("gulin_admin").get(reverse("elections:list")))


# --- the API ------------------------------------------------------------------------------------


def api(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def test_the_api_plans_an_election_adds_candidates_and_shows_the_outcome(world: World) -> None:
    client = api("township")
    response = client.post(reverse("api:election-list"), {"region": f.TANBA, "kind": "party",
                                                          "election_date": "2026-03-15", "seats": {"party_member": 2}},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    election_id = response.json()["id"]
    assert response.json()["seats"] == {"party_secretary": 1, "party_deputy": 1, "party_member": 2}
    before = state()
    response = client.post(reverse("api:election-candidate-list"), {
        "election": election_id, "person": world.failed.pk, "post": "party_member"}, content_type="application/json")
    assert response.status_code == 400 and "裘不归 has not been cleared" in str(response.json())
    response = client.post(reverse("api:election-candidate-list"), {
        "election": election_id, "person": world.tanba[0].pk, "post": "village_member"}, content_type="application/json")
    assert response.status_code == 400 and state() == before
    response = client.post(reverse("api:election-candidate-list"), {
        "election": election_id, "person": world.tanba[0].pk, "post": "party_secretary"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["name"] == "甘守仁"

    listed = client.get(reverse("api:election-list"), {"term": "2026"}).json()["results"]
    assert [e["id"] for e in listed] == [election_id] and listed[0]["village"] == "谭坝村"
    detail = client.get(reverse("api:election-detail", args=[election_id])).json()
    assert [c["name"] for c in detail["candidates"]] == ["甘守仁"] and detail["valid"] is None
    assert detail["outcomes"] == []
    assert client.get(reverse("api:election-candidate-list"), {"election": election_id}).json()["results"][0]["post"] \
        == "party_secretary"
    # Reading is everyone's who reads the roster; writing is not.
    village = api("village")
    assert village.get(reverse("api:election-detail", args=[election_id])).status_code == 200
    assert village.post(reverse("api:election-list"), {}, content_type="application/json").status_code == 403


def test_the_api_records_results_and_the_county_certifies(world: World) -> None:
    township, county = api("township"), api("county")
    election = world.election(kind="party")
    secretary = services.candidate_add(acting_user=world.users["township"], election=election, person=world.tanba[0],
                                       post="party_secretary")
    results = reverse("api:election-results", args=[election.pk])
    before = state()
    for bad in ({"electorate": 50, "ballots_cast": 60, "votes": {str(secretary.pk): 40}},  # more ballots than voters
                {"electorate": 50, "ballots_cast": 40, "votes": {str(secretary.pk): 45}},  # more votes than ballots
                {"electorate": 50, "ballots_cast": 40, "votes": {"abc": 1}}):
        response = township.post(results, bad, content_type="application/json")
        assert response.status_code == 400, (bad, response.content)
        assert state() == before
    response = township.post(results, {"electorate": 50, "ballots_cast": 40, "votes": {str(secretary.pk): 35}},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["ballots_cast"]) == ("held", 40)
    certify = reverse("api:election-certify", args=[election.pk])
    assert township.post(certify, {}, content_type="application/json").status_code == 403
    assert Election.objects.get(pk=election.pk).state == "held"
    response = county.post(certify, {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "certified"
    made = Appointment.objects.get(person=world.tanba[0], post="party_secretary", term=election.term)
    assert (made.region_id, made.start_date, made.end_date) == (f.TANBA, election.election_date, None)
    # A certified election is final: it cannot be cancelled, and nothing changes.
    before = state()
    response = county.post(reverse("api:election-cancel", args=[election.pk]), {"reason": "重选"},
                           content_type="application/json")
    assert response.status_code == 400 and state() == before


def test_the_api_cancels_a_planned_election_with_a_reason(world: World) -> None:
    election = world.election()
    cancel = reverse("api:election-cancel", args=[election.pk])
    assert api("township").post(cancel, {}, content_type="application/json").status_code == 400
    response = api("township").post(cancel, {"reason": "选举日期调整"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert Election.objects.get(pk=election.pk).cancel_reason == "选举日期调整"


def test_the_api_is_in_the_schema(world: World) -> None:
    schema = api("city").get(reverse("api:schema"), {"format": "json"}).json()
    assert {"/api/v1/elections/", "/api/v1/elections/{id}/", "/api/v1/election-candidates/",
            "/api/v1/election-candidates/{id}/"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/v1/elections/"]


def test_the_list_and_the_page_cost_the_same_queries_however_many_elections(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lingtouyang.elections import services
    from lingtouyang.regions.models import Region

    county = login("county")
    election = world.election()
    for person, post in zip(world.tanba[:2], ["village_director", "village_member"], strict=True):
        services.candidate_add(acting_user=None, election=election, person=person, post=post)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert county.get(url).status_code == 200
        return len(ctx)

    few = queries(reverse("elections:list")), queries(reverse("elections:detail", args=[election.pk]))
    for code in Region.objects.filter(parent_id=f.YUSI).values_list("code", flat=True)[:8]:
        services.election_create(acting_user=None, region=Region.objects.get(code=code), kind="party",
                                 election_date=election.election_date)
    for person in world.tanba[2:]:
        services.candidate_add(acting_user=None, election=election, person=person, post="village_member")
    assert (queries(reverse("elections:list")), queries(reverse("elections:detail", args=[election.pk]))) == few
