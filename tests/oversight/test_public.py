"""Public pages: ask, look up, a village's threads. No login, no personal data, escaped text, refusals."""

import pytest
from django.test import Client
from django.urls import reverse

from lingtouyang.oversight import services
from lingtouyang.oversight.models import Thread
from tests import factories as f
from tests.oversight.conftest import published_disclosure, snapshot

pytestmark = pytest.mark.django_db

FORM = {"kind": "complaint", "body": "<script>alert('x')</script>公开的账目和实际不符。", "contact_name": "王秘密",
        "phone": "13912345678", "website": ""}


@pytest.fixture
def client() -> Client:
    """Pages asked for in English, as the messages are asserted."""
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def _post(client: Client, url: str, data: dict, address: str = "203.0.113.5") -> object:
    client.get(url, REMOTE_ADDR=address)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, REMOTE_ADDR=address)


def test_ask_about_disclosure_then_follow_it(setup, client) -> None:  # noqa: ANN001
    url = reverse("oversight_public:ask_about", kwargs={"feedback_disclosure": setup.disclosure.pk})
    page = client.get(url)
    assert page.status_code == 200 and setup.disclosure.title in page.content.decode()
    response = _post(client, url, FORM)
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("oversight_public:thread", kwargs={"reference": thread.reference})
    assert thread.disclosure == setup.disclosure and thread.phone == "13912345678"
    shown = client.get(response["Location"]).content.decode()
    assert thread.reference in shown and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown
    assert "<script>alert" not in shown and "王秘密" not in shown and "13912345678" not in shown
    listing = client.get(reverse("oversight_public:village", kwargs={"feedback_village": f.TANBA})).content.decode()
    assert thread.reference in listing and "<script>alert" not in listing and "王秘密" not in listing
    found = client.get(reverse("oversight_public:lookup"), {"reference": thread.reference.lower()})
    assert found.status_code == 302 and thread.reference in found["Location"]


def test_csrf_required(setup) -> None:  # noqa: ANN001
    url = reverse("oversight_public:ask", kwargs={"feedback_village": f.TANBA})
    assert Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en").post(url, FORM).status_code == 403
    assert not Thread.objects.exists()


def test_honeypot_refused_with_message(setup, client) -> None:  # noqa: ANN001
    url = reverse("oversight_public:ask", kwargs={"feedback_village": f.TANBA})
    response = _post(client, url, {**FORM, "website": "http://spam.example"})
    assert response.status_code == 400 and "could not be accepted" in response.content.decode()
    assert not Thread.objects.exists()


def test_flood_refused_with_message(setup, client, settings) -> None:  # noqa: ANN001
    settings.LINGTOUYANG_FEEDBACK_PER_HOUR = 2
    url = reverse("oversight_public:ask", kwargs={"feedback_village": f.TANBA})
    assert [_post(client, url, FORM).status_code for _i in range(2)] == [302, 302]
    before = snapshot()
    response = _post(client, url, FORM)
    assert response.status_code == 400 and "Too many messages" in response.content.decode()
    assert snapshot() == before


def test_bad_input_shows_message(setup, client) -> None:  # noqa: ANN001
    url = reverse("oversight_public:ask", kwargs={"feedback_village": f.TANBA})
    response = _post(client, url, {**FORM, "phone": "not a phone"})
    assert response.status_code == 400 and "is not a mobile number" in response.content.decode()
    assert not Thread.objects.exists()


def test_not_published_township_and_unknown_are_404(setup, client) -> None:  # noqa: ANN001
    draft = published_disclosure(state="draft", published_at=None, title="草稿")
    assert client.get(reverse("oversight_public:ask_about", kwargs={"feedback_disclosure": draft.pk})).status_code == 404
    assert client.get(reverse("oversight_public:ask", kwargs={"feedback_village": f.YUSI})).status_code == 404
    assert client.get(reverse("oversight_public:village", kwargs={"feedback_village": "abc"})).status_code == 404
    assert client.get(reverse("oversight_public:thread", kwargs={"reference": "NOSUCHREF2"})).status_code == 404
    missing = client.get(reverse("oversight_public:lookup"), {"reference": "NOSUCHREF2"})
    assert missing.status_code == 200 and "No thread has this reference" in missing.content.decode()


def test_hidden_thread_shows_no_text(setup, client) -> None:  # noqa: ANN001
    t = setup.ask(body="某某某是个骗子，电话13800000000")
    services.feedback_answer(acting_user=setup.users["village"], thread=t, body="已核实", today=t.village_due)
    services.feedback_hide(acting_user=setup.users["township"], thread=t, reason="含他人个人信息")
    page = client.get(reverse("oversight_public:thread", kwargs={"reference": t.reference})).content.decode()
    listing = client.get(reverse("oversight_public:village", kwargs={"feedback_village": f.TANBA})).content.decode()
    for text in (page, listing):
        assert "hidden by a moderator" in text and "骗子" not in text and "含他人个人信息" not in text


def test_answers_public_without_author_names(setup, client) -> None:  # noqa: ANN001
    setup.users["village"].first_name = "村干部甲"
    setup.users["village"].save()
    t = setup.ask()
    services.feedback_answer(acting_user=setup.users["village"], thread=t, body="明细已张贴在村务公开栏。",
                             today=t.village_due)
    page = client.get(reverse("oversight_public:thread", kwargs={"reference": t.reference})).content.decode()
    assert "明细已张贴在村务公开栏。" in page and "村干部甲" not in page and "village" in page.lower()
