"""The default catalogue (村(居)务公开指导目录, 52 items from public guidance) as data: data/catalogue.csv,
loaded for the city by migration 0002 (and by `load_default` on demand, e.g. for another city)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "catalogue.csv"
CITY_CODE = "510500000000"
EFFECTIVE_FROM = date(2020, 1, 1)


def default_rows() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [{
        "code": r["code"], "category": r["category"], "title": r["title"], "frequency": r["frequency"],
        "is_finance": r["is_finance"] == "1", "has_personal_data": r["has_personal_data"] == "1",
        "due_day": int(r["due_day"]), "due_months_after": 1, "description": r["description"],
        "sort_order": n,
    } for n, r in enumerate(rows, start=1)]


def load_default(model: Any, region_code: str = CITY_CODE) -> int:
    """Version 1 of every default item for `region_code`, unless that region already has items; the count."""
    if model.objects.filter(region_code=region_code).exists():
        return 0
    model.objects.bulk_create([model(region_code=region_code, version=1, effective_from=EFFECTIVE_FROM, **row)
                               for row in default_rows()])
    return len(default_rows())
