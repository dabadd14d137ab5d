"""The audit trail's tamper evidence.

Each event gets, when it is written, a MAC: HMAC-H(K, content), K derived from SECRET_KEY, which the
database does not hold. A row inserted or altered by raw SQL has no MAC that verifies.

Events are then sealed into one chain, in the order they are sealed:

    entry_hash(n) = H(seq | prev_hash | algorithm | mac | content),   prev_hash(n) = entry_hash(n-1)

so a deleted event leaves a gap in `seq` and a broken link. Sealing happens after the writing transaction
commits (`transaction.on_commit`) and at the start of verify-audit, under a short lock of its own: a payroll
run holding its transaction for minutes never makes other writers wait for the chain. The chain's head, as
verify-audit last found it intact, is kept in `AuditHead` (and printed): deleting events from the end
leaves a head pointing past the chain. After a prune, `AuditAnchor` says where the chain starts again.

H is SM3 or SHA-256 (core.digest, per event); content is canonical JSON of every column."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.audit import guard
from lingtouyang.audit.models import AuditAnchor, AuditEvent, AuditHead
from lingtouyang.core import digest

CONTENT_FIELDS = ("at", "actor_id", "actor_name", "address", "action", "object_type", "object_id", "region_code",
                  "changes", "outcome")
ROW_FIELDS = ("id", *CONTENT_FIELDS, "algorithm", "mac", "seq", "prev_hash", "entry_hash")
# pg_advisory_xact_lock's key for sealing: any constant no other part of the project uses.
SEAL_LOCK = 0x6C7479617564  # "ltyaud"
UNSEALED_GRACE = timedelta(minutes=1)


# --- content, keys, hashes ---------------------------------------------------------------------------------


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: Any) -> Any:
    """JSON as it comes back from either database: PostgreSQL's jsonb gives 1e16 back as an integer, so a
    float with no fraction is written as the integer it equals."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def content(row: dict[str, Any]) -> bytes:
    """Every column an event is about, as bytes that are the same on SQLite and PostgreSQL."""
    data = {name: row[name] for name in CONTENT_FIELDS}
    data["at"] = _when(row["at"])
    data["changes"] = _plain(row["changes"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@cache
def _key(secret: str, name: str) -> bytes:
    # A key of its own for the audit trail, so that nothing else keyed by SECRET_KEY can produce these MACs.
    return bytes.fromhex(digest.mac(secret.encode("utf-8"), b"lingtouyang audit trail v1", name))


def _keys(name: str) -> list[bytes]:
    """The current key first, then those of SECRET_KEY_FALLBACKS: rows written before a key rotation verify."""
    return [_key(s, name) for s in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]]


def row_mac(row: dict[str, Any], name: str) -> str:
    return digest.mac(_keys(name)[0], content(row), name)


def mac_ok(row: dict[str, Any]) -> bool:
    name = row["algorithm"]
    if name not in digest.available():
        return False
    body = content(row)
    return any(digest.mac(key, body, name) == row["mac"] for key in _keys(name))


def chain_algorithm(row: dict[str, Any]) -> str:
    """The algorithm that links this row. A row with a name nobody wrote (raw SQL) is linked with SHA-256,
    so it cannot stop the sealing; its MAC fails anyway."""
    return row["algorithm"] if row["algorithm"] in digest.ALGORITHMS else digest.SHA256


def entry_hash(row: dict[str, Any], seq: int, prev_hash: str) -> str:
    head = f"{seq}|{prev_hash}|{row['algorithm']}|{row['mac']}|".encode("ascii", "replace")
    return digest.digest(head + content(row), chain_algorithm(row))


def _record_mac(kind: str, *parts: Any, name: str | None = None, key: bytes | None = None) -> str:
    name = name or digest.algorithm()
    body = "|".join([kind, *(str(p) for p in parts)]).encode("utf-8")
    return digest.mac(key or _keys(name)[0], body, name)


def _record_ok(kind: str, mac: str, *parts: Any) -> bool:
    return any(_record_mac(kind, *parts, name=name, key=key) == mac
               for name in digest.available() for key in _keys(name))


def stamp(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` of a new event with its time, algorithm and MAC: what audit_record inserts."""
    row = {**fields, "at": fields.get("at") or timezone.now()}
    # What the database will give back: keys as strings, tuples as lists.
    row["changes"] = json.loads(json.dumps(row.get("changes") or {}))
    name = digest.algorithm()
    return {**row, "algorithm": name, "mac": row_mac(row, name)}


# --- sealing -----------------------------------------------------------------------------------------------


def _lock() -> None:
    """Serialise sealers. SQLite's write transactions already are (BEGIN IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])


def _last_link() -> tuple[int, str]:
    """The last sealed position and hash; where the anchor says, if every sealed event was pruned."""
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "entry_hash").first()
    if last is not None:
        return last
    anchor = AuditAnchor.objects.order_by("-seq").values_list("seq", "prev_hash").first()
    if anchor is not None:
        return anchor[0] - 1, anchor[1]
    return 0, digest.GENESIS


def _write_links(links: list[tuple[int, int, str, str]]) -> int:
    """(id, seq, prev_hash, entry_hash) of a batch in one UPDATE; only rows still unsealed are touched."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    params = [value for link in links for value in link]
    # Table name from the model, placeholders only: every value is a parameter.
    if connection.vendor == "postgresql":
        # Four arrays rather than 4 × 1000 placeholders: the driver has nothing to parse per row.
        params = [list(column) for column in zip(*links, strict=True)]
        sql = (f"UPDATE {table} AS a SET seq = v.seq, prev_hash = v.prev_hash, entry_hash = v.entry_hash "  # noqa: S608
               "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[]) AS v (id, seq, prev_hash, "
               "entry_hash) WHERE a.id = v.id AND a.seq IS NULL")
    else:
        values = ", ".join(["(%s, %s, %s, %s)"] * len(links))
        sql = (f"UPDATE {table} SET seq = v.column2, prev_hash = v.column3, entry_hash = v.column4 "  # noqa: S608
               f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1 AND {table}.seq IS NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def seal(*, batch: int = 1000) -> int:
    """Link the committed, unsealed events into the chain in id order; the number sealed. A batch per
    transaction: two reads and one UPDATE, under the sealing lock only as long as that takes."""
    sealed = 0
    carried: tuple[int, str] | None = None
    while True:
        with transaction.atomic():
            _lock()
            rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id").values(*ROW_FIELDS)[:batch])
            if not rows:
                return sealed
            # The previous batch's end, unless another sealer went on from it meanwhile (one lookup by key). Reading
            # the last link afresh walks the seq index from its end, past the unsealed rows' NULLs, which is slow
            # while a large backlog is being sealed.
            if carried is None or AuditEvent.objects.filter(seq=carried[0] + 1).exists():
                carried = _last_link()
            seq, prev = carried
            links = []
            for row in rows:
                if row["algorithm"] == digest.SM3 and not digest.sm3_available():
                    raise ImproperlyConfigured("audit events hashed with SM3 cannot be sealed: this OpenSSL lacks SM3")
                seq += 1
                h = entry_hash(row, seq, prev)
                links.append((row["id"], seq, prev, h))
                prev = h
            if _write_links(links) != len(links):
                raise RuntimeError("audit events were sealed by someone else while the sealing lock was held")
            carried = (seq, prev)
        sealed += len(rows)
        if len(rows) < batch:
            return sealed


def _seal_after_commit() -> None:
    seal()


def seal_on_commit() -> None:
    """Seal once the current transaction commits; once per transaction however many events it writes."""
    pending = getattr(connection, "run_on_commit", [])
    if not any(func is _seal_after_commit for _sids, func, _robust in pending):
        # robust: a failed seal must not turn a committed request into an error; verify-audit seals the rest.
        transaction.on_commit(_seal_after_commit, robust=True)


# --- verification ------------------------------------------------------------------------------------------


@dataclass
class Report:
    events: int = 0
    first_seq: int = 1
    last_seq: int = 0
    head: str = digest.GENESIS
    sealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _anchor(report: Report) -> tuple[int, str]:
    anchor = AuditAnchor.objects.order_by("-seq").first()
    if anchor is None:
        return 1, digest.GENESIS
    if not _record_ok("anchor", anchor.mac, anchor.seq, anchor.prev_hash, anchor.pruned_before.isoformat(),
                      anchor.pruned):
        report.problems.append(_("the chain's starting point (anchor at position %(seq)d) was not written by the "
                                 "application") % {"seq": anchor.seq})
    return anchor.seq, anchor.prev_hash


def _heads(start: int, report: Report) -> dict[int, list[AuditHead]]:
    heads: dict[int, list[AuditHead]] = {}
    for head in AuditHead.objects.filter(seq__gte=start).order_by("seq", "id"):
        if not _record_ok("head", head.mac, head.seq, head.entry_hash, _when(head.recorded_at)):
            report.problems.append(_("the chain head recorded at %(when)s (position %(seq)d) was not written by the "
                                     "application") % {"when": head.recorded_at.isoformat(), "seq": head.seq})
            continue
        heads.setdefault(head.seq, []).append(head)
    return heads


def _check_row(row: dict[str, Any], expected: int, prev: str, report: Report) -> None:
    seq = row["seq"]
    where = {"seq": seq, "id": row["id"]}
    if seq != expected:
        report.problems.append(_("events at positions %(first)d to %(last)d are missing (deleted)")
                               % {"first": expected, "last": seq - 1})
    elif row["prev_hash"] != prev:
        report.problems.append(_("event at position %(seq)d (id %(id)d): the link to the event before was altered")
                               % where)
    if row["algorithm"] == digest.SM3 and not digest.sm3_available():
        report.problems.append(_("event at position %(seq)d (id %(id)d) is hashed with SM3, which this machine "
                                 "cannot compute") % where)
        return
    if not mac_ok(row):
        report.problems.append(_("event at position %(seq)d (id %(id)d): altered, or not written by the "
                                 "application") % where)
    elif entry_hash(row, seq, row["prev_hash"]) != row["entry_hash"]:
        report.problems.append(_("event at position %(seq)d (id %(id)d): its hash was altered") % where)


def verify(*, chunk: int = 5000, record_head: bool = True) -> Report:
    """Seal, then walk the chain from its start in `chunk`s and say what is broken. When it is intact and has
    grown, its head is recorded."""
    report = Report(sealed=seal())
    expected, prev = _anchor(report)
    report.first_seq = expected
    heads = _heads(expected, report)
    events = AuditEvent.objects.filter(seq__gte=expected)
    after = expected - 1
    while True:
        rows = list(events.filter(seq__gt=after).order_by("seq").values(*ROW_FIELDS)[:chunk])
        for row in rows:
            _check_row(row, expected, prev, report)
            for head in heads.get(row["seq"], []):
                if head.entry_hash != row["entry_hash"]:
                    report.problems.append(_("the chain no longer passes through the head recorded at %(when)s "
                                             "(position %(seq)d)")
                                           % {"when": head.recorded_at.isoformat(), "seq": head.seq})
            prev, expected = row["entry_hash"], row["seq"] + 1
            report.events += 1
        if len(rows) < chunk:
            break
        after = rows[-1]["seq"]
    report.last_seq, report.head = expected - 1, prev
    beyond = [h for seq, hs in heads.items() if seq > report.last_seq for h in hs]
    if beyond:
        far = max(beyond, key=lambda h: h.seq)
        report.problems.append(_("the chain ends at position %(last)d but reached position %(seq)d at %(when)s: "
                                 "events were deleted from its end")
                               % {"last": report.last_seq, "seq": far.seq, "when": far.recorded_at.isoformat()})
    stale = AuditEvent.objects.filter(seq__isnull=True, at__lt=timezone.now() - UNSEALED_GRACE).count()
    if stale:
        report.problems.append(_("%(n)d events older than a minute are not sealed into the chain") % {"n": stale})
    report.problems += guard.missing()
    if report.ok and record_head and report.events:
        _record_head(report.last_seq, report.head)
    return report


def _record_head(seq: int, head: str) -> None:
    latest = AuditHead.objects.order_by("-seq").values_list("seq", flat=True).first()
    if latest is not None and latest >= seq:
        return
    now = timezone.now()
    AuditHead.objects.create(recorded_at=now, seq=seq, entry_hash=head, mac=_record_mac("head", seq, head, _when(now)))


# --- export ------------------------------------------------------------------------------------------------


def event_json(row: dict[str, Any]) -> str:
    """One event as a line of JSON for a log system (filebeat, rsyslog): every column, the chain included."""
    data = {
        "id": row["id"], "seq": row["seq"], "at": _when(row["at"]), "actor_id": row["actor_id"],
        "actor_name": row["actor_name"], "address": row["address"], "action": row["action"],
        "object_type": row["object_type"], "object_id": row["object_id"], "region_code": row["region_code"],
        "changes": row["changes"], "outcome": row["outcome"], "algorithm": row["algorithm"], "mac": row["mac"],
        "prev_hash": row["prev_hash"], "hash": row["entry_hash"],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def sealed_rows(*, since: datetime | None = None, after_seq: int = 0, before_seq: int | None = None,
                chunk: int = 5000) -> Iterator[dict[str, Any]]:
    """Sealed events in chain order, `chunk` rows per query (keyset on seq: no OFFSET, no server cursor)."""
    qs = AuditEvent.objects.filter(seq__isnull=False)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    after = after_seq
    while True:
        rows = list(qs.filter(seq__gt=after).order_by("seq").values(*ROW_FIELDS)[:chunk])
        yield from rows
        if len(rows) < chunk:
            return
        after = rows[-1]["seq"]


def write_lines(rows: Iterable[dict[str, Any]], out: Any) -> int:
    n = 0
    for row in rows:
        out.write(event_json(row) + "\n")
        n += 1
    return n


# --- retention ---------------------------------------------------------------------------------------------


def retention_days() -> int:
    return int(getattr(settings, "LINGTOUYANG_AUDIT_RETENTION_DAYS", 183))


def earliest_cut() -> date:
    """The latest `before` a prune accepts: everything younger than the retention period stays."""
    return timezone.localdate() - timedelta(days=retention_days())


@dataclass(frozen=True)
class PruneResult:
    pruned: int
    anchor_seq: int
    path: Path


def audit_prune(*, acting_user: Any, before: date, path: Path) -> PruneResult:
    """Export the events from before `before` (a day, local time) to `path` as JSON lines, delete them and
    record where the chain now starts. Refused for anything younger than the retention period, for a chain
    that does not verify (pruning would destroy the evidence) and for an existing file."""
    from lingtouyang.audit.services import audit_record

    if before > earliest_cut():
        raise ValidationError(_("Audit events are kept for at least %(days)d days: the latest day you may prune "
                                "before is %(date)s.") % {"days": retention_days(), "date": earliest_cut().isoformat()})
    if path.exists():
        raise ValidationError(_("%(path)s exists already; choose a new file for the pruned events.") % {"path": path})
    report = verify(record_head=False)
    if not report.ok:
        raise ValidationError(_("The audit chain does not verify; nothing was pruned. Run verify-audit."))
    cutoff = timezone.make_aware(datetime.combine(before, time.min))
    with transaction.atomic():
        _lock()
        start = report.first_seq
        first_kept = (AuditEvent.objects.filter(seq__isnull=False, seq__gte=start, at__gte=cutoff)
                      .order_by("seq").values_list("seq", "prev_hash").first())
        if first_kept is not None:
            cut, cut_prev = first_kept
        else:  # everything sealed is older: the chain goes on from its last event
            last_seq, cut_prev = _last_link()
            cut = last_seq + 1
        if cut <= start:
            return PruneResult(0, start, path)
        with path.open("x", encoding="utf-8") as out:
            n = write_lines(sealed_rows(after_seq=start - 1, before_seq=cut), out)
            out.flush()
            os.fsync(out.fileno())
        with guard.deleting(), connection.cursor() as cursor:
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE seq IS NOT NULL AND seq < %s", [cut])  # noqa: S608
            deleted = cursor.rowcount
        if deleted != n:
            raise RuntimeError(f"exported {n} audit events but deleted {deleted}")
        AuditAnchor.objects.create(seq=cut, prev_hash=cut_prev, pruned_before=before, pruned=n,
                                   mac=_record_mac("anchor", cut, cut_prev, before.isoformat(), n))
        audit_record("audit.prune", user=acting_user, outcome="ok",
                     changes={"before": before.isoformat(), "events": n, "file": str(path), "anchor": cut})
    return PruneResult(n, cut, path)
