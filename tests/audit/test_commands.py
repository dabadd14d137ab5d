"""verify-audit and prune-audit as an operator runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lingtouyang.audit import chain
from lingtouyang.audit.models import AuditAnchor, AuditEvent
from tests.audit.conftest import intact, sql, triggers_off, write_events

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_verify_audit_reports_intact_with_the_head():
    write_events(3)
    code, text = _verify()
    head = AuditEvent.objects.get(seq=3).entry_hash
    assert code == 0
    assert text.strip() == f"intact: 3 events, last seq 3, hash {head}"


def test_verify_audit_names_each_break_and_exits_1():
    write_events(5)
    chain.seal()
    with triggers_off():
        sql("DELETE FROM audit_auditevent WHERE seq = 2")
        sql("UPDATE audit_auditevent SET outcome = 'failed' WHERE seq = 4")
    code, text = _verify()
    assert code == 1
    lines = text.strip().splitlines()
    assert lines[0] == "broken: events at positions 2 to 2 are missing (deleted)"
    assert lines[1].startswith("broken: event at position 4 (id ")
    assert lines[-1] == "audit trail NOT intact: 2 problems (4 events checked)"


def _old_events(days: list[int]) -> None:
    """Events written `days` ago, through the same stamping as audit_record (the time is part of the MAC)."""
    for n, ago in enumerate(days):
        fields = chain.stamp({"at": timezone.now() - timedelta(days=ago), "actor_id": None, "actor_name": "cli",
                              "address": "cli", "action": "test.old", "object_type": "", "object_id": "",
                              "region_code": "", "changes": {"n": n}, "outcome": "ok"})
        AuditEvent.objects.create(**fields)


def test_prune_refuses_anything_younger_than_six_months(tmp_path):
    _old_events([400, 10])
    too_recent = (timezone.localdate() - timedelta(days=100)).isoformat()
    with pytest.raises(CommandError, match="at least 183 days"):
        call_command("prune_audit", "--before", too_recent, "--export", str(tmp_path / "x.jsonl"))
    assert AuditEvent.objects.count() == 2 and not (tmp_path / "x.jsonl").exists()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("prune_audit", "--before", "last year", "--export", str(tmp_path / "x.jsonl"))


def test_prune_exports_deletes_anchors_and_the_chain_still_verifies(tmp_path):
    _old_events([400, 300, 200, 150, 5])
    chain.seal()
    before = chain.earliest_cut()
    target = tmp_path / "pruned.jsonl"
    out = StringIO()
    call_command("prune_audit", "--before", before.isoformat(), "--export", str(target), stdout=out)
    assert "3 events pruned" in out.getvalue()
    lines = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    assert [x["seq"] for x in lines] == [1, 2, 3] and [x["changes"]["n"] for x in lines] == [0, 1, 2]
    assert sorted(AuditEvent.objects.exclude(action="audit.prune").values_list("seq", flat=True)) == [4, 5]
    anchor = AuditAnchor.objects.get()
    assert (anchor.seq, anchor.pruned) == (4, 3)
    assert anchor.prev_hash == lines[-1]["hash"]
    prune = AuditEvent.objects.get(action="audit.prune")
    assert prune.changes == {"before": before.isoformat(), "events": 3, "file": str(target), "anchor": 4}
    report = intact()
    assert report.first_seq == 4 and report.events == 3  # 4, 5 and the prune's own event
    # A second prune of the same period finds nothing more, and refuses to overwrite a file.
    with pytest.raises(CommandError, match="exists already"):
        call_command("prune_audit", "--before", before.isoformat(), "--export", str(target))
    call_command("prune_audit", "--before", before.isoformat(), "--export", str(tmp_path / "again.jsonl"),
                 stdout=StringIO())
    assert intact().first_seq == 4


def test_deleting_the_anchor_or_events_after_it_is_still_detected(tmp_path):
    _old_events([400, 300, 5, 4])
    call_command("prune_audit", "--before", chain.earliest_cut().isoformat(), "--export",
                 str(tmp_path / "p.jsonl"), stdout=StringIO())
    with triggers_off():
        sql("DELETE FROM audit_auditanchor")
    assert chain.verify().problems == ["events at positions 1 to 2 are missing (deleted)"]


def test_prune_refuses_a_broken_chain(tmp_path):
    _old_events([400, 300, 5])
    chain.seal()
    with triggers_off():
        sql("UPDATE audit_auditevent SET outcome = 'x' WHERE seq = 3")
    with pytest.raises(CommandError, match="does not verify"):
        call_command("prune_audit", "--before", chain.earliest_cut().isoformat(), "--export",
                     str(tmp_path / "p.jsonl"))
    assert AuditEvent.objects.count() == 3


@pytest.mark.parametrize(("env", "message"), [
    ({"AUDIT_RETENTION_DAYS": "90"}, "at least 183"),
    ({"HASH_ALGORITHM": "md5"}, "sha256, sm3"),
])
def test_bad_settings_stop_the_start(env, message):
    result = subprocess.run([sys.executable, "-c", "import lingtouyang.settings"], cwd=ROOT, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "LINGTOUYANG_TESTING": "1", **env}, check=False)
    assert result.returncode != 0 and message in result.stderr
