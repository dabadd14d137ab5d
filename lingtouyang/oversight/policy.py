"""Response deadlines as data: the one engine that reads `ResponsePolicy`.

On a day, each prefix's latest row already in force counts, and the longest prefix the village's code starts
with wins (seeded: `51`, Sichuan, 10 days for the village and 20 for the township after it). Where no row
applies, the settings `LINGTOUYANG_FEEDBACK_VILLAGE_DAYS` / `..._TOWNSHIP_DAYS` do. Days are calendar days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from lingtouyang.oversight.models import ResponsePolicy


@dataclass(frozen=True)
class Deadlines:
    village_days: int
    township_days: int

    def due_dates(self, submitted: date) -> tuple[date, date]:
        """The village answers by `village_due` (inclusive); the township by `township_due`, counted from the
        day after the village's deadline, when the thread escalates."""
        village_due = submitted + timedelta(days=self.village_days)
        return village_due, village_due + timedelta(days=self.township_days)


def deadlines_for(village_code: str, on: date) -> Deadlines:
    prefixes = [village_code[:n] for n in range(len(village_code) + 1)]
    row = (ResponsePolicy.objects.filter(prefix__in=prefixes, effective_from__lte=on)
           .order_by("-effective_from").only("prefix", "village_days", "township_days", "effective_from"))
    best: ResponsePolicy | None = None
    for candidate in row:  # a handful of rows at most: one per prefix and version
        if best is None or len(candidate.prefix) > len(best.prefix):
            best = candidate
    if best is None:
        return Deadlines(settings.LINGTOUYANG_FEEDBACK_VILLAGE_DAYS, settings.LINGTOUYANG_FEEDBACK_TOWNSHIP_DAYS)
    return Deadlines(best.village_days, best.township_days)
