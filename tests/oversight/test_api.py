"""The API: back-office threads scoped like the pages, actions through the services; the public view without
login and without personal data."""

import json

import pytest
from django.test import Client

from lingtouyang.oversight import services
from lingtouyang.oversight.models import State
from tests.oversight.conftest import snapshot

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:  # noqa: ANN001
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_public_list_and_detail_have_no_personal_data(setup) -> None:  # noqa: ANN001
    t = setup.ask(contact_name="王秘密", phone="13912345678", today=None)
    hidden = setup.ask(body="辱骂的内容不应公开", address="10.1.1.1", today=None)
    services.feedback_hide(acting_user=setup.users["township"], thread=hidden, reason="辱骂")
    response = _client().get("/api/v1/public/feedback/", {"village": t.region_id})
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    assert t.reference in text and "王秘密" not in text and "13912345678" not in text and "辱骂" not in text
    assert "submitter_hash" not in text and "contact_name" not in text
    detail = _client().get(f"/api/v1/public/feedback/{t.reference}/").json()
    assert detail["status"] == State.OPEN and detail["body"] == t.body and "contact_name" not in detail
    assert _client().get("/api/v1/public/feedback/NOSUCHREF2/").status_code == 404
    assert _client().get("/api/v1/public/feedback/").json()["results"] == []  # a village must be named


def test_backoffice_scoped_and_answer_action(setup) -> None:  # noqa: ANN001
    t = setup.ask(today=None)
    assert _client(setup.users["other_village"]).get(f"/api/v1/feedback-threads/{t.pk}/").status_code == 404
    assert _client(setup.users["supervisor"]).get(f"/api/v1/feedback-threads/{t.pk}/").status_code == 200
    assert _client().get("/api/v1/feedback-threads/").status_code in (401, 403)
    before = snapshot()
    refused = _client(setup.users["supervisor"]).post(f"/api/v1/feedback-threads/{t.pk}/answer/", {"body": "答复"})
    assert refused.status_code == 404 and snapshot() == before
    wrong_level = _client(setup.users["township"]).post(f"/api/v1/feedback-threads/{t.pk}/answer/", {"body": "镇答复"})
    assert wrong_level.status_code == 400 and "village answers first" in wrong_level.content.decode()
    ok = _client(setup.users["village"]).post(f"/api/v1/feedback-threads/{t.pk}/answer/", {"body": "已张贴明细"})
    assert ok.status_code == 200 and ok.json()["state"] == State.ANSWERED and ok.json()["answers"][0]["by"] == "village"
    closed = _client(setup.users["township"]).post(f"/api/v1/feedback-threads/{t.pk}/close/")
    assert closed.status_code == 200 and closed.json()["state"] == State.CLOSED
    hide = _client(setup.users["county"]).post(f"/api/v1/feedback-threads/{t.pk}/hide/", {"reason": ""})
    assert hide.status_code == 400


def test_backoffice_list_filters(setup) -> None:  # noqa: ANN001
    t = setup.ask()  # submitted 2026-11-02: long past due today
    listing = _client(setup.users["township"]).get("/api/v1/feedback-threads/", {"show": "escalated"}).json()
    assert [row["reference"] for row in listing["results"]] == [t.reference]
    assert listing["results"][0]["current_state"] == State.ESCALATED and "phone" not in listing["results"][0]
