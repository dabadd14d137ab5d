"""Names and kinds of divisions as the statistics bureau publishes them, and their pinyin."""

from pypinyin import Style, lazy_pinyin

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


def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials, lower case without separators: 红岩村 → hongyancun, hyc."""
    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials
