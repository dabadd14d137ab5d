"""The pages and the API of the reserve pool, as their users use them; evidence files by their bytes."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lingtouyang.audit.models import AuditEvent
from lingtouyang.reserves import evidence
from lingtouyang.reserves.models import Merit, Reserve
from tests import factories as f
from tests.reserves.conftest import EXE, JPEG, PDF, PNG, Pool

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    assert f.login(client, username)
    return client


def merit_post(client: Client, reserve: Reserve, name: str, content: bytes, **extra: str):  # noqa: ANN201
    data = {"task": "flood", "description": "转移受灾群众", "done_on": "2023-07-08",
            "evidence": SimpleUploadedFile(name, content, content_type="application/pdf"), **extra}
    return client.post(reverse("reserves:merit_add", args=[reserve.pk]), data)


def stored_files(media: Path) -> list[Path]:
    folder = media / "reserves"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_an_officer_adds_a_reserve_with_a_merit_record(pool: Pool, media: Path) -> None:
    officer = login("township")
    page = officer.get(reverse("reserves:create"))
    assert page.status_code == 200 and 'name="person"' not in page.content.decode()  # no drop-down of people
    # Search as you type: in-scope people only, 20 at most.
    found = officer.get(reverse("reserves:create"), {"q": "gsr"}, HTTP_HX_REQUEST="true").content.decode()
    assert "甘守仁" in found
    assert "岑立新" not in officer.get(reverse("reserves:create"), {"q": "cl"}, HTTP_HX_REQUEST="true").content.decode()
    response = officer.post(reverse("reserves:create"), {
        "person": pool.gan.pk, "region": f.TANBA, "source": "veteran", "posts": ["party_secretary", "village_director"],
        "added_on": "2026-01-05"})
    reserve = Reserve.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reserves:detail", args=[reserve.pk])
    assert reserve.added_on == date(2026, 1, 5) and reserve.posts == ["party_secretary", "village_director"]

    response = merit_post(officer, reserve, "抗洪证明.pdf", PDF)
    assert response.status_code == 302
    merit = Merit.objects.get()
    assert (merit.evidence_type, merit.evidence_name, merit.evidence_size) == ("application/pdf", "抗洪证明.pdf", len(PDF))
    (stored,) = stored_files(media)
    assert stored.suffix == ".pdf" and "抗洪" not in stored.name and len(stored.stem) == 32
    detail = officer.get(reverse("reserves:detail", args=[reserve.pk])).content.decode()
    assert "转移受灾群众" in detail and reverse("reserves:evidence", args=[merit.pk]) in detail
    download = officer.get(reverse("reserves:evidence", args=[merit.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert list(AuditEvent.objects.order_by("id").values_list("action", "region_code"))[-2:] == [
        ("reserve.add", f.TANBA), ("reserve.merit_add", f.TANBA)]

    # Withdrawing needs a reason; the page says so and nothing changes.
    response = officer.post(reverse("reserves:status", args=[reserve.pk]), {"status": "withdrawn", "reason": ""})
    assert response.status_code == 200 and "say why the reserve is withdrawn" in response.content.decode()
    assert Reserve.objects.get().status == "active"
    officer.post(reverse("reserves:status", args=[reserve.pk]), {"status": "withdrawn", "reason": "外出务工"})
    assert Reserve.objects.get().status == "withdrawn"


def test_a_png_and_a_jpeg_are_accepted(pool: Pool, media: Path) -> None:
    reserve = pool.add()
    officer = login("township")
    assert merit_post(officer, reserve, "photo.png", PNG).status_code == 302
    assert merit_post(officer, reserve, "photo.jpeg", JPEG).status_code == 302
    assert sorted(Merit.objects.values_list("evidence_type", flat=True)) == ["image/jpeg", "image/png"]
    assert sorted(p.suffix for p in stored_files(media)) == [".jpg", ".png"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("证明.pdf", EXE, "Evidence must be a PDF, JPEG or PNG file."),  # an .exe renamed
    ("scan.png", b"GIF89a" + b"\x00" * 40, "Evidence must be a PDF, JPEG or PNG file."),
    ("big.pdf", PDF + b"\x00" * evidence.MAX_BYTES, "larger than 10 MB"),
    ("empty.pdf", b"", "empty"),
])
def test_bad_evidence_is_refused_and_nothing_is_kept(pool: Pool, media: Path, name: str, content: bytes,
                                                    message: str) -> None:
    reserve = pool.add()
    before = (Merit.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    response = merit_post(login("township"), reserve, name, content)
    assert response.status_code == 200 and message in response.content.decode()
    assert (Merit.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == before
    assert stored_files(media) == []


def test_only_in_scope_accounts_download_evidence(pool: Pool, media: Path) -> None:
    reserve = pool.add()
    merit_post(login("township"), reserve, "a.pdf", PDF)
    url = reverse("reserves:evidence", args=[Merit.objects.get().pk])
    for who in ("city", "county", "township", "village", "supervisor"):
        assert login(who).get(url).status_code == 200, who
    for who in ("gulin_admin", "reviewer"):
        assert login(who).get(url).status_code in (403, 404), who
    assert Client().get(url).status_code == 302
    # The file is nowhere under a public URL.
    assert Client().get("/media/reserves/" + stored_files(media)[0].name).status_code == 404


def test_a_person_out_of_scope_is_refused_by_the_page(pool: Pool) -> None:
    before = (Reserve.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count())
    response = login("township").post(reverse("reserves:create"), {
        "person": pool.cen.pk, "region": f.TANBA, "posts": ["party_secretary"]})
    assert response.status_code == 200 and "no such person on your roster" in response.content.decode()
    assert (Reserve.objects.count(), AuditEvent.objects.exclude(action__startswith="access.").count()) == before


def test_the_api(pool: Pool, media: Path) -> None:
    officer = login("township")
    response = officer.post(reverse("api:reserve-list"), {"person": pool.gan.pk, "region": f.TANBA,
                                                          "posts": ["party_secretary"]}, content_type="application/json")
    assert response.status_code == 201, response.json()
    rid = response.json()["id"]
    again = officer.post(reverse("api:reserve-list"), {"person": pool.gan.pk, "region": f.TANBA,
                                                       "posts": ["party_secretary"]}, content_type="application/json")
    assert again.status_code == 400 and "already in this village's reserve pool" in str(again.json())
    outside = officer.post(reverse("api:reserve-list"), {"person": pool.cen.pk, "region": f.TANBA,
                                                         "posts": ["party_secretary"]}, content_type="application/json")
    assert outside.status_code == 400
    assert [r["name"] for r in officer.get(reverse("api:reserve-list")).json()["results"]] == ["甘守仁"]
    assert officer.get(reverse("api:reserve-detail", args=[rid])).json()["region"] == f.TANBA

    upload = officer.post(reverse("api:reserve-merit-list"), {
        "reserve": rid, "task": "epidemic", "description": "值守", "done_on": "2022-11-20",
        "evidence": SimpleUploadedFile("a.png", PNG)})
    assert upload.status_code == 201, upload.json()
    assert upload.json()["evidence_url"].endswith(reverse("reserves:evidence", args=[upload.json()["id"]]))
    bad = officer.post(reverse("api:reserve-merit-list"), {
        "reserve": rid, "task": "epidemic", "description": "值守", "done_on": "2022-11-20",
        "evidence": SimpleUploadedFile("a.pdf", EXE)})
    assert bad.status_code == 400 and Merit.objects.count() == 1
    assert len(officer.get(reverse("api:reserve-merit-list"), {"reserve": rid}).json()["results"]) == 1
    assert officer.get(reverse("api:pool-target-list")).json()["results"][0]["per_post"] == 2

    # Out of scope: 404, exactly like "does not exist".
    gulin = login("gulin_admin")
    assert gulin.get(reverse("api:reserve-detail", args=[rid])).status_code == 404
    assert gulin.get(reverse("api:reserve-merit-list")).json()["results"] == []
    assert gulin.post(reverse("api:reserve-merit-list"), {
        "reserve": rid, "task": "flood", "description": "x", "done_on": "2022-01-01"}).status_code == 404
    schema = Client().get(reverse("api:schema")).content.decode()
    assert "/api/v1/reserves/" in schema and "/api/v1/reserve-merits/" in schema and "/api/v1/pool-targets/" in schema
