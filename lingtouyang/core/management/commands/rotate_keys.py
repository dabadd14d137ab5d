"""Re-encrypts every encrypted column under the current key and cipher, and recomputes blind indexes.

Rotating the field key, with no downtime:
  1. `lingtouyang rotate-keys --generate` prints a new key.
  2. On every server, add it to FIELD_ENCRYPTION_OLD_KEYS (decrypt only) and restart: all now read both.
  3. Make it FIELD_ENCRYPTION_KEY and put the previous key in FIELD_ENCRYPTION_OLD_KEYS; restart. New values
     use the new key; old rows still decrypt with the old one.
  4. Run `lingtouyang rotate-keys`. It pages through each table by primary key, and per batch re-reads the
     rows still under another key or cipher with a row lock, re-encrypts them and writes them in one
     transaction: a row a user changes meanwhile is re-read, never overwritten with its older value. Rows
     already current are skipped, so a stopped run is simply run again.
  5. When `lingtouyang rotate-keys --dry-run` counts nothing left, remove the old key.
Switching cipher (FIELD_CIPHER=sm4-gcm) is step 4 alone: the same key serves both ciphers (core/crypto.py).

Rotating BLIND_INDEX_KEY: set the new key as BLIND_INDEX_KEY and the previous one as BLIND_INDEX_OLD_KEY,
restart, run `lingtouyang rotate-keys --blind-index`, then remove BLIND_INDEX_OLD_KEY. Meanwhile the roster's
duplicate checks (form, API, import) look under both keys, so no one is added twice; other look-ups by ID
number (training enrolment, score import, recruitment) find a person once their row is recomputed, so run it
in a quiet hour. The oversight submitter hash (of an address, which is not stored) cannot be recomputed:
its only use is rate limiting, which restarts from zero under the new key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core import crypto

BATCH = 2_000
# Blind indexes that can be recomputed from a stored ciphertext: model label → (cipher column, index column).
BLIND_INDEXES = {"people.person": ("id_cipher", "id_index")}


def encrypted_columns() -> dict[type[models.Model], list[str]]:
    """Every column holding crypto.encrypt output: by convention a BinaryField named *_cipher."""
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, models.BinaryField) and f.name.endswith("_cipher")]
        if names and not model._meta.proxy:
            found[model] = names
    return found


@dataclass
class Tally:
    rows: int = 0
    stale: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)


def _write(model: type[models.Model], objs: list[models.Model], fields: list[str]) -> None:
    model._base_manager.bulk_update(objs, fields, batch_size=500)


def rotate_model(model: type[models.Model], columns: list[str], *, batch: int, dry_run: bool,
                 progress: Callable[[str], None], index: tuple[str, str] | None = None,
                 tally: Tally | None = None) -> Tally:
    """Keyset pages by pk; in each, the rows needing work are locked, re-read and rewritten together.
    `tally` (filled as it goes) lets the caller report what an interrupted run did."""
    tally = tally or Tally()
    for name in [*columns, *(index[1:] if index else ())]:
        tally.stale[name] = tally.done[name] = 0
    label = model._meta.label_lower
    manager = model._base_manager
    last: Any = None
    while True:
        page = manager.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values_list("pk", *columns, *(index[1:] if index else ()))[:batch])
        if not rows:
            break
        last = rows[-1][0]
        tally.rows += len(rows)
        todo = [r[0] for r in rows if _needs(r, columns, index, tally)]
        if todo and not dry_run:
            with transaction.atomic():
                fresh = manager.select_for_update().filter(pk__in=todo).values_list(
                    "pk", *columns, *(index[1:] if index else ()))
                objs, changed, counts = [], set(), dict.fromkeys(tally.done, 0)
                for row in fresh:
                    obj, names = _renew(model, row, columns, index)
                    if names:
                        objs.append(obj)
                        changed |= names
                        for name in names:
                            counts[name] += 1
                if objs:
                    _write(model, objs, sorted(changed))
            for name, n in counts.items():
                tally.done[name] += n
        progress((_("%(label)s: %(rows)d rows read, %(done)d values to rewrite") if dry_run
                  else _("%(label)s: %(rows)d rows read, %(done)d values rewritten")) % {
            "label": label, "rows": tally.rows, "done": sum((tally.stale if dry_run else tally.done).values())})
    return tally


def _needs(row: tuple[Any, ...], columns: list[str], index: tuple[str, str] | None, tally: Tally) -> bool:
    needed = False
    for name, blob in zip(columns, row[1:1 + len(columns)], strict=True):
        if not crypto.is_current(blob):
            tally.stale[name] += 1
            needed = True
    if index:
        blob = row[1 + columns.index(index[0])]
        if blob is not None and crypto.blind_index(crypto.decrypt(blob)) != row[-1]:
            tally.stale[index[1]] += 1
            needed = True
    return needed


def _renew(model: type[models.Model], row: tuple[Any, ...], columns: list[str],
           index: tuple[str, str] | None) -> tuple[models.Model, set[str]]:
    # Every column gets a value: one batch writes the union of the columns any of its rows needed, and a
    # column left unset would be written as empty. The values are those read under the row lock.
    values, names = {}, set()
    for name, blob in zip(columns, row[1:1 + len(columns)], strict=True):
        values[name] = blob
        if not crypto.is_current(blob):
            values[name] = crypto.reencrypt(blob)
            names.add(name)
    if index:
        blob, values[index[1]] = row[1 + columns.index(index[0])], row[-1]
        if blob is not None and (value := crypto.blind_index(crypto.decrypt(blob))) != row[-1]:
            values[index[1]] = value
            names.add(index[1])
    return model(pk=row[0], **values), names


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted column under FIELD_ENCRYPTION_KEY and FIELD_CIPHER (rows under a key in "
            "FIELD_ENCRYPTION_OLD_KEYS, or another cipher); with --blind-index, also recompute the ID number "
            "indexes under BLIND_INDEX_KEY. Safe to stop and run again; the application keeps working.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
        parser.add_argument("--blind-index", action="store_true",
                            help="also recompute blind indexes (after changing BLIND_INDEX_KEY)")
        parser.add_argument("--batch-size", type=int, default=BATCH, help=f"rows per transaction (default {BATCH})")
        parser.add_argument("--generate", action="store_true", help="print a new random key and exit")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["generate"]:
            self.stdout.write(crypto.generate_key())
            return
        if opts["batch_size"] < 1:
            raise CommandError(_("--batch-size must be at least 1"))
        ring = crypto.key_ring()
        dry = opts["dry_run"]
        self.stdout.write(_("Current key %(kid)s, cipher %(cipher)s; %(n)d old key(s) for reading.") % {
            "kid": ring.current.id.hex(), "cipher": _cipher_name(ring.version), "n": len(ring.others)})
        summary: dict[str, Any] = {"key_id": ring.current.id.hex(), "cipher": _cipher_name(ring.version),
                                   "dry_run": dry, "blind_index": opts["blind_index"]}
        outcome = "ok"
        tallies: dict[str, Tally] = {}
        try:
            for model, columns in encrypted_columns().items():
                label = model._meta.label_lower
                index = BLIND_INDEXES.get(label) if opts["blind_index"] else None
                tally = tallies[label] = Tally()
                rotate_model(model, columns, batch=opts["batch_size"], dry_run=dry, tally=tally,
                             progress=lambda line: self.stdout.write(line), index=index)
                for name, stale in tally.stale.items():
                    self.stdout.write(
                        (_("%(col)s: %(n)d of %(rows)d rows to rewrite") if dry
                         else _("%(col)s: %(n)d of %(rows)d rows rewritten")) % {
                            "col": f"{label}.{name}", "n": stale if dry else tally.done[name], "rows": tally.rows})
        except BaseException:
            outcome = "error"
            raise
        finally:
            for label, tally in tallies.items():
                for name, stale in tally.stale.items():
                    # rewritten (or, in a dry run, to rewrite) / rows read
                    summary[f"{label}.{name}"] = f"{stale if dry else tally.done[name]}/{tally.rows}"
            # One event per run, interrupted ones included: what was done before the stop is recorded.
            audit_record("security.rotate_keys", changes=summary, outcome=outcome)
        self.stdout.write(self.style.SUCCESS(_("Dry run: nothing written.") if dry else _("Done.")))


def _cipher_name(version: int) -> str:
    return {v: k for k, v in crypto.CIPHERS.items()}[version]
