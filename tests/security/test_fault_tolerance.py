"""Fault tolerance (issue 7, part 9): a roster import and a payroll run killed (SIGKILL, no chance to clean up) in
the middle of their write transaction leave the database exactly as it was, the killed import does not look as if
it were running forever, and both run again to their full result.

The machine is a database and var directory of the test's own (see test_backup.Machine), the import is the real
`lingtouyang run-import JOB` the web page starts, and the moment to kill is read from the database itself: on
PostgreSQL the child's row lock on the roster table (pg_locks) or the payroll's advisory lock; on SQLite the write
lock, seen as `BEGIN IMMEDIATE` failing again and again from the test."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.security.test_backup import ROOT, Machine

ROWS = 40_000  # a second or more of writing even on a fast machine: long enough to be caught inside it
COUNTY = "510521000000"  # 泸县
WAIT = 60.0


def write_roster(path: Path, rows: int) -> None:
    """A valid roster of `rows` people spread over 泸县's villages, each a committee member since 2024 (run in a
    child that has Django set up and Luzhou's divisions loaded)."""
    import xlsxwriter
    from stdnum.cn import ric

    from lingtouyang.people import roster_format as fmt
    from lingtouyang.regions.models import Region

    villages = [r.code for r in Region.objects.filter(level=5, code__startswith=COUNTY[:6]).order_by("code")
                if not r.short_name.endswith("社区")]
    rng, used = random.Random(9), set()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, fmt.HEADERS)
    for n in range(1, rows + 1):
        village = villages[n % len(villages)]
        born, male = date(1970, 1, 1) + timedelta(days=rng.randrange(25 * 365)), rng.random() < 0.7
        while True:
            body = f"{village[:6]}{born:%Y%m%d}{rng.randrange(500) * 2 + (1 if male else 0):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in used:
                used.add(number)
                break
        values = {fmt.NAME: "王" + rng.choice("伟强军勇斌杰涛明"), fmt.GENDER: "男" if male else "女",
                  fmt.ETHNICITY: "汉族", fmt.ID_NUMBER: number, fmt.BIRTH_DATE: born.isoformat(),
                  fmt.POLITICAL_STATUS: "群众", fmt.EDUCATION: "高中", fmt.REGION_CODE: village,
                  fmt.POSTS: "村委会委员", fmt.START_DATE: "2024.03", fmt.PHONE: "13800000000", fmt.SOURCE: "其他"}
        sheet.write_row(n, 0, [values[h] for h in fmt.HEADERS])
    book.close()


SETUP = f"""
from datetime import date
from pathlib import Path
from django.conf import settings
from tests import factories as f
from tests.pay.conftest import policy
from tests.security.test_fault_tolerance import write_roster
f.make_user("county", f.ROLE_USERS["county"][0], "{COUNTY}")
policy("{COUNTY}", start=date(2024, 1, 1))
write_roster(Path(settings.VAR_DIR) / "roster.xlsx", {ROWS})
"""

NEW_JOB = """
import shutil
from pathlib import Path
from django.conf import settings
from lingtouyang.accounts.models import User
from lingtouyang.people.models import ImportJob
user = User.objects.get(username="county")
# As the upload page does (people/jobs.py import_job_create), short of starting the process: the test does.
job = ImportJob.objects.create(created_by=user, region_code=user.region_id, file_name="roster.xlsx", stored_path="")
settings.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
path = Path(settings.UPLOAD_DIR) / f"import-{job.pk}.xlsx"
shutil.copy(Path(settings.VAR_DIR) / "roster.xlsx", path)
job.stored_path = str(path)
job.save(update_fields=["stored_path"])
print(job.pk)
"""

PAYROLL = f"""
from lingtouyang.pay.services import payroll_run
from lingtouyang.regions.models import Region
run = payroll_run(acting_user=None, region=Region.objects.get(code="{COUNTY}"), year=2025, month=0)
print(run.pk, run.slips)
"""


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Machine]:
    m = Machine("faults", tmp_path_factory.mktemp("faults"))
    m.setup()
    m.python(SETUP)
    yield m
    m.destroy()


def count(m: Machine, table: str, where: str = "") -> int:
    return m.query(f"SELECT count(*) FROM {table} {where}")[0][0]  # noqa: S608 - the test's own names


def _sqlite_write_locked(m: Machine) -> bool:
    """True when another connection holds the write lock (`BEGIN IMMEDIATE` cannot start)."""
    probe = sqlite3.connect(m.path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc) or "busy" in str(exc), exc
        return True
    finally:
        probe.close()


def _sqlite_write_held(m: Machine) -> bool:
    """The write lock held across three probes: the import job's progress updates hold it for an instant, the
    import's and the payroll's transactions for seconds."""
    for probe in range(3):
        if probe:
            time.sleep(0.1)
        if not _sqlite_write_locked(m):
            return False
    return True


def _pg_locks(m: Machine, condition: str) -> int:
    """Locks other sessions hold in this machine's database that match `condition` (on pg_locks l)."""
    return m.query("SELECT count(*) FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation "  # noqa: S608
                   "WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                   f"AND l.pid <> pg_backend_pid() AND l.granted AND {condition}")[0][0]


def kill_inside_transaction(proc: subprocess.Popen[bytes], inside: Callable[[], bool]) -> None:
    """Waits until `inside()` says the child is in its write transaction, then SIGKILLs it there."""
    deadline = time.monotonic() + WAIT
    while not inside():
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            pytest.fail(f"the child ended ({proc.returncode}) before it was seen inside its transaction: {err[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the child was never seen inside its write transaction")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL  # killed, not finished: the test did what it says


def in_import_write(m: Machine) -> Callable[[], bool]:
    if m.vendor == "postgresql":
        return lambda: _pg_locks(m, "c.relname = 'people_person' AND l.mode = 'RowExclusiveLock'") > 0
    return lambda: _sqlite_write_held(m)


def in_payroll(m: Machine) -> Callable[[], bool]:
    if m.vendor == "postgresql":  # pay/services.py lock_key: the payroll's transaction-level advisory lock
        return lambda: _pg_locks(m, f"l.locktype = 'advisory' AND l.classid = {0x7061}") > 0
    return lambda: _sqlite_write_held(m)


def wait_for_orphans(m: Machine) -> None:
    """PostgreSQL rolls back a killed client's transaction when its server process notices the client is gone;
    until then its locks stay (its writes are never visible). Wait for that, as an operator would."""
    if m.vendor != "postgresql":
        return
    deadline = time.monotonic() + WAIT
    while _pg_locks(m, "(l.locktype = 'advisory' OR c.relname IN ('people_person', 'pay_slip'))"):
        assert time.monotonic() < deadline, "the killed child's transaction was never rolled back"
        time.sleep(0.1)


def _job(m: Machine, pk: int) -> tuple[str, int, int]:
    return m.query(f"SELECT status, people, appointments FROM people_importjob WHERE id = {pk}")[0]  # noqa: S608


def test_killed_import_changes_nothing_and_runs_again(machine: Machine) -> None:
    m = machine
    people, appointments = count(m, "people_person"), count(m, "people_appointment")
    job = int(m.python(NEW_JOB).strip())
    before = {t: d for t, d in m.digests().items() if t != "people_importjob"}

    proc = m.popen("run-import", str(job))
    kill_inside_transaction(proc, in_import_write(m))
    wait_for_orphans(m)

    # Not a row of the roster, its appointments or the audit trail: all or nothing, and it was nothing.
    assert count(m, "people_person") == people and count(m, "people_appointment") == appointments
    assert {t: d for t, d in m.digests().items() if t != "people_importjob"} == before
    # The job says it is running, as it was when the process died …
    assert _job(m, job)[0] == "running"
    stale = "from lingtouyang.people.jobs import import_jobs_fail_stale; print(import_jobs_fail_stale())"
    assert m.python(stale).strip() == "0"  # … and a job killed a moment ago is not yet given up on,
    assert m.python(stale, IMPORT_STALE_MINUTES="0").strip() == "1"  # but one past the limit is: failed,
    status, done_people, _ = _job(m, job)
    assert status == "failed" and done_people == 0
    assert not list((m.var / "uploads").glob(f"import-{job}.xlsx"))  # its file (full ID numbers) deleted,
    assert count(m, "audit_auditevent", "WHERE action = 'roster.import_abandoned'") == 1  # and on the record.

    # The same file again, uploaded anew: the whole roster goes in.
    again = int(m.python(NEW_JOB).strip())
    done = m.run("run-import", str(again))
    assert done.returncode == 0, done.stderr[-2000:]
    assert _job(m, again) == ("done", ROWS, ROWS)
    assert count(m, "people_person") == people + ROWS
    assert count(m, "people_appointment") == appointments + ROWS


@pytest.fixture
def roster(machine: Machine) -> Machine:
    """The county's cadres on the roster (the import test leaves them there; alone, this test imports them)."""
    if count(machine, "people_person") < ROWS:
        done = machine.run("import-roster", str(machine.var / "roster.xlsx"), "--quiet")
        assert done.returncode == 0, done.stderr[-2000:]
    return machine


def test_killed_payroll_writes_no_slip_and_runs_again(roster: Machine) -> None:
    m = roster
    runs = count(m, "pay_payrollrun")
    before = m.digests()

    proc = subprocess.Popen([sys.executable, "-c", "import django; django.setup()\n" + PAYROLL],  # noqa: S603
                            env=m.env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    kill_inside_transaction(proc, in_payroll(m))
    wait_for_orphans(m)

    assert count(m, "pay_payrollrun") == runs and count(m, "pay_slip", f"WHERE run_id > {runs}") == 0
    assert m.digests() == before  # no run, slip, line or audit event: nothing at all

    cadres = count(m, "people_appointment", "WHERE end_date IS NULL")
    out = m.python(PAYROLL)
    run, slips = (int(x) for x in out.split())
    assert slips == cadres > 0
    assert count(m, "pay_slip", f"WHERE run_id = {run}") == cadres
    assert m.query(f"SELECT state FROM pay_payrollrun WHERE id = {run}")[0][0] == "finished"  # noqa: S608


def test_a_job_whose_process_died_is_shown_failed(users: dict[str, Any], client: Client, settings: Any,
                                                   tmp_path: Path) -> None:
    """The rule on the page the user watches: a job running past IMPORT_STALE_MINUTES is failed, a younger one
    is left alone."""
    from lingtouyang.audit.models import AuditEvent
    from lingtouyang.people.models import ImportJob

    settings.UPLOAD_DIR = tmp_path
    county = users["county"]
    (tmp_path / "import-old.xlsx").write_bytes(b"PK")
    old = ImportJob.objects.create(created_by=county, region_code=county.region_id, file_name="old.xlsx",
                                   stored_path=str(tmp_path / "import-old.xlsx"), status=ImportJob.Status.RUNNING)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    young = ImportJob.objects.create(created_by=county, region_code=county.region_id, file_name="new.xlsx",
                                     stored_path="", status=ImportJob.Status.RUNNING)
    assert factories.login(client, "county")
    page = client.get(reverse("people:import_status", args=[old.pk]))
    assert page.status_code == 200 and 'data-status="failed"' in page.content.decode()
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == ImportJob.Status.FAILED and old.finished_at is not None and old.report
    assert young.status == ImportJob.Status.RUNNING
    assert not (tmp_path / "import-old.xlsx").exists()
    assert AuditEvent.objects.filter(action="roster.import_abandoned", object_id=str(old.pk)).count() == 1
    client.get(reverse("people:import_status", args=[old.pk]))  # once only
    assert AuditEvent.objects.filter(action="roster.import_abandoned").count() == 1
