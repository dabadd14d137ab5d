"""Every upload point checks the file by its bytes and its size before anything is stored or read: a disguised
file (a program or a web page renamed, a zip that is no workbook), an oversized one and an empty one are
refused with a message, nothing is kept and the refusal is logged."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lingtouyang.assessments.forms import ImportForm as ScoreSheetForm
from lingtouyang.audit.models import AuditEvent
from lingtouyang.core import uploads
from lingtouyang.core.xlsx import write_xlsx
from lingtouyang.disclosure.models import Attachment
from lingtouyang.people.models import ImportJob
from lingtouyang.recruitment.forms import ScoreImportForm
from lingtouyang.regions.models import Region
from lingtouyang.reserves import services as reserve_services
from lingtouyang.reserves.models import Merit
from lingtouyang.training.forms import ListForm
from tests import factories as f
from tests.assessments.helpers import make_scheme
from tests.disclosure.conftest import draft

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def _zip(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


NOT_A_WORKBOOK = _zip(**{"readme.txt": b"hello"})
MACRO_BOOK = _zip(**{"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                     "xl/vbaProject.bin": b"\x00"})


@pytest.fixture
def workbook(tmp_path: Path) -> bytes:
    path = tmp_path / "book.xlsx"
    write_xlsx(path, ["身份证号"], [["510521198101010000"]])
    return path.read_bytes()


@pytest.fixture(autouse=True)
def _english():  # noqa: ANN202
    with translation.override("en"):
        yield


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- the check itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "kinds", "expected"), [
    ("a.pdf", PDF, ("pdf",), "pdf"),
    ("a.jpeg", JPEG, ("pdf", "jpeg", "png"), "jpeg"),
    ("a.JPG", JPEG, ("jpeg",), "jpeg"),
    ("scan", PNG, ("png",), "png"),  # no extension: the bytes decide
])
def test_a_file_of_an_accepted_kind_passes(name: str, content: bytes, kinds: tuple[str, ...], expected: str) -> None:
    assert uploads.check_upload(upload(name, content), kinds=kinds, max_bytes=1024) == expected


def test_a_real_workbook_passes(workbook: bytes) -> None:
    assert uploads.check_workbook(upload("名单.xlsx", workbook), max_bytes=len(workbook)) == "xlsx"


@pytest.mark.parametrize(("name", "content", "code"), [
    ("证明.pdf", EXE, "wrong_kind"),  # a program renamed
    ("report.pdf", HTML, "wrong_kind"),  # a web page renamed
    ("photo.png", PDF, "disguised"),  # a real PDF whose name says PNG
    ("scores.xlsx", NOT_A_WORKBOOK, "wrong_kind"),  # for the PDF check: a zip is not a PDF either
    ("big.pdf", PDF + b"\x00" * 2048, "too_large"),
    ("empty.pdf", b"", "empty"),
])
def test_a_bad_file_is_refused_and_logged(caplog: Any, name: str, content: bytes, code: str) -> None:
    with caplog.at_level(logging.WARNING, logger="lingtouyang.security"), pytest.raises(ValidationError) as err:
        uploads.check_upload(upload(name, content), kinds=("pdf", "png", "jpeg"), max_bytes=1024)
    assert err.value.code == code
    assert any("upload refused" in r.getMessage() and name in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("content", [NOT_A_WORKBOOK, MACRO_BOOK, HTML, PDF, b"PK\x03\x04 truncated"])
def test_only_a_workbook_passes_as_a_workbook(content: bytes) -> None:
    with pytest.raises(ValidationError) as err:
        uploads.check_workbook(upload("list.xlsx", content), max_bytes=10_000)
    assert "not an .xlsx file" in err.value.messages[0]


def test_the_message_is_chinese_for_a_chinese_user() -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        uploads.check_workbook(upload("list.xlsx", HTML), max_bytes=10_000)
    assert "不是 .xlsx" in err.value.messages[0]


# --- the roster import page ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("roster.xlsx", HTML, "not an .xlsx file"),
    ("roster.xlsx", NOT_A_WORKBOOK, "not an .xlsx file"),
    ("roster.xlsx", b"PK\x03\x04" + b"\x00" * 4096, "larger than"),
    ("roster.xlsx", b"", "empty"),
])
def test_the_roster_import_refuses_before_storing(users: dict, upload_dir: Path, settings: Any, name: str,
                                                  content: bytes, message: str) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    client = Client(headers={"accept-language": "en"})
    client.force_login(users["township"])
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    response = client.post(reverse("people:import"), {"file": upload(name, content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportJob.objects.exists() and AuditEvent.objects.exclude(action__startswith="access.").count() == before
    assert [p for p in upload_dir.rglob("*") if p.is_file()] == []


def test_the_roster_import_still_takes_a_workbook(users: dict, upload_dir: Path, workbook: bytes) -> None:
    client = Client()
    client.force_login(users["township"])
    response = client.post(reverse("people:import"), {"file": upload("roster.xlsx", workbook)})
    assert response.status_code == 302 and ImportJob.objects.count() == 1


# --- score sheets, enrolment lists, recruitment scores: their forms ----------------------------------


@pytest.mark.parametrize("form_class", [ScoreSheetForm, ListForm, ScoreImportForm])
@pytest.mark.parametrize(("content", "message"), [
    (HTML, "not an .xlsx file"),
    (NOT_A_WORKBOOK, "not an .xlsx file"),
    (PDF, "not an .xlsx file"),
    (b"PK\x03\x04" + b"\x00" * 4096, "larger than"),
    (b"", "empty"),
])
def test_spreadsheet_forms_refuse_bad_files(settings: Any, form_class: Any, content: bytes, message: str) -> None:
    settings.IMPORT_MAX_BYTES = 2048
    form = form_class(data={}, files={"file": upload("list.xlsx", content)})
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"])


@pytest.mark.parametrize("form_class", [ScoreSheetForm, ListForm, ScoreImportForm])
def test_spreadsheet_forms_take_a_workbook(form_class: Any, workbook: bytes) -> None:
    assert form_class(data={}, files={"file": upload("list.xlsx", workbook)}).is_valid()


def test_the_score_sheet_page_shows_the_refusal(users: dict, upload_dir: Path) -> None:
    scheme = make_scheme()
    client = Client(headers={"accept-language": "en"})
    client.force_login(users["township"])
    response = client.post(reverse("assessments:import", args=[scheme.pk, f.YUSI]),
                           {"file": upload("scores.xlsx", HTML)}, follow=True)
    assert "not an .xlsx file" in response.content.decode()


# --- merit evidence (reserves) and disclosure attachments: their services -----------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("证明.pdf", EXE, "Evidence must be a PDF, JPEG or PNG file."),
    ("证明.pdf", HTML, "Evidence must be a PDF, JPEG or PNG file."),
    ("photo.png", PDF, "not what its name says"),
    ("big.pdf", PDF + b"\x00" * 2048, "larger than"),
    ("empty.pdf", b"", "empty"),
])
def test_merit_evidence_refused_and_nothing_kept(users: dict, upload_dir: Path, settings: Any, name: str,
                                                 content: bytes, message: str) -> None:
    settings.LINGTOUYANG_UPLOAD_MAX_BYTES = 1024
    person = f.make_person(f.TANBA, name="甘守仁")
    reserve = reserve_services.reserve_add(acting_user=users["township"], person=person,
                                           region=Region.objects.get(code=f.TANBA), posts=["party_secretary"])
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    with pytest.raises(ValidationError) as err:
        reserve_services.merit_add(acting_user=users["township"], reserve=reserve, task="flood", description="转移群众",
                                   done_on=reserve.added_on, upload=upload(name, content))
    assert message in " ".join(err.value.message_dict["evidence"])
    assert not Merit.objects.exists() and AuditEvent.objects.exclude(action__startswith="access.").count() == before
    assert [p for p in upload_dir.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("plan.pdf", EXE, "Attachments must be PDF, PNG or JPEG files."),
    ("plan.pdf", HTML, "Attachments must be PDF, PNG or JPEG files."),
    ("plan.jpg", PNG, "not what its name says"),
    ("plan.pdf", PDF + b"\x00" * 2048, "larger than"),
])
def test_disclosure_attachments_refused_on_the_page(users: dict, upload_dir: Path, settings: Any, name: str,
                                                    content: bytes, message: str) -> None:
    settings.LINGTOUYANG_UPLOAD_MAX_BYTES = 1024
    d = draft(users["village"])
    client = Client(headers={"accept-language": "en"})
    client.force_login(users["village"])
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    response = client.post(reverse("disclosure:attachment_add", args=[d.pk]), {"file": upload(name, content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Attachment.objects.exists() and AuditEvent.objects.exclude(action__startswith="access.").count() == before
    assert [p for p in upload_dir.rglob("*") if p.is_file()] == []
