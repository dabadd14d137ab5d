"""Loading the statistics bureau's divisions shipped in regions/data/. Idempotent: codes already
present are left alone, so running it twice adds nothing."""

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from lingtouyang.core.bulk import insert_rows
from lingtouyang.regions.models import Kind, Level, Region
from lingtouyang.regions.naming import county_kind, pinyin_keys, township_kind, village_name_and_kind

DATA = Path(__file__).resolve().parent / "data"
NATIONAL = DATA / "national"
FIELDS = ["code", "name", "short_name", "level", "kind", "parent", "pinyin", "initials"]

SICHUAN = ("510000000000", "四川省")
LUZHOU = ("510500000000", "泸州市")


def _pad(code: str) -> str:
    return code.ljust(12, "0")


def _row(code: str, name: str, short: str, level: int, kind: str, parent: str | None) -> tuple:
    full, initials = pinyin_keys(short)
    return (code, name, short, level, kind, parent, full, initials)


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        yield from csv.DictReader(fh)


def _luzhou_rows() -> Iterator[tuple]:
    yield _row(*SICHUAN, SICHUAN[1], Level.PROVINCE, Kind.PROVINCE, None)
    yield _row(*LUZHOU, LUZHOU[1], Level.CITY, Kind.CITY, SICHUAN[0])
    for rec in _read_csv(NATIONAL / "areas.csv.gz"):
        if rec["cityCode"] == "5105":
            yield _row(_pad(rec["code"]), rec["name"], rec["name"], Level.COUNTY, county_kind(rec["name"]), LUZHOU[0])
    for rec in _read_csv(DATA / "luzhou-townships.csv"):
        kind = township_kind(rec["name"])
        yield _row(_pad(rec["code"]), rec["name"], rec["name"], Level.TOWNSHIP, kind, _pad(rec["county_code"]))
    for rec in _read_csv(DATA / "luzhou-villages.csv"):
        short, kind = village_name_and_kind(rec["name"])
        yield _row(rec["code"], rec["name"], short, Level.VILLAGE, kind, _pad(rec["township_code"]))


def _national_rows() -> Iterator[tuple]:
    for rec in _read_csv(NATIONAL / "provinces.csv.gz"):
        yield _row(_pad(rec["code"]), rec["name"], rec["name"], Level.PROVINCE, Kind.PROVINCE, None)
    for rec in _read_csv(NATIONAL / "cities.csv.gz"):
        yield _row(_pad(rec["code"]), rec["name"], rec["name"], Level.CITY, Kind.CITY, _pad(rec["provinceCode"]))
    for rec in _read_csv(NATIONAL / "areas.csv.gz"):
        kind = county_kind(rec["name"])
        yield _row(_pad(rec["code"]), rec["name"], rec["name"], Level.COUNTY, kind, _pad(rec["cityCode"]))
    for rec in _read_csv(NATIONAL / "streets.csv.gz"):
        kind = township_kind(rec["name"])
        yield _row(_pad(rec["code"]), rec["name"], rec["name"], Level.TOWNSHIP, kind, _pad(rec["areaCode"]))
    for rec in _read_csv(NATIONAL / "villages.csv.gz"):
        short, kind = village_name_and_kind(rec["name"])
        yield _row(rec["code"], rec["name"], short, Level.VILLAGE, kind, _pad(rec["streetCode"]))


def _load(rows: Iterator[tuple]) -> int:
    seen = set(Region.objects.values_list("code", flat=True))

    def fresh() -> Iterator[tuple]:
        # A padded code can come twice: 东莞市 is a city and its own county (441900 → 441900000000),
        # 金门县 its own township and village. The first (higher) level wins.
        for row in rows:
            if row[0] not in seen:
                seen.add(row[0])
                yield row

    # Parents come before children in every source file, so inserting in order keeps FKs valid.
    with transaction.atomic():
        return insert_rows(Region, [f if f != "parent" else "parent_id" for f in FIELDS], fresh())


def load_luzhou() -> int:
    return _load(_luzhou_rows())


def load_national() -> int:
    return _load(_national_rows())

