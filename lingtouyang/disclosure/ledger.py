"""The tamper-evident ledger (防篡改台账). Each village has one hash chain over its published disclosures:

    content_hash(n) = H(canonical JSON of disclosure n as published, attachments by their hashes)
    entry_hash(n)   = H(entry_hash(n-1) + content_hash(n)),   entry_hash(0) = 64 zeros

and the chain's head is published each day (`LedgerHead`). Verification re-computes everything from the
rows the pages show, so a change made behind the application's back (raw SQL on a body, a line, an
attachment's file, the hashes themselves, a deleted or inserted row) is named by its entry. H is chosen in
one place, `digest` (SHA-256 or SM3 per settings, see core/digest.py; entries record their algorithm)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.core import digest as hashing
from lingtouyang.core.scope import code_bounds
from lingtouyang.disclosure.models import Attachment, Disclosure, FinanceLine, LedgerEntry, LedgerHead

GENESIS = "0" * 64
# What this machine can compute (core.digest: SHA-256, and SM3 where OpenSSL has it). Each entry records its
# algorithm, so a chain begun under one verifies after the setting moves to the other.
ALGORITHMS: dict[str, Callable[[bytes], str]] = {
    name: (lambda data, name=name: hashing.digest(data, name)) for name in hashing.available()
}
CENT = Decimal("0.01")


def algorithm() -> str:
    """LINGTOUYANG_LEDGER_HASH if set, else the project's LINGTOUYANG_HASH_ALGORITHM (env HASH_ALGORITHM)."""
    return getattr(settings, "LINGTOUYANG_LEDGER_HASH", "") or getattr(settings, "LINGTOUYANG_HASH_ALGORITHM", "sha256")


def digest(data: bytes, name: str | None = None) -> str:
    """The one hash function of the ledger."""
    return ALGORITHMS[name or algorithm()](data)


def chain(prev_hash: str, content_hash: str, name: str | None = None) -> str:
    return digest((prev_hash + content_hash).encode("ascii"), name)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The disclosure's columns that are published (and hashed), as read by `values()`.
DOC_FIELDS = ["id", "region_id", "item_key", "item_id", "period_label", "period_start", "period_end", "title", "body",
              "tables", "opening_balance", "closing_balance", "version", "corrects_id", "correction_reason",
              "published_at"]


def document(doc: dict[str, Any], lines: Iterable[tuple[str, str, Any]],
             attachments: Iterable[tuple[str, str, int, str]]) -> bytes:
    """The published content as bytes, the same on SQLite and PostgreSQL: sorted keys, no spaces, money as
    strings with two decimals, times in UTC. `doc` holds DOC_FIELDS; `lines` (kind, subject, amount) and
    `attachments` (name, content type, size, sha256) in their order (position, id)."""
    data = {
        "village": doc["region_id"], "item": doc["item_key"], "item_version": doc["item_id"],
        "period": [doc["period_label"], doc["period_start"].isoformat(), doc["period_end"].isoformat()],
        "title": doc["title"], "body": doc["body"], "tables": doc["tables"],
        "opening": _money(doc["opening_balance"]), "closing": _money(doc["closing_balance"]),
        "lines": [[k, subject, _money(amount)] for k, subject, amount in lines],
        "attachments": [list(a) for a in attachments],
        "version": doc["version"], "corrects": doc["corrects_id"], "correction_reason": doc["correction_reason"],
        "published_at": _when(doc["published_at"]),
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def canonical(d: Disclosure, lines: Iterable[FinanceLine], attachments: Iterable[Attachment]) -> bytes:
    """`document` of a model instance and its lines and attachments."""
    return document({f: getattr(d, f) for f in DOC_FIELDS},
                    [(ln.kind, ln.subject, ln.amount) for ln in sorted(lines, key=lambda x: (x.position, x.pk))],
                    [(a.name, a.content_type, a.size, a.sha256) for a in sorted(attachments, key=lambda x: x.pk)])


def content_hash(d: Disclosure, lines: Iterable[FinanceLine], attachments: Iterable[Attachment],
                 name: str | None = None) -> str:
    return digest(canonical(d, lines, attachments), name)


def append(d: Disclosure) -> LedgerEntry:
    """The next entry of d's village's chain. Call inside the publication's transaction, after locking the
    village's row (services do), so two publications cannot take the same number."""
    last = LedgerEntry.objects.filter(region_id=d.region_id).order_by("-seq").only("seq", "entry_hash").first()
    prev = last.entry_hash if last else GENESIS
    name = algorithm()
    body = content_hash(d, d.lines.all(), d.attachments.all(), name)
    return LedgerEntry.objects.create(region_id=d.region_id, seq=(last.seq + 1) if last else 1, disclosure=d,
                                      algorithm=name, content_hash=body, prev_hash=prev,
                                      entry_hash=chain(prev, body, name), recorded_at=d.published_at)


# --- daily heads -----------------------------------------------------------------------------------------


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def publish_heads(on: date, prefix: str = "") -> int:
    """Publish each village's head as of the end of `on` (entries recorded before midnight), for the villages
    with entries and no head that day: two grouped reads and one insert. The count published."""
    entries = LedgerEntry.objects.filter(recorded_at__lt=_end_of(on))
    if prefix:
        low, high = code_bounds(prefix)
        entries = entries.filter(region_id__gte=low, region_id__lte=high)
    done = LedgerHead.objects.filter(date=on).values("region_id")
    latest = entries.exclude(region_id__in=done).values("region_id").annotate(n=Max("seq"))
    pairs = {(row["region_id"], row["n"]) for row in latest}
    if not pairs:
        return 0
    heads = []
    villages = sorted({v for v, _n in pairs})
    wanted = dict(pairs)
    for start in range(0, len(villages), 500):
        chunk = villages[start:start + 500]
        for v, seq, h in (LedgerEntry.objects.filter(region_id__in=chunk)
                          .values_list("region_id", "seq", "entry_hash").iterator()):
            if wanted.get(v) == seq:
                heads.append(LedgerHead(region_id=v, date=on, entries=seq, head_hash=h))
    LedgerHead.objects.bulk_create(heads, ignore_conflicts=True, batch_size=1000)
    return len(heads)


# --- verification ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    village: str
    ok: bool
    entries: int
    first_bad_entry: int | None
    reason: str
    head_hash: str = ""


def _file_sha256(stored_name: str) -> str | None:
    path = Path(settings.UPLOAD_DIR) / "disclosure" / Path(stored_name).name
    if not path.exists():
        return None
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def verify_village(code: str, *, check_files: bool = True) -> VerifyResult:
    """Re-compute the village's chain from the rows: "intact" (ok) or the first entry that was altered and how."""
    return verify_villages([code], check_files=check_files)[0]


def verify_villages(codes: list[str], *, check_files: bool = True) -> list[VerifyResult]:
    """verify_village for several villages with five queries in all (rows read as values, not models)."""
    entries: dict[str, list[dict[str, Any]]] = {c: [] for c in codes}
    for e in LedgerEntry.objects.filter(region_id__in=codes).order_by("region_id", "seq").values(
            "region_id", "seq", "disclosure_id", "algorithm", "content_hash", "prev_hash", "entry_hash"):
        entries[e["region_id"]].append(e)
    ids = [e["disclosure_id"] for rows in entries.values() for e in rows]
    docs: dict[int, dict[str, Any]] = {}
    stray: dict[str, int] = {}
    wanted = set(ids)
    for d in Disclosure.objects.filter(region_id__in=codes, state=Disclosure.State.PUBLISHED).values(*DOC_FIELDS):
        docs[d["id"]] = d
        if d["id"] not in wanted:
            stray.setdefault(d["region_id"], d["id"])
    missing = wanted - set(docs)
    if missing:  # moved to another village or unpublished behind the back: read them to say so
        for d in Disclosure.objects.filter(pk__in=missing).values(*DOC_FIELDS, "state"):
            docs[d["id"]] = d
    lines: dict[int, list[tuple[str, str, Any]]] = {}
    for did, kind, subject, amount in (FinanceLine.objects.filter(disclosure__region_id__in=codes)
                                       .order_by("disclosure_id", "position", "id")
                                       .values_list("disclosure_id", "kind", "subject", "amount")):
        lines.setdefault(did, []).append((kind, subject, amount))
    files: dict[int, list[tuple[str, str, int, str, str]]] = {}
    for did, *rest in (Attachment.objects.filter(disclosure__region_id__in=codes).order_by("id")
                       .values_list("disclosure_id", "name", "content_type", "size", "sha256", "stored_name")):
        files.setdefault(did, []).append(tuple(rest))
    heads: dict[str, list[LedgerHead]] = {}
    for head in LedgerHead.objects.filter(region_id__in=codes).order_by("date"):
        heads.setdefault(head.region_id, []).append(head)
    return [_verify_one(code, entries[code], docs, lines, files, heads.get(code, []), stray.get(code), check_files)
            for code in codes]


def _verify_one(code: str, entries: list[dict[str, Any]], docs: dict[int, dict[str, Any]],
                lines: dict[int, list[tuple[str, str, Any]]], files: dict[int, list[tuple[str, str, int, str, str]]],
                heads: list[LedgerHead], stray: int | None, check_files: bool) -> VerifyResult:
    def bad(e_seq: int, reason: str) -> VerifyResult:
        return VerifyResult(code, False, len(entries), e_seq, reason)

    prev = GENESIS
    hashes: dict[int, str] = {}
    for n, e in enumerate(entries, start=1):
        if e["seq"] != n:
            return bad(n, _("entry %(n)d is missing from the ledger") % {"n": n})
        d = docs.get(e["disclosure_id"])
        if d is None or d.get("state", Disclosure.State.PUBLISHED) != Disclosure.State.PUBLISHED \
                or d["region_id"] != code:
            return bad(n, _("entry %(n)d: its disclosure is missing or no longer published") % {"n": n})
        if e["prev_hash"] != prev:
            return bad(n, _("entry %(n)d: the link to the entry before was altered") % {"n": n})
        if e["algorithm"] not in ALGORITHMS:
            return bad(n, _("entry %(n)d: unknown hash algorithm") % {"n": n})
        atts = files.get(d["id"], [])
        if check_files:
            for name, _ctype, _size, sha, stored in atts:
                if _file_sha256(stored) != sha:
                    return bad(n, _("entry %(n)d (disclosure %(id)d): attachment “%(name)s” was altered or removed")
                               % {"n": n, "id": d["id"], "name": name})
        body = digest(document(d, lines.get(d["id"], []), [a[:4] for a in atts]), e["algorithm"])
        if body != e["content_hash"]:
            return bad(n, _("entry %(n)d (disclosure %(id)d, “%(title)s”): the content shown no longer matches "
                            "what was published") % {"n": n, "id": d["id"], "title": d["title"]})
        if chain(prev, e["content_hash"], e["algorithm"]) != e["entry_hash"]:
            return bad(n, _("entry %(n)d: its hash was altered") % {"n": n})
        prev = e["entry_hash"]
        hashes[n] = prev
    for head in heads:
        if head.entries and hashes.get(head.entries) != head.head_hash:
            return bad(min(head.entries, len(entries) + 1),
                       _("the chain no longer ends in the head published on %(date)s (%(n)d entries)")
                       % {"date": head.date.isoformat(), "n": head.entries})
    if stray is not None:
        return bad(len(entries) + 1, _("disclosure %(id)d is shown as published but is not in the ledger")
                   % {"id": stray})
    return VerifyResult(code, True, len(entries), None, _("intact"), prev if entries else "")


def villages_with_entries(prefix: str = "") -> list[str]:
    qs = LedgerEntry.objects.all()
    if prefix:
        low, high = code_bounds(prefix)
        qs = qs.filter(region_id__gte=low, region_id__lte=high)
    published = Disclosure.objects.published()
    if prefix:
        published = published.within(prefix)
    return sorted(set(qs.values_list("region_id", flat=True).distinct())
                  | set(published.values_list("region_id", flat=True).distinct()))


def verify_region(prefix: str = "", *, check_files: bool = True, chunk: int = 100) -> list[VerifyResult]:
    """verify_village for every village under `prefix` that has a ledger or a published disclosure, a hundred
    villages per round of queries."""
    codes = villages_with_entries(prefix)
    out: list[VerifyResult] = []
    for start in range(0, len(codes), chunk):
        out += verify_villages(codes[start:start + chunk], check_files=check_files)
    return out


def head_of(code: str) -> dict[str, Any] | None:
    head = LedgerHead.objects.filter(region_id=code).order_by("-date").first()
    return None if head is None else {"date": head.date, "entries": head.entries, "head_hash": head.head_hash}
