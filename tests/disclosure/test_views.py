from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lingtouyang.disclosure.models import Attachment, Disclosure
from tests import factories as f
from tests.disclosure.conftest import draft, item, publish

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_village_drafts_submits_and_sees_overdue(users):
    c = client(users["village"])
    page = c.get(reverse("disclosure:home"))
    assert page.status_code == 200 and "overdue-list" in page.content.decode()
    form = c.get(reverse("disclosure:create"))
    assert form.status_code == 200
    resp = c.post(reverse("disclosure:create"), {
        "item": item("F01").pk, "period_start": "2026-03-01", "title": "3月明白账", "opening_balance": "100",
        "closing_balance": "150", "lines": "income|补助|80\nexpense|电费|30"})
    d = Disclosure.objects.get()
    assert resp.status_code == 302 and d.lines.count() == 2
    bad = c.post(reverse("disclosure:edit", args=[d.pk]), {"title": "x", "opening_balance": "100",
                                                           "closing_balance": "151", "lines": "income|补助|80"})
    assert bad.status_code == 200 and Disclosure.objects.get().closing_balance == 150
    resp = c.post(reverse("disclosure:move", args=[d.pk]), {"to": "submitted"})
    assert resp.status_code == 302
    assert Disclosure.objects.get().state == "submitted"
    # The cadre cannot review: the page says so and nothing changes.
    resp = c.post(reverse("disclosure:move", args=[d.pk]), {"to": "reviewed"})
    assert resp.status_code == 200 and Disclosure.objects.get().state == "submitted"


def test_supervisor_returns_and_township_sees_detail(users):
    d = draft(users["village"])
    client(users["village"]).post(reverse("disclosure:move", args=[d.pk]), {"to": "submitted"})
    sup = client(users["supervisor"])
    page = sup.get(reverse("disclosure:detail", args=[d.pk]))
    assert "reviewed" in page.content.decode()
    resp = sup.post(reverse("disclosure:move", args=[d.pk]), {"to": "draft", "reason": ""})
    assert resp.status_code == 200 and Disclosure.objects.get().state == "submitted"
    sup.post(reverse("disclosure:move", args=[d.pk]), {"to": "draft", "reason": "数据不全"})
    assert Disclosure.objects.get().return_reason == "数据不全"
    other = f.make_user("sup2", "supervisor", f.OTHER_YUSI_VILLAGE)
    assert client(other).get(reverse("disclosure:detail", args=[d.pk])).status_code == 404


def test_attachments_checked_by_content_and_served_safely(users, upload_dir):
    d = draft(users["village"])
    c = client(users["village"])
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    resp = c.post(reverse("disclosure:attachment_add", args=[d.pk]), {"file": fake})
    assert resp.status_code == 200 and not Attachment.objects.exists()
    assert not list((upload_dir / "disclosure").glob("*")) if (upload_dir / "disclosure").exists() else True
    liar = SimpleUploadedFile("photo.png", PDF)
    c.post(reverse("disclosure:attachment_add", args=[d.pk]), {"file": liar})
    assert not Attachment.objects.exists()
    c.post(reverse("disclosure:attachment_add", args=[d.pk]), {"file": SimpleUploadedFile("计划.pdf", PDF)})
    att = Attachment.objects.get()
    got = c.get(reverse("disclosure:attachment", args=[att.pk]))
    assert got["X-Content-Type-Options"] == "nosniff" and "attachment" in got["Content-Disposition"]
    assert b"".join(got.streaming_content) == PDF
    # Not published: the public download does not exist.
    assert Client().get(reverse("disclosure:public_attachment", args=[att.pk])).status_code == 404
    publish(users, Disclosure.objects.get(pk=d.pk))
    public = Client().get(reverse("disclosure:public_attachment", args=[att.pk]))
    assert public.status_code == 200 and public["X-Content-Type-Options"] == "nosniff"
    from lingtouyang.disclosure import ledger
    assert ledger.verify_village(f.TANBA).ok
    (upload_dir / "disclosure" / att.stored_name).write_bytes(PDF + b"changed")
    result = ledger.verify_village(f.TANBA)
    assert not result.ok and "计划.pdf" in result.reason


def test_catalogue_compliance_ledger_pages(users):
    publish(users, draft(users["village"], start=date(2026, 1, 1)))
    for who in ("city", "county", "township"):
        c = client(users[who])
        assert c.get(reverse("disclosure:catalogue")).status_code == 200
        page = c.get(reverse("disclosure:compliance"))
        assert page.status_code == 200 and "chart-items" in page.content.decode()
        x = c.get(reverse("disclosure:compliance_export"), {"region": "510521102"})
        assert x.status_code == 200 and "spreadsheetml" in x["Content-Type"]
    assert client(users["village"]).get(reverse("disclosure:compliance")).status_code == 403
    ledger = client(users["township"]).get(reverse("disclosure:ledger"), {"region": f.TANBA})
    assert ledger.status_code == 200 and "verify" in ledger.content.decode()
    assert client(users["township"]).get(reverse("disclosure:ledger")).status_code == 200
    c = client(users["county"])
    resp = c.post(reverse("disclosure:catalogue_add"), {
        "code": "LX9", "category": "service", "title": "县事项", "frequency": "yearly", "due_day": 31,
        "due_months_after": 1, "effective_from": "2026-01-01"})
    assert resp.status_code == 302
    assert c.get(reverse("disclosure:catalogue_revise", args=[item("V01").pk])).status_code == 404
    assert client(users["village"]).get(reverse("disclosure:list"), {"state": "published"}).status_code == 200
