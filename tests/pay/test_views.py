"""Pay pages and API: the run form, the run page by township, the ledger export reconciled with the slips, a
cadre's own slips (and nobody else's), refusals shown on the form."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.pay.models import Line, PayrollRun, Slip
from tests import factories as f
from tests.pay.conftest import LUXIAN, World, grade, policy, project

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # noqa: ANN001
    """Signed in, reading English (the explanations are rendered in the reader's language)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def finished(world: World) -> PayrollRun:
    policy()
    grade(world.secretary, 2025, "excellent")
    project(f.TANBA, 2025, "300000", "100000", [world.secretary])
    response = client_for(world.users["county"]).post(reverse("pay:run_create"),
                                                      {"region": LUXIAN, "year": 2025, "month": ""})
    assert response.status_code == 302
    return PayrollRun.objects.get()


def test_the_run_page_shows_townships_slips_and_the_rounding_rule(world: World, finished: PayrollRun) -> None:
    page = client_for(world.users["county"]).get(reverse("pay:run", args=[finished.pk])).content.decode()
    assert "喻寺镇" in page and world.secretary.name in page and "0.01" in page
    slip = Slip.objects.get(run=finished, person=world.secretary)
    page = client_for(world.users["township"]).get(reverse("pay:slip", args=[slip.pk])).content.decode()
    assert "× 1.05¹ for 1 consecutive re-elected terms" in page and "ROUND_HALF_UP" in page


def test_the_exported_ledger_adds_up_to_the_slips(world: World, finished: PayrollRun) -> None:
    response = client_for(world.users["county"]).get(reverse("pay:run_export", args=[finished.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
    assert len(rows) == Line.objects.filter(slip__run=finished).count()
    ledger = sum(Decimal(str(r[-1])) for r in rows)
    assert ledger == sum(s.total for s in Slip.objects.filter(run=finished)) == finished.total
    assert {r[4] for r in rows} == {world.secretary.name, world.deputy.name, world.member.name}


def test_a_cadre_sees_their_own_slips_and_no_one_else_s(world: World, finished: PayrollRun) -> None:
    cadre = world.users["village"]
    cadre.person = world.member
    cadre.save()
    client = client_for(cadre)
    mine = client.get(reverse("pay:mine")).content.decode()
    own = Slip.objects.get(run=finished, person=world.member)
    other = Slip.objects.get(run=finished, person=world.secretary)
    assert reverse("pay:slip", args=[own.pk]) in mine and reverse("pay:slip", args=[other.pk]) not in mine
    assert client.get(reverse("pay:slip", args=[own.pk])).status_code == 200
    assert client.get(reverse("pay:slip", args=[other.pk])).status_code == 404
    api = client.get("/api/v1/pay-slips/").json()["results"]
    assert [s["id"] for s in api] == [own.pk] and api[0]["lines"][0]["explanation"].startswith("basic")
    assert client.get(f"/api/v1/pay-slips/{other.pk}/").status_code == 404
    assert client.get(reverse("pay:run", args=[finished.pk])).status_code == 403


def test_refusals_show_on_the_form_and_write_nothing(world: World) -> None:
    client = client_for(world.users["county"])
    response = client.post(reverse("pay:run_create"), {"region": LUXIAN, "year": 2025})
    assert "no pay policy in force" in response.content.decode()
    response = client.post(reverse("pay:run_create"), {"region": f.GULIN, "year": 2025})
    assert "no such region in your jurisdiction" in response.content.decode()
    assert not PayrollRun.objects.exists()
    response = client.post(reverse("pay:policy_add"), {
        "county": LUXIAN, "effective_from": "2025-01-01", "deputy_share": 85, "raise_percent": 5,
        "incentive_threshold": "-1", "incentive_share": 10, "incentive_cap": 100000,
        **{f"basic_{p}": 2000 for p in ("party_secretary", "party_member", "village_director", "village_member",
                                       "community_director", "community_member", "supervision_chair",
                                       "supervision_member")},
        **{f"performance_{g}": 1 for g in ("excellent", "competent", "basic", "incompetent")},
        **{f"incentive_{g}": 10 for g in ("excellent", "competent", "basic", "incompetent")}})
    assert "cannot be negative" in response.content.decode()


def test_policy_form_adds_a_version_and_rewards_are_added_from_the_roster(world: World) -> None:
    client = client_for(world.users["county"])
    data = {"county": LUXIAN, "effective_from": "2025-01-01", "deputy_share": 85, "raise_percent": 5,
            "raise_compounds": "on", "incentive_threshold": 50000, "incentive_share": 10, "incentive_cap": 100000}
    form = client.get(reverse("pay:policy_add")).context["form"]
    for name, field in form.fields.items():
        data.setdefault(name, "" if field.initial is None else field.initial)
    data["raise_compounds"] = "on"
    assert client.post(reverse("pay:policy_add"), data).status_code == 302
    assert "2025-01-01" in client.get(reverse("pay:policies")).content.decode()
    response = client.post(reverse("pay:reward_add"), {"person": world.member.pk, "year": 2025, "month": 6,
                                                       "amount": "800", "reason": "防汛先进"})
    assert response.status_code == 302
    assert "防汛先进" in client.get(reverse("pay:rewards")).content.decode()
