"""Backup and restore (issue 7, part 8): `lingtouyang backup` on one machine, the machine destroyed,
`lingtouyang restore` on an empty one, and nothing lost — every table's rows and hash, every file, the
disclosure ledger's and the audit trail's chains. And archives that must be refused: altered, cut short, made
with another key, or by a newer version.

Each "machine" is a database and a var directory of its own (uploads, media, development keys), driven through
the `lingtouyang` command in child processes exactly as an operator would; the test database of pytest-django is
never touched by them. The suite's database vendor decides theirs: a SQLite file, or a PostgreSQL database
created and dropped here."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import translation

from lingtouyang.backup import archive, digests

ROOT = Path(__file__).resolve().parents[2]
LINGTOUYANG = str(Path(sys.executable).parent / "lingtouyang")
KEY = base64.b64encode(b"k" * 32).decode()
OTHER_KEY = base64.b64encode(b"o" * 32).decode()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


class Machine:
    """A database and a var directory, reached through child processes (`lingtouyang …`) and, for checking,
    a direct connection of the test's own."""

    def __init__(self, name: str, base: Path) -> None:
        self.var = base / name
        self.var.mkdir(parents=True, exist_ok=True)
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = self.var / "lingtouyang.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.db = f"sec_backup_{name}"
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            self.server = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            self.url = f"{self.server}/{self.db}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)', f'CREATE DATABASE "{self.db}"')

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LINGTOUYANG_VAR", "BACKUP_KEY")}
        env.update(DATABASE_URL=self.url, LINGTOUYANG_VAR=str(self.var), BACKUP_KEY=KEY, PYTHONPATH=str(ROOT),
                   DJANGO_SETTINGS_MODULE="lingtouyang.settings", IMPORT_RUNNER="subprocess", **extra)
        return env

    def run(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([LINGTOUYANG, *args], env=self.env(**extra), cwd=ROOT, capture_output=True, text=True,
                              timeout=600, check=False)

    def python(self, code: str, **extra: str) -> str:
        """Runs `code` in a child with Django set up against this machine; returns its output, fails on error."""
        done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], env=self.env(**extra),
                              cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-4000:]
        return done.stdout

    def popen(self, *args: str, **extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([LINGTOUYANG, *args], env=self.env(**extra), cwd=ROOT,  # noqa: S603
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def setup(self) -> None:
        """Migrated, with Luzhou's divisions, as `make demo` would start."""
        done = self.run("migrate", "--verbosity", "0")
        assert done.returncode == 0, done.stderr[-4000:]
        self.python("from lingtouyang.regions.loader import load_luzhou; load_luzhou()")

    def raw(self) -> Any:
        """A connection that reads stored values the way `lingtouyang restore` checks them (backup/digests.py)."""
        if self.vendor == "sqlite":
            return sqlite3.connect(self.path)
        wrapper = type(connections["default"])({**connection.settings_dict, "NAME": self.db}, alias="backup_check")
        raw = wrapper.get_new_connection(wrapper.get_connection_params())
        raw.autocommit = True
        raw.execute("SET TIME ZONE 'UTC'")
        return raw

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raw = self.raw()
        try:
            cursor = raw.cursor()
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            raw.close()

    def digests(self, *, max_ids: dict[str, int] | None = None) -> dict[str, tuple[int, str]]:
        raw = self.raw()
        try:
            cursor = raw.cursor()
            return {t: digests.table_digest(cursor, self.vendor, t, max_id=(max_ids or {}).get(t))
                    for t in digests.table_names(cursor, self.vendor)}
        finally:
            raw.close()

    def files(self) -> dict[str, bytes]:
        return {f"{root}/{p.relative_to(self.var / root).as_posix()}": p.read_bytes()
                for root in ("uploads", "media") if (self.var / root).is_dir()
                for p in sorted((self.var / root).rglob("*")) if p.is_file()}

    def destroy(self) -> None:
        for root in ("uploads", "media"):
            shutil.rmtree(self.var / root, ignore_errors=True)
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')


BUILD = f"""
PDF = {PDF!r}
from datetime import date, timedelta
from pathlib import Path
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from lingtouyang.disclosure import services as disclosure
from lingtouyang.disclosure.ledger import publish_heads
from lingtouyang.people.importer import import_roster
from tests import factories as f
from tests.disclosure.conftest import draft, publish
from tests.people import xlsx_files

users = {{name: f.make_user(name, role, code) for name, (role, code) in f.ROLE_USERS.items()}}
for i, name in enumerate(["赵一", "钱二", "孙三"]):
    f.make_person(f.TANBA, name=name, id_number=f.id_number("510521", seq=900 + i))
roster = Path(settings.VAR_DIR) / "roster.xlsx"
xlsx_files.write_roster(roster, [xlsx_files.row(seq=n, posts="村委会委员", start_date="2024.03") for n in range(1, 13)])
result = import_roster(roster, acting_user=users["county"], file_name="roster.xlsx")
assert result.ok, result.report_lines()
roster.unlink()
first = draft(users["village"])
disclosure.attachment_add(acting_user=users["village"], disclosure=first,
                          upload=SimpleUploadedFile("计划.pdf", PDF, content_type="application/pdf"))
publish(users, first)
publish(users, draft(users["village"], code="V01", start=date(2026, 4, 1), title="第二季度工作计划"))
publish_heads(timezone.localdate() - timedelta(days=1))
publish_heads(timezone.localdate())
media = Path(settings.MEDIA_ROOT) / "reserves"
media.mkdir(parents=True, exist_ok=True)
(media / "evidence.jpg").write_bytes(b"\\xff\\xd8\\xff evidence")
print("built")
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Machine, Path]]:
    """A machine with people, an import, two published disclosures on the ledger with published heads, an
    attachment and a media file, and audit events of all of it; and its backup."""
    base = tmp_path_factory.mktemp("backup")
    machine = Machine("src", base)
    machine.setup()
    assert "built" in machine.python(BUILD)
    archive_path = base / "nightly.ltyb"
    yield machine, archive_path
    machine.destroy()


def _audit_max_ids(machine: Machine) -> dict[str, int]:
    """The audit tables grow as the restore itself is audited: compare them up to the source's last row."""
    out = {}
    for table, _digest in machine.digests().items():
        if table.startswith("audit_"):
            (last,) = machine.query(f"SELECT coalesce(max(id), 0) FROM {table}")[0]  # noqa: S608
            out[table] = last
    return out


def test_backup_destroy_restore_loses_nothing(source: tuple[Machine, Path], tmp_path: Path) -> None:
    src, path = source
    max_ids = _audit_max_ids(src)
    before = src.digests()
    files = src.files()
    people, entries, heads = (src.query(f"SELECT count(*) FROM {t}")[0][0]  # noqa: S608
                              for t in ("people_person", "disclosure_ledgerentry", "disclosure_ledgerhead"))
    assert people == 15 and entries == 2 and heads >= 1
    assert any(name.startswith("uploads/disclosure/") for name in files) and "media/reserves/evidence.jpg" in files

    done = src.run("backup", "--output", str(path))
    assert done.returncode == 0, done.stderr
    assert str(path) in done.stdout  # a summary, not silence
    raw = path.read_bytes()
    assert b"%PDF" not in raw and "赵一".encode() not in raw and b"CREATE TABLE" not in raw  # encrypted

    keys = (src.var / "dev-secrets.json").read_bytes() if (src.var / "dev-secrets.json").exists() else None
    src.destroy()
    target = Machine("restore", tmp_path)
    if keys is not None:  # the same keys (kept apart from the backups) or the ID numbers could not be read
        (target.var / "dev-secrets.json").write_bytes(keys)
    try:
        done = target.run("restore", str(path))
        assert done.returncode == 0, done.stdout + done.stderr

        after = target.digests(max_ids=max_ids)
        assert set(after) == set(before)
        for table in before:  # the audit tables up to the source's last row, which is all of them before
            assert after[table] == before[table], table
        assert target.files() == files
        (restored_events,) = target.query("SELECT count(*) FROM audit_auditevent WHERE action = 'backup.restore'")[0]
        assert restored_events == 1  # the restore is on the record, after everything it restored

        # The chains as the project itself checks them, and an ID number still readable with the same keys.
        assert target.run("verify-ledger").returncode == 0
        check = target.run("verify-audit")
        assert check.returncode == 0 or "Unknown command" in check.stderr, check.stdout + check.stderr
        shown = target.python("from lingtouyang.people.models import Person\n"
                              "print(Person.objects.get(name='赵一').full_id_number())")
        assert shown.strip().startswith("510521")

        # A second restore onto the now filled machine is refused and changes nothing.
        again = target.run("restore", str(path))
        assert again.returncode == 1
        assert "regions_region (1623)" in again.stderr  # says what is there
        assert target.digests(max_ids=max_ids) == after
    finally:
        target.destroy()


# Refusals: in this process, with no database access allowed (pytest-django raises on any), so a refusal
# provably happens before anything is touched.

@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive in the real format, three chunks long, written without any database."""
    path = tmp_path_factory.mktemp("archive") / "small.ltyb"
    with path.open("wb") as out:
        box = archive.ContainerWriter(archive.EncryptingWriter(out, base64.b64decode(KEY)))
        box.add_bytes("database.sqlite3", os.urandom(2 * archive.CHUNK + 10))
        box.add_bytes("manifest.json", json.dumps({"format": 1, "database": {"vendor": "sqlite"}}).encode())
        box.close()
    return path


def _restore(path: Path, settings: Any, key: str = KEY) -> str:
    settings.BACKUP_KEY = key
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("restore", str(path), stdout=io.StringIO())
    return str(refused.value)


def test_the_archive_reads_back_whole(small_archive: Path) -> None:
    with small_archive.open("rb") as src:
        names = [(e.name, len(e.read_all())) for e in archive.entries(src, base64.b64decode(KEY))]
    assert names == [("database.sqlite3", 2 * archive.CHUNK + 10), ("manifest.json", names[1][1])]


def test_wrong_key_is_refused(small_archive: Path, settings: Any) -> None:
    assert "Wrong backup key" in _restore(small_archive, settings, OTHER_KEY)


@pytest.mark.parametrize("where", [0.1, 0.5, 0.99])
def test_altered_archive_is_refused(small_archive: Path, tmp_path: Path, settings: Any, where: float) -> None:
    data = bytearray(small_archive.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    bad = tmp_path / "altered.ltyb"
    bad.write_bytes(bytes(data))
    assert "altered or damaged" in _restore(bad, settings)


def test_altered_header_is_refused(small_archive: Path, tmp_path: Path, settings: Any) -> None:
    data = small_archive.read_bytes().replace(b'"chunk": 1048576', b'"chunk": 1048577', 1)
    assert data != small_archive.read_bytes()
    bad = tmp_path / "header.ltyb"
    bad.write_bytes(data)
    assert "altered or damaged" in _restore(bad, settings)


def _chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    """The clear header and the sealed chunks of an archive."""
    head = len(archive.MAGIC) + 4 + int.from_bytes(data[len(archive.MAGIC):len(archive.MAGIC) + 4], "big")
    chunks, at = [], head
    while at < len(data):
        n = int.from_bytes(data[at:at + 4], "big")
        chunks.append(data[at:at + 4 + n])
        at += 4 + n
    return data[:head], chunks


def test_truncated_archive_is_refused(small_archive: Path, tmp_path: Path, settings: Any) -> None:
    header, chunks = _chunks(small_archive.read_bytes())
    assert len(chunks) == 3
    for n, cut in enumerate([header + b"".join(chunks[:2]), small_archive.read_bytes()[:-100], header]):
        bad = tmp_path / f"cut{n}.ltyb"
        bad.write_bytes(cut)
        assert "truncated" in _restore(bad, settings)


def test_reordered_or_appended_chunks_are_refused(small_archive: Path, tmp_path: Path, settings: Any) -> None:
    header, chunks = _chunks(small_archive.read_bytes())
    swapped = tmp_path / "swapped.ltyb"
    swapped.write_bytes(header + chunks[1] + chunks[0] + chunks[2])
    assert "altered or damaged" in _restore(swapped, settings)
    longer = tmp_path / "longer.ltyb"
    longer.write_bytes(small_archive.read_bytes() + chunks[0])
    assert "altered" in _restore(longer, settings)


def test_archive_from_a_newer_format_is_refused(tmp_path: Path, settings: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(archive, "FORMAT", archive.FORMAT + 1)
    path = tmp_path / "future.ltyb"
    with path.open("wb") as out:
        box = archive.ContainerWriter(archive.EncryptingWriter(out, base64.b64decode(KEY)))
        box.add_bytes("manifest.json", b"{}")
        box.close()
    monkeypatch.undo()
    assert "newer version" in _restore(path, settings)


def test_not_an_archive_is_refused(tmp_path: Path, settings: Any) -> None:
    path = tmp_path / "dump.sql"
    path.write_bytes(b"CREATE TABLE x (id int);\n")
    assert "not a lingtouyang backup" in _restore(path, settings)


@translation.override("en")
def test_backup_without_a_key_is_refused(tmp_path: Path, settings: Any) -> None:
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_KEY"):
        call_command("backup", "--output", str(tmp_path / "x.ltyb"))
    settings.BACKUP_KEY = "c2hvcnQ="
    with pytest.raises(CommandError, match="32 random bytes"):
        call_command("backup", "--output", str(tmp_path / "x.ltyb"))
    assert not list(tmp_path.iterdir())  # no archive, not even a partial one


def test_laptop_keys_gain_a_backup_key(tmp_path: Path, monkeypatch: Any) -> None:
    from lingtouyang import settings as project_settings

    old = {"SECRET_KEY": "s", "FIELD_ENCRYPTION_KEY": "f", "BLIND_INDEX_KEY": "b"}
    (tmp_path / "dev-secrets.json").write_text(json.dumps(old))
    monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path)
    values = project_settings._dev_secrets()
    assert {k: values[k] for k in old} == old  # the existing keys are kept: the data stays readable
    assert len(base64.b64decode(values["BACKUP_KEY"])) == 32
    assert json.loads((tmp_path / "dev-secrets.json").read_text()) == values
    assert project_settings._dev_secrets() == values  # added once, not replaced on the next start


def test_table_digest_sees_any_change() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (id integer primary key, name text, blob blob)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", [(2, "乙", b"\x00"), (1, "甲", None)])
    cursor = db.cursor()
    first = digests.table_digest(cursor, "sqlite", "t")
    assert first[0] == 2
    db.execute("UPDATE t SET blob = x'01' WHERE id = 2")
    assert digests.table_digest(cursor, "sqlite", "t") != first
    db.execute("UPDATE t SET blob = x'00' WHERE id = 2")
    assert digests.table_digest(cursor, "sqlite", "t") == first  # the same rows, the same digest
    assert digests.table_digest(cursor, "sqlite", "t", max_id=1)[0] == 1
