"""Village-level names as the statistics bureau writes them: the kind (village or community) and the
short name, over every name of the national file, and Luzhou's exactly as they have always been."""

import csv
import gzip
from collections import Counter

import pytest

from lingtouyang.regions.loader import DATA, NATIONAL
from lingtouyang.regions.models import Kind
from lingtouyang.regions.naming import _EXCEPTIONS, classify_village, village_name_and_kind

V, C = Kind.VILLAGE, Kind.COMMUNITY


def _names(path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        return [rec["name"] for rec in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def national() -> list[str]:
    return _names(NATIONAL / "villages.csv.gz")


def test_every_name_of_the_national_file_is_read_by_a_rule(national):
    assert len(national) == 620_573
    unread = [name for name in national if classify_village(name) is None]
    assert unread == [], f"{len(unread)} names no rule reads, e.g. {unread[:20]}"
    # The listed exceptions are names of the file, not guesses.
    assert set(_EXCEPTIONS) <= set(national)


def test_no_short_name_is_empty_or_keeps_a_committee(national):
    for name in national:
        short, _kind = village_name_and_kind(name)
        assert short, name
        kept_whole = name.endswith("家委会") or name in ("渔委会", "牧委会")  # a works' residents' committee; bare
        if "（" not in name and "(" not in name and name not in _EXCEPTIONS and not kept_whole:
            assert not short.endswith(("委员会", "委会", "委")), (name, short)


def test_the_national_file_has_the_kinds_of_the_suffixes(national):
    kinds = Counter(village_name_and_kind(name)[1] for name in national if name.endswith("生活区"))
    assert kinds == {C: 4979}
    assert {village_name_and_kind(n)[1] for n in national if n.endswith(("街委员会", "街道委员会"))} == {C}
    assert {village_name_and_kind(n)[1] for n in national if n.endswith(("嘎查", "牧委会", "村民委会"))} == {V}


@pytest.mark.parametrize("official, short, kind", [
    ("花家夭村民委会", "花家夭村", V),
    ("巴音牧委会", "巴音", V),
    ("江龙牧业村牧委会", "江龙牧业村", V),
    ("峨堡村牧民委员会", "峨堡村", V),
    ("佳和社区居民委会", "佳和社区", C),
    ("红旗农场虚拟生活区", "红旗农场虚拟生活区", C),
    ("小营股份经济合作社生活区", "小营股份经济合作社生活区", C),
    ("第一街委员会", "第一街", C),
    ("南关街街道委员会", "南关街", C),
    ("万达社区委员会", "万达社区", C),
    ("巴彦芒哈嘎查委员会", "巴彦芒哈嘎查", V),
    ("卜尔汉图嘎查", "卜尔汉图嘎查", V),
    ("庆丰家委会", "庆丰家委会", C),
    ("第一管理区", "第一管理区", V),
    ("小韩庄生产队", "小韩庄生产队", V),
    ("北扎兰营子村委会（一分场）", "北扎兰营子村（一分场）", V),
    ("乌龙巷居委会（社区）", "乌龙巷社区", C),
    ("郭庄村（居）委会", "郭庄村", V),
    ("园艺场（特殊村委会）", "园艺场（特殊村委会）", V),
    ("延吉经济开发区（省级）（特殊社区）", "延吉经济开发区（省级）（特殊社区）", C),
    ("（高家坪村委会）", "高家坪村", V),
    ("万山社区居委会会", "万山社区", C),
    ("岚峪村村民委员", "岚峪村", V),
])
def test_national_spellings(official, short, kind):
    assert village_name_and_kind(official) == (short, kind)


def _before_the_national_rules(official: str) -> tuple[str, str]:
    """village_name_and_kind as it was when Luzhou's divisions were first loaded."""
    for suffix, replacement, kind in [("社区居民委员会", "社区", C), ("社区居委会", "社区", C), ("居民委员会", "社区", C),
                                      ("居委会", "社区", C), ("村民委员会", "村", V), ("村委会", "村", V)]:
        if official.endswith(suffix):
            short = official[: -len(suffix)]
            return (short if short.endswith(replacement) else short + replacement), kind
    return official, C if official.endswith("社区") else V


def test_luzhous_names_are_read_as_before():
    names = _names(DATA / "luzhou-villages.csv")
    assert len(names) == 1488
    assert [village_name_and_kind(n) for n in names] == [_before_the_national_rules(n) for n in names]
    assert village_name_and_kind("谭坝村民委员会") == ("谭坝村", V)
    assert village_name_and_kind("上平社区居民委员会") == ("上平社区", C)
