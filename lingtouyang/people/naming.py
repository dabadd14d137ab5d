"""Pinyin of a person's name, for search by pinyin (zhangsan) or initials (zs): one function for
the forms, the API, the importer and the demo, so that the same name always gets the same keys.

A name is not a phrase: the phrase-aware conversion used for place names (regions.naming) reads
张长江 as the river, and knows nothing of surnames. Here the surname (one or two characters) is read
from a table of the readings surnames take (曾 zeng, not ceng; 覃 qin, not tan), and the given name
character by character from a cache: a name's cost is a few dictionary look-ups, which an import of
100,000 rows can afford."""

from pypinyin import lazy_pinyin

# Surnames whose reading differs from the character's everyday one (pypinyin's default), and a few
# that agree with it but are kept here with the rest of their family (冼, 尉, 长孙).
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    # Compound surnames (looked up before the one-character ones).
    "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "曾": ("zeng",), "覃": ("qin",), "单": ("shan",), "解": ("xie",), "仇": ("qiu",), "区": ("ou",),
    "查": ("zha",), "朴": ("piao",), "盖": ("ge",), "缪": ("miao",), "翟": ("zhai",), "乐": ("yue",),
    "召": ("shao",), "种": ("chong",), "员": ("yun",), "折": ("she",), "重": ("chong",), "繁": ("po",),
    "秘": ("bi",), "句": ("gou",), "冼": ("xian",), "尉": ("wei",), "藏": ("zang",), "薄": ("bo",),
    "卜": ("bu",), "隗": ("wei",), "洗": ("xian",),
}  # fmt: skip
# Given-name characters whose everyday reading (pypinyin's) is rarely the one names use.
GIVEN_READINGS: dict[str, str] = {"长": "chang"}

_SURNAME_KEYS = {surname: ("".join(r), "".join(s[0] for s in r)) for surname, r in SURNAME_READINGS.items()}
# Syllable and initial of each character met, computed once: names use a few thousand characters
# (bounded all the same, against a file of odd characters).
_CHAR_KEYS: dict[str, tuple[str, str]] = {}
_CHAR_KEYS_MAX = 50_000


def _char_keys(char: str) -> tuple[str, str]:
    syllable = GIVEN_READINGS.get(char)
    if syllable is None:
        found = lazy_pinyin(char, errors="ignore")  # nothing for what is no Han character (the · in names)
        syllable = found[0].lower() if found else ""
    keys = (syllable, syllable[:1])
    if len(_CHAR_KEYS) < _CHAR_KEYS_MAX:
        _CHAR_KEYS[char] = keys
    return keys


def name_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials, lower case without separators: 曾涛明 → (zengtaoming, ztm). A
    two-character name is never a compound surname alone (单于 is 单 shan with the given name 于)."""
    surname = _SURNAME_KEYS.get(name[:2]) if len(name) > 2 else None
    if surname is not None:
        given = name[2:]
    elif (surname := _SURNAME_KEYS.get(name[:1])) is not None:
        given = name[1:]
    else:
        surname, given = ("", ""), name
    full, initials = surname
    for char in given:  # the import's per-row cost: kept to look-ups and concatenation
        syllable, initial = _CHAR_KEYS.get(char) or _char_keys(char)
        full += syllable
        initials += initial
    return full, initials
