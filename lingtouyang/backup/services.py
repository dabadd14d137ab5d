"""Backup and restore: one encrypted archive holding a consistent copy of the database, the uploaded files and
a manifest (row counts and a hash of every table, the migration state, the disclosure ledger's heads and the
audit trail's head) that the restoring machine checks everything against before it says the restore worked."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.backup import archive, digests
from lingtouyang.backup.archive import ArchiveError

MANIFEST = "manifest.json"
DB_SQLITE, DB_PGDUMP = "database.sqlite3", "database.pgdump"
# Uploaded roster files hold full ID numbers and live only while their import runs: never copied elsewhere.
TRANSIENT_UPLOADS = "import-*.xlsx"


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the person running it."""


def _file_roots(include_portal: bool) -> dict[str, Path]:
    roots = {"uploads": Path(settings.UPLOAD_DIR), "media": Path(settings.MEDIA_ROOT)}
    if include_portal:
        roots["portal"] = Path(settings.PORTAL_DIR)
    return roots


def _key() -> bytes:
    value = getattr(settings, "BACKUP_KEY", "")
    if not value:
        raise BackupError(_("No backup key: set BACKUP_KEY to 32 random bytes, base64-encoded (keep a copy of it "
                            "away from the backups: without it they cannot be read)."))
    try:
        return archive.parse_key(value)
    except ArchiveError as exc:
        raise BackupError(str(exc)) from exc


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(_("%(tool)s was not found: install PostgreSQL's client programs (Debian: apt-get install "
                            "postgresql-client, the same major version as the server or later).") % {"tool": name})
    return path


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                     ("PGDATABASE", "NAME")):
        if s.get(key):
            env[var] = str(s[key])
    return env


def _columns(cursor: Any, vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(f"PRAGMA table_info({digests._quote(table)})")
        return [row[1] for row in cursor.fetchall()]
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                   "AND table_name = %s", [table])
    return [row[0] for row in cursor.fetchall()]


def chain_heads(cursor: Any, vendor: str) -> dict[str, Any]:
    """The disclosure ledger's head per village, its published heads, and the audit trail's last event."""
    tables = set(digests.table_names(cursor, vendor))
    out: dict[str, Any] = {"ledger": {"chain_heads": [], "published_heads": []}, "audit": {}}
    if "disclosure_ledgerentry" in tables:
        cursor.execute("SELECT e.region_id, e.seq, e.entry_hash FROM disclosure_ledgerentry e "
                       "JOIN (SELECT region_id, max(seq) AS seq FROM disclosure_ledgerentry GROUP BY region_id) m "
                       "ON m.region_id = e.region_id AND m.seq = e.seq ORDER BY e.region_id")
        out["ledger"]["chain_heads"] = [{"village": r[0], "entries": r[1], "head_hash": r[2]} for r in cursor.fetchall()]
    if "disclosure_ledgerhead" in tables:
        cursor.execute("SELECT region_id, date, entries, head_hash FROM disclosure_ledgerhead ORDER BY region_id, date")
        out["ledger"]["published_heads"] = [{"village": r[0], "date": str(r[1]), "entries": r[2], "head_hash": r[3]}
                                            for r in cursor.fetchall()]
    if "audit_auditevent" in tables:
        columns = _columns(cursor, vendor, "audit_auditevent")
        cursor.execute("SELECT count(*), max(id) FROM audit_auditevent")
        count, last = cursor.fetchone()
        out["audit"] = {"events": count, "last_id": last}
        if "seq" in columns and "entry_hash" in columns:  # the audit trail's hash chain: its last sealed link
            cursor.execute("SELECT seq, entry_hash FROM audit_auditevent "
                           "WHERE seq = (SELECT max(seq) FROM audit_auditevent)")
            row = cursor.fetchone()
            out["audit"].update({"chain_seq": row[0] if row else None, "head_hash": row[1] if row else None})
    return out


def _migrations(cursor: Any, tables: dict[str, Any]) -> list[list[str]]:
    if "django_migrations" not in tables:  # a database never migrated: nothing to record
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[r[0], r[1]] for r in cursor.fetchall()]


def _version() -> str:
    try:
        return metadata.version("lingtouyang")
    except metadata.PackageNotFoundError:
        return "unknown"


class _Hashing:
    """A file read through it leaves its SHA-256 behind."""

    def __init__(self, src: IO[bytes]) -> None:
        self.src, self.sha256 = src, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.src.read(n)
        self.sha256.update(data)
        return data


def _walk(root: Path, skip: set[Path], *, uploads: bool) -> Iterator[Path]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in skip and not (here / d).is_symlink())
        for name in sorted(filenames):
            path = here / name
            if path.is_symlink() or not path.is_file():
                continue
            if uploads and here == root and path.match(TRANSIENT_UPLOADS):
                continue
            yield path


@contextmanager
def _private_dir(near: Path) -> Iterator[Path]:
    """A directory only this account can read, beside `near` (same disk), removed afterwards whatever happens."""
    path = Path(tempfile.mkdtemp(prefix=".lingtouyang-backup-", dir=near))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _dump_sqlite(box: ArchiveBox, work: Path) -> dict[str, Any]:
    copy = work / "copy.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)  # SQLite's online backup: one consistent state of the database
    finally:
        target.close()
    raw = sqlite3.connect(copy)
    try:
        cursor = raw.cursor()
        tables = digests.database_digests(cursor, "sqlite")
        facts = {"tables": tables, "migrations": _migrations(cursor, tables),
                 **chain_heads(cursor, "sqlite")}
    finally:
        raw.close()
    with copy.open("rb") as fh:
        box.container.add_stream(DB_SQLITE, fh)
    return facts


def _dump_postgresql(box: ArchiveBox) -> dict[str, Any]:
    pg_dump = _tool("pg_dump")
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("SET TIME ZONE 'UTC'")
        # One snapshot for everything: the manifest's hashes and pg_dump read the very same state.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = digests.database_digests(cursor, "postgresql")
        facts = {"tables": tables, "migrations": _migrations(cursor, tables),
                 **chain_heads(cursor, "postgresql")}
        proc = subprocess.Popen(  # noqa: S603 - fixed arguments, the snapshot id comes from the server
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env())
        assert proc.stdout is not None and proc.stderr is not None
        box.container.add_stream(DB_PGDUMP, proc.stdout)
        error = proc.stderr.read().decode(errors="replace")
        if proc.wait() != 0:
            raise BackupError(_("pg_dump failed: %(error)s") % {"error": error.strip()[-2000:]})
        cursor.execute("COMMIT")
    finally:
        raw.close()
    return facts


@dataclass
class ArchiveBox:
    container: archive.ContainerWriter


def backup_create(*, acting_user: Any = None, output: Path, include_portal: bool = False) -> dict[str, Any]:
    """Writes the archive to `output` (first under a temporary name beside it, so that a backup cut short never
    looks like a finished one) and returns its manifest."""
    key = _key()
    output = output.resolve()
    if output.exists() and output.is_dir():
        raise BackupError(_("%(path)s is a directory; give a file name.") % {"path": output})
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor})
    if "django_migrations" not in connection.introspection.table_names():
        raise BackupError(_("This database has no tables yet: nothing to back up (wrong DATABASE_URL?)."))
    created = timezone.now()
    partial = output.with_name(f".{output.name}.partial")
    roots = _file_roots(include_portal)
    try:
        with _private_dir(output.parent) as work, \
                os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            box = ArchiveBox(archive.ContainerWriter(archive.EncryptingWriter(out, key)))
            facts = _dump_sqlite(box, work) if vendor == "sqlite" else _dump_postgresql(box)
            files = []
            skip = {p.resolve() for p in roots.values()}
            for label, root in roots.items():
                for path in _walk(root, skip - {root.resolve()}, uploads=label == "uploads"):
                    name = f"files/{label}/{path.relative_to(root).as_posix()}"
                    with path.open("rb") as fh:
                        hashing = _Hashing(fh)
                        size = box.container.add_stream(name, hashing)  # type: ignore[arg-type]
                    files.append({"name": name, "size": size, "sha256": hashing.sha256.hexdigest()})
            manifest = {
                "format": archive.FORMAT, "created_at": created.isoformat(), "lingtouyang_version": _version(),
                "hash_algorithm": digests.ALGORITHM, "database": {"vendor": vendor, "tables": facts["tables"]},
                "migrations": facts["migrations"], "ledger": facts["ledger"], "audit": facts["audit"],
                "files": files, "file_roots": sorted(roots),
            }
            box.container.add_bytes(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            box.container.close()
            out.flush()
            os.fsync(out.fileno())
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    tables = manifest["database"]["tables"]
    audit_record("backup.create", user=acting_user, changes={
        "file": output.name, "tables": len(tables), "rows": sum(t["rows"] for t in tables.values()),
        "files": len(files)})
    return manifest


# Restore ---------------------------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    pending_migrations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(path: Path) -> dict[str, Any]:
    """Reads the whole archive once, authenticating every chunk, and returns its manifest: nothing is touched
    before the archive is known to be whole and made with this key."""
    key = _key()
    manifest = None
    try:
        with path.open("rb") as src:
            for entry in archive.entries(src, key):
                if entry.name == MANIFEST:
                    manifest = json.loads(entry.read_all())
    except ArchiveError as exc:
        raise BackupError(str(exc)) from exc
    except OSError as exc:
        raise BackupError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
    if not isinstance(manifest, dict):
        raise BackupError(_("The backup has no manifest: it is damaged."))
    if manifest.get("format", 0) > archive.FORMAT:
        raise BackupError(_("This backup was made by a newer version of lingtouyang."))
    return manifest


def _target_contents() -> list[tuple[str, int]]:
    """The tables already in the target database with their row counts (largest first)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = []
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts.append((name, cursor.fetchone()[0]))
    return sorted(counts, key=lambda c: (-c[1], c[0]))


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    return [f"{app}.{name}" for app, name in manifest.get("migrations", [])
            if app in loader.migrated_apps and (app, name) not in known]


def _refuse_unless_empty(roots: dict[str, Path], force: bool) -> None:
    tables = _target_contents()
    if tables and not force:
        shown = ", ".join(f"{name} ({rows})" for name, rows in tables[:8])
        raise BackupError(_("The target database is not empty: %(n)d tables, e.g. %(tables)s. Restore into an empty "
                            "database, or add --force to replace everything in it.") % {"n": len(tables),
                                                                                         "tables": shown})
    busy = [str(root) for root in roots.values() if root.is_dir() and any(root.iterdir())]
    if busy and not force:
        raise BackupError(_("These file directories are not empty: %(dirs)s. Restore onto an empty machine, or add "
                            "--force to replace their contents.") % {"dirs": ", ".join(busy)})


def _wipe(roots: dict[str, Path]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        connection.close()
        name = Path(connection.settings_dict["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    for root in roots.values():
        if root.is_dir():
            shutil.rmtree(root)


def _safe_target(roots: dict[str, Path], name: str) -> Path:
    parts = name.split("/")
    if len(parts) < 3 or parts[0] != "files" or parts[1] not in roots or any(p in ("", ".", "..") for p in parts[2:]):
        raise BackupError(_("The backup holds a file with an unsafe name: %(name)s") % {"name": name[:200]})
    return roots[parts[1]].joinpath(*parts[2:])


def _restore_sqlite(entry: archive.Entry, work: Path) -> Path:
    copy = work / "restored.sqlite3"
    with copy.open("wb") as out:
        for block in entry.blocks():
            out.write(block)
    return copy


def _restore_postgresql(entry: archive.Entry) -> None:
    pg_restore = _tool("pg_restore")
    connection.close()
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
         f"--dbname={connection.settings_dict['NAME']}"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_pg_env())
    assert proc.stdin is not None and proc.stderr is not None
    try:
        for block in entry.blocks():
            proc.stdin.write(block)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    error = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        raise BackupError(_("pg_restore failed; nothing was restored into the database: %(error)s")
                          % {"error": error.strip()[-2000:]})


def _check_database(report: RestoreReport, cursor: Any, vendor: str) -> None:
    expected = report.manifest["database"]["tables"]
    found = digests.database_digests(cursor, vendor)
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if got is None:
            report.problems.append(_("table %(table)s is in the backup but was not restored") % {"table": table})
        elif want is None:
            report.problems.append(_("table %(table)s is not in the backup") % {"table": table})
        elif want != got:
            report.problems.append(_("table %(table)s: %(want)d rows expected, %(got)d restored, contents differ")
                                   % {"table": table, "want": want["rows"], "got": got["rows"]}
                                   if want["rows"] != got["rows"] else
                                   _("table %(table)s: contents differ from the backup") % {"table": table})
    heads = chain_heads(cursor, vendor)
    if heads["ledger"] != report.manifest["ledger"]:
        report.problems.append(_("the disclosure ledger's heads differ from those recorded in the backup"))
    if heads["audit"] != report.manifest["audit"]:
        report.problems.append(_("the audit trail's head differs from the one recorded in the backup"))
    rows = sum(t["rows"] for t in found.values())
    report.lines.append(_("database: %(tables)d tables, %(rows)d rows, each table's hash as in the backup")
                        % {"tables": len(found), "rows": rows} if report.ok else
                        _("database: %(tables)d tables, %(rows)d rows") % {"tables": len(found), "rows": rows})


def _raw_cursor_for_check(sqlite_path: Path | None) -> tuple[Any, Any]:
    if sqlite_path is not None:
        raw = sqlite3.connect(sqlite_path)
    else:
        raw = connection.get_new_connection(connection.get_connection_params())
        raw.autocommit = True
        raw.execute("SET TIME ZONE 'UTC'")
    return raw, raw.cursor()


def _run_check(report: RestoreReport, command: str, label: str) -> None:
    out = io.StringIO()
    try:
        call_command(command, stdout=out, stderr=out)
    except SystemExit as exc:
        if exc.code:
            report.problems.append(_("%(check)s failed: %(output)s") % {"check": label,
                                                                      "output": out.getvalue().strip()[-1000:]})
            return
    except Exception as exc:  # a checker that crashes is a failed check, reported, not a traceback
        report.problems.append(_("%(check)s failed: %(output)s") % {"check": label, "output": exc})
        return
    report.lines.append(_("%(check)s: passed") % {"check": label})


def backup_restore(*, acting_user: Any = None, path: Path, force: bool = False) -> RestoreReport:
    """Restores the archive onto this machine's database and file directories, then checks every table, file and
    chain against the manifest. Refuses a target that is not empty unless `force`."""
    key = _key()
    manifest = read_manifest(path)
    report = RestoreReport(manifest=manifest)
    vendor = manifest.get("database", {}).get("vendor")
    if vendor != connection.vendor:
        raise BackupError(_("This is a backup of a %(theirs)s database; this machine uses %(ours)s.")
                          % {"theirs": vendor, "ours": connection.vendor})
    if unknown := _unknown_migrations(manifest):
        raise BackupError(_("This backup was made by a newer version of lingtouyang (its database has changes this "
                            "version does not know: %(names)s). Install that version first.")
                          % {"names": ", ".join(unknown[:5])})
    roots = _file_roots("portal" in manifest.get("file_roots", []))
    _refuse_unless_empty(roots, force)
    if force:
        _wipe(roots)
    expected_files = {f["name"]: f for f in manifest.get("files", [])}
    db_target = Path(connection.settings_dict["NAME"]) if connection.vendor == "sqlite" else None
    with _private_dir(db_target.parent if db_target else Path(tempfile.gettempdir())) as work:
        restored_sqlite: Path | None = None
        seen: set[str] = set()
        try:
            with path.open("rb") as src:
                for entry in archive.entries(src, key):
                    if entry.name == DB_SQLITE and connection.vendor == "sqlite":
                        restored_sqlite = _restore_sqlite(entry, work)
                    elif entry.name == DB_PGDUMP and connection.vendor == "postgresql":
                        _restore_postgresql(entry)
                    elif entry.name.startswith("files/"):
                        target = _safe_target(roots, entry.name)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        sha = hashlib.sha256()
                        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
                            for block in entry.blocks():
                                sha.update(block)
                                out.write(block)
                        want = expected_files.get(entry.name)
                        if want is None or want["sha256"] != sha.hexdigest():
                            report.problems.append(_("file %(name)s differs from the backup") % {"name": entry.name})
                        seen.add(entry.name)
        except ArchiveError as exc:  # the first pass read the same bytes; the file changed since
            raise BackupError(str(exc)) from exc
        for name in sorted(set(expected_files) - seen):
            report.problems.append(_("file %(name)s is missing") % {"name": name})
        report.lines.append(_("files: %(n)d restored") % {"n": len(seen)})
        # The database is checked before it takes the target's place (SQLite) or over a fresh connection
        # (PostgreSQL, restored in one transaction).
        raw, cursor = _raw_cursor_for_check(restored_sqlite)
        try:
            _check_database(report, cursor, connection.vendor)
        finally:
            raw.close()
        if restored_sqlite is not None and db_target is not None:
            connection.close()
            for suffix in ("-wal", "-shm"):
                Path(f"{db_target}{suffix}").unlink(missing_ok=True)
            restored_sqlite.replace(db_target)
    report.pending_migrations = _pending_migrations()
    _run_check(report, "verify_ledger", _("disclosure ledger"))
    if "verify_audit" in get_commands():
        _run_check(report, "verify_audit", _("audit trail"))
    rows = sum(t["rows"] for t in manifest["database"]["tables"].values())
    if not report.pending_migrations:  # before `migrate`, the audit table may lack what this version writes
        audit_record("backup.restore", user=acting_user, outcome="ok" if report.ok else "failed", changes={
            "file": path.name, "created_at": manifest.get("created_at"), "rows": rows,
            "problems": len(report.problems)})
    return report


def _pending_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
