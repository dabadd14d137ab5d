"""JSON lines for a log system: the command and the audit page's download."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lingtouyang.audit.chain import seal
from lingtouyang.audit.models import AuditEvent
from tests.audit.conftest import write_events

pytestmark = pytest.mark.django_db


def _export(*args: str) -> list[dict]:
    out = StringIO()
    call_command("export_audit", *args, stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_sealed_event_is_one_json_object_with_its_chain_fields(users):
    write_events(3, users["county"])
    lines = _export()
    rows = list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values())
    assert [x["seq"] for x in lines] == [1, 2, 3]
    for line, row in zip(lines, rows, strict=True):
        assert line["id"] == row["id"] and line["hash"] == row["entry_hash"] and line["prev_hash"] == row["prev_hash"]
        assert (line["actor_id"], line["actor_name"], line["address"]) == (users["county"].pk, "county", "10.1.2.3")
        assert line["changes"] == row["changes"] and line["mac"] == row["mac"]
        assert line["at"].endswith("Z")
    # The export is itself recorded, after the lines it wrote.
    assert AuditEvent.objects.order_by("-id").first().action == "export.audit"


def test_after_seq_and_since_select_the_rest(tmp_path):
    write_events(4)
    assert [x["seq"] for x in _export("--after-seq", "2")] == [3, 4]
    assert _export("--since", "2999-01-01") == []
    target = tmp_path / "audit.jsonl"
    call_command("export_audit", "--after-seq", "3", "--output", str(target), stdout=StringIO(), stderr=StringIO())
    # The next run starts after the last position the run before wrote (printed on standard error) and appends:
    # 4, then the two earlier exports' own events (5, 6); then the third export's (7).
    err = StringIO()
    call_command("export_audit", "--after-seq", "6", "--output", str(target), stdout=StringIO(), stderr=err)
    seqs = [json.loads(x)["seq"] for x in target.read_text(encoding="utf-8").splitlines()]
    assert seqs == [4, 5, 6, 7]
    assert err.getvalue().strip() == "1 events written, last seq 7"


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError, match="ISO"):
        call_command("export_audit", "--since", "yesterday")
    with pytest.raises(CommandError):
        call_command("export_audit", "--after-seq", "-1")


def test_the_audit_page_offers_json_lines_of_the_users_jurisdiction(client, users):
    write_events(2)  # 谭坝村, inside the county
    from lingtouyang.audit.context import acting_as
    from lingtouyang.audit.services import audit_record

    with acting_as(None, "cli"):
        audit_record("test.elsewhere", region_code="510525000000")  # 古蔺县: outside
    seal()
    client.force_login(users["county"])
    page = client.get(reverse("audit:list"))
    assert reverse("audit:export_jsonl").encode() in page.content
    response = client.get(reverse("audit:export_jsonl"))
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in b"".join(response.streaming_content).decode().splitlines()]
    assert lines and all(x["region_code"].startswith("510521") for x in lines)
    assert "test.elsewhere" not in {x["action"] for x in lines}
    export = AuditEvent.objects.get(action="export.audit")
    assert (export.actor, export.changes["format"], export.region_code) == (users["county"], "jsonl", "510521000000")


def test_roles_without_the_audit_trail_get_403(client, users):
    client.force_login(users["village"])
    assert client.get(reverse("audit:export_jsonl")).status_code == 403
    assert not AuditEvent.objects.filter(action="export.audit").exists()
