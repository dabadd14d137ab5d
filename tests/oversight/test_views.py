"""Back-office pages: inbox filters and counts, the thread page, answering, moderation, the export."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lingtouyang.audit.models import AuditEvent
from lingtouyang.oversight import selectors, services
from lingtouyang.oversight.models import State, Thread
from tests.oversight.conftest import snapshot

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # noqa: ANN001
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_inbox_filters_and_counts(setup) -> None:  # noqa: ANN001
    today = timezone.localdate()
    fresh = setup.ask(today=today, body="新提的问题，请答复。")
    late = setup.ask(today=today - timedelta(days=12), address="10.0.0.2", body="过期未答的问题。")
    very_late = setup.ask(today=today - timedelta(days=40), address="10.0.0.3", body="严重超期的问题。")
    counts = selectors.counts(setup.users["township"])
    assert counts == {"awaiting": 3, "escalated": 2, "overdue": 1}
    client = _client(setup.users["township"])
    page = client.get(reverse("oversight:inbox"), {"show": "escalated"}).content.decode()
    assert late.reference in page and very_late.reference in page and fresh.reference not in page
    page = client.get(reverse("oversight:inbox"), {"show": "overdue"}).content.decode()
    assert very_late.reference in page and late.reference not in page
    page = client.get(reverse("oversight:inbox"), {"show": "open"}).content.decode()
    assert fresh.reference in page and late.reference not in page
    assert _client(setup.users["other_village"]).get(reverse("oversight:inbox")).content.decode().count(
        fresh.reference) == 0


def test_thread_page_phone_only_for_those_who_act(setup) -> None:  # noqa: ANN001
    t = setup.ask(phone="13912345678", contact_name="李大姐", today=timezone.localdate())
    url = reverse("oversight:thread", kwargs={"thread_id": t.pk})
    assert "13912345678" in _client(setup.users["village"]).get(url).content.decode()
    assert "13912345678" in _client(setup.users["township"]).get(url).content.decode()
    supervisor = _client(setup.users["supervisor"]).get(url).content.decode()
    assert "13912345678" not in supervisor and t.body in supervisor
    assert _client(setup.users["other_village"]).get(url).status_code == 404


def test_answer_page_flow_and_refusal(setup) -> None:  # noqa: ANN001
    t = setup.ask(today=timezone.localdate())
    url = reverse("oversight:answer", kwargs={"thread_id": t.pk})
    before = snapshot()
    refused = _client(setup.users["township"]).post(url, {"body": "镇里先答"})
    assert refused.status_code == 200 and "village answers first" in refused.content.decode()
    assert snapshot() == before
    assert _client(setup.users["supervisor"]).post(url, {"body": "x"}).status_code == 404
    ok = _client(setup.users["village"]).post(url, {"body": "已在公开栏张贴。"})
    assert ok.status_code == 302
    assert Thread.objects.get(pk=t.pk).state == State.ANSWERED


def test_moderate_hide_needs_reason(setup) -> None:  # noqa: ANN001
    t = setup.ask(today=timezone.localdate())
    url = reverse("oversight:moderate", kwargs={"thread_id": t.pk})
    before = snapshot()
    response = _client(setup.users["township"]).post(url, {"action": "hide", "reason": ""})
    assert response.status_code == 200 and "give the reason" in response.content.decode()
    assert snapshot() == before
    assert _client(setup.users["village"]).post(url, {"action": "hide", "reason": "x"}).status_code == 404
    assert _client(setup.users["township"]).post(url, {"action": "hide", "reason": "辱骂"}).status_code == 302
    assert Thread.objects.get(pk=t.pk).is_hidden


def test_export_scoped_without_phone(setup) -> None:  # noqa: ANN001
    t = setup.ask(phone="13912345678", contact_name="李大姐")
    response = _client(setup.users["township"]).get(reverse("oversight:export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    cells = [str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row if v is not None]
    assert t.reference in cells and "13912345678" not in cells
    assert AuditEvent.objects.filter(action="export.feedback").exists()
    empty = _client(setup.users["other_village"]).get(reverse("oversight:export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(empty.streaming_content)), read_only=True)
    assert t.reference not in [str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row]


def test_escalate_command(setup) -> None:  # noqa: ANN001
    from django.core.management import call_command

    t = setup.ask()
    out = io.StringIO()
    call_command("escalate_feedback", "--on", "2026-11-13", stdout=out)
    assert "escalated: 1" in out.getvalue() and Thread.objects.get(pk=t.pk).state == State.ESCALATED
    services.feedback_answer(acting_user=setup.users["township"], thread=Thread.objects.get(pk=t.pk), body="镇答复")
    assert Thread.objects.get(pk=t.pk).state == State.ANSWERED_BY_TOWNSHIP


@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_do_not_grow(setup, size, django_assert_max_num_queries) -> None:  # noqa: ANN001
    """The inbox and the public village list read a fixed number of queries, whatever the number of threads."""
    for i in range(size):
        setup.ask(address=f"10.2.{i // 200}.{i % 200}", today=timezone.localdate())
    client = _client(setup.users["township"])
    client.get(reverse("oversight:inbox"))  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(reverse("oversight:inbox")).status_code == 200
    public = Client()
    with django_assert_max_num_queries(3):
        assert public.get(reverse("oversight_public:village", args=[setup.tanba.code])).status_code == 200
