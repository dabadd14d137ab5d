"""Names and kinds of divisions as the statistics bureau publishes them, and their pinyin."""

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

from lingtouyang.regions.models import Kind

_C, _V = Kind.COMMUNITY, Kind.VILLAGE

# A village-level division's official name ends in its committee (谭坝村民委员会) or in the word for
# the unit itself (谭坝村). The short name drops the committee and keeps, or adds, the unit's word.
# Every suffix here is one the bureau writes; tests/regions/test_naming.py checks that every name of the national file
# ends in one of them (or is an exception listed below), and that Luzhou's names keep their short names.
# (suffix, word the short name ends with, kind); "" keeps what is left (巴音牧委会 → 巴音).
_COMMITTEES = [
    ("社区居民管理委员会", "社区", _C), ("社区居民委员会", "社区", _C), ("社区管理委员会", "社区", _C),
    ("社区居委会", "社区", _C), ("社区委员会", "社区", _C), ("社区居委", "社区", _C),
    ("居民委员会", "社区", _C), ("居民委会", "社区", _C), ("居委会", "社区", _C),
    ("街道委员会", "街", _C), ("街委员会", "街", _C),  # 天津 (南关街街道委员会)
    ("村民委员会", "村", _V), ("村民委会", "村", _V), ("村委员会", "村", _V), ("村委会", "村", _V), ("村委", "村", _V),
    # 内蒙古's gacha (嘎查), 青海's and 西藏's pastoral committees, fishing villages' committees.
    ("嘎查人民委员会", "嘎查", _V), ("嘎查委员会", "嘎查", _V), ("嘎查委会", "嘎查", _V),
    ("牧民委员会", "", _V), ("牧委会", "", _V), ("渔委会", "", _V),
    ("队委会", "队", _V), ("管理区委员会", "管理区", _V),  # a production team's, a farm district's
]  # fmt: skip
# Names that are the unit itself, kept whole.
_UNITS = [
    ("社区", _C), ("生活区", _C),  # 生活区: the living quarters of a farm, a forestry centre, a 兵团 company
    ("家委会", _C),  # 家属委员会: the residents' committee of a works' housing
    ("社区服务中心", _C), ("社区工作站", _C), ("社区筹备处", _C),
    ("村", _V), ("嘎查", _V), ("村民小组", _V),
    ("管理区", _V),  # a state farm's or forestry centre's district (黑龙江's 农场第一管理区)
    ("队", _V), ("连", _V), ("牧场", _V), ("农场", _V),  # production teams, brigades, 兵团 companies
]  # fmt: skip
# Misspellings of a committee's name seen in the national file, and what was meant.
_MISSPELT = [
    ("委员会会", "委员会"), ("委会会", "委会"), ("委委员会", "委员会"), ("委会委会", "委会"), ("委委会", "委会"),
    ("民员委会", "民委员会"), ("员委会", "委员会"), ("委会员", "委员会"), ("民委员", "民委员会"), ("村委员", "村委员会"),
    ("居委员会", "居委会"), ("居委员", "居委会"), ("居居委员会", "居委会"), ("居委委员会", "居委会"), ("居民会", "居民委员会"),
    ("社区居会", "社区居委会"), ("社区居", "社区居委会"), ("居民委", "居民委员会"), ("村民民委员会", "村民委员会"),
    ("居名委员会", "居民委员会"), ("村名委员会", "村民委员会"), ("民居委员会", "居民委员会"), ("村员委员会", "村委员会"),
    ("村村民委员民", "村民委员会"), ("村民委员会委", "村民委员会"), ("村会", "村委会"), ("社区委会", "社区委员会"),
    ("村子委会", "村委会"), ("居员会", "居委会"), ("村民会员会", "村民委员会"), ("委员会委会", "委员会"),
]  # fmt: skip
# Names of the national file that fit no rule, as they should be read.
_EXCEPTIONS = {
    "金门县": ("金门县", _V),  # 福建's 金门: county, township and village at once, with no divisions
    "西矾硫村东矾硫": ("西矾硫村东矾硫", _V),
    "中和村和民委员会": ("中和村", _V),
    "桂花村季会": ("桂花村", _V),
    "白龙二村街民委员会": ("白龙二村", _V),
    "庆城县莲池开发区管理区委员会办公室": ("庆城县莲池开发区管理区", _V),
    "马脊梁社区居委会区": ("马脊梁社区", _C),
    "红星社区居委会二": ("红星社区二", _C),
    "刘家畔村委会一": ("刘家畔村一", _V),
    "韩家山村委会一": ("韩家山村一", _V),
    "联合村委会大": ("联合村大", _V),
    "下博尔博村松委会": ("下博尔博村", _V),
    "类似居委会西区": ("类似居委会西区", _C),
    "类似居委会北区": ("类似居委会北区", _C),
    "高砂村委会婺源生态工业园区": ("高砂村", _V),
    "岭下村委会婺源生态工业园区": ("岭下村", _V),
    "湖林村委会婺源生态工业园区": ("湖林村", _V),
}
# Where one suffix ends another, the longer is tried first.
_COMMITTEES.sort(key=lambda rule: -len(rule[0]))
_UNITS.sort(key=lambda rule: -len(rule[0]))
_MISSPELT.sort(key=lambda rule: -len(rule[0]))
_PARENTHESES = re.compile(r"[（(][^（）()]*[）)]")


def _by_suffix(name: str) -> tuple[str, str] | None:
    for suffix, word, kind in _COMMITTEES:
        if name.endswith(suffix):
            short = name[: -len(suffix)]
            if not short.endswith(word):
                short += word
            return short or name, kind
    for suffix, kind in _UNITS:
        if name.endswith(suffix):
            return name, kind
    return None


def classify_village(official: str) -> tuple[str, str] | None:
    """Short name and kind, or None for a name no rule reads (village_name_and_kind's fallback)."""
    if official in _EXCEPTIONS:
        return _EXCEPTIONS[official]
    found = _by_suffix(official)
    if found is None:
        for typo, meant in _MISSPELT:
            if official.endswith(typo):
                found = _by_suffix(official[: -len(typo)] + meant)
                break
    if found is not None or "（" not in official and "(" not in official:
        return found
    # Notes in brackets: 北扎兰营子村委会（一分场）, 郭庄村（居）委会, 园艺场（特殊村委会）, （高家坪村委会）.
    bare = _PARENTHESES.sub("", official).rstrip("）)")
    found = classify_village(bare) if bare else None
    if found is not None:
        tail = official[len(bare):] if official.startswith(bare) else ""
        return found[0] + tail.replace("（社区）", ""), found[1]  # 乌龙巷居委会（社区）: 乌龙巷社区
    for note in reversed(_PARENTHESES.findall(official)):  # the unit named in a note
        if (in_note := classify_village(note[1:-1].removeprefix("特殊").removeprefix("农村"))) is not None:
            return (in_note[0] if official == note else official), in_note[1]
    return None


def village_name_and_kind(official: str) -> tuple[str, str]:
    return classify_village(official) or (official, Kind.VILLAGE)


def township_kind(name: str) -> str:
    if name.endswith("街道") or name.endswith("街道办事处"):
        return Kind.SUBDISTRICT
    if name.endswith("镇"):
        return Kind.TOWN
    return Kind.TOWNSHIP


def county_kind(name: str) -> str:
    return Kind.DISTRICT if name.endswith("区") else Kind.COUNTY


@lru_cache(maxsize=1 << 18)
def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials, lower case without separators: 红岩村 → hongyancun, hyc. One
    conversion serves both (an initial is its syllable's first letter, as Style.FIRST_LETTER gives:
    checked on all 335,467 names of the national divisions), cached: half the villages' names repeat."""
    syllables = lazy_pinyin(name, errors="ignore")
    return "".join(syllables).lower(), "".join(s[:1] for s in syllables).lower()
