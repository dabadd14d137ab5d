"""The Simplified Chinese catalogue: complete, compiled, covering the code, and actually used.

`make messages` regenerates and compiles it; these tests say when someone forgot to."""

import os
import re
import shutil
import struct
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

import lingtouyang

PACKAGE_DIR = Path(lingtouyang.__file__).resolve().parent
MESSAGES_DIR = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = MESSAGES_DIR / "django.po"
MO_PATH = MESSAGES_DIR / "django.mo"
# The same arguments as `make messages`.
MAKEMESSAGES_OPTIONS = {"locale": ["zh_Hans"], "no_obsolete": True, "ignore_patterns": ["static/vendor/*"]}
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]")


# --- a tiny .po / .mo reader (no dependencies) ------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted .po string: {text!r}")
    escapes = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: msgctxt, msgid, msgid_plural (or None), msgstr (list: one per plural form), flags."""
    entries: list[dict] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        field: tuple[str, int | None] | None = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#~") or not line:
                continue  # obsolete entries are not part of the catalogue
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",") if f.strip()}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if field is None:
                    raise ValueError(f"{path}: string without a keyword: {line!r}")
                name, index = field
                if name == "msgstr":
                    entry["msgstr"][index] += _unquote(line)
                else:
                    entry[name] += _unquote(line)
            else:
                keyword, _, rest = line.partition(" ")
                match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
                if match or keyword == "msgstr":
                    index = int(match.group(1)) if match else 0
                    entry["msgstr"][index] = _unquote(rest)
                    field = ("msgstr", index)
                elif keyword in ("msgctxt", "msgid", "msgid_plural"):
                    entry[keyword] = _unquote(rest)
                    field = (keyword, None)
                else:
                    raise ValueError(f"{path}: unexpected line {line!r}")
        if entry["msgid"] is not None:
            entry["msgstr"] = [entry["msgstr"][i] for i in sorted(entry["msgstr"])]
            entries.append(entry)
    return entries


def entry_key(entry: dict) -> str:
    """The key under which gettext stores an entry in a .mo file."""
    key = entry["msgid"] if entry["msgid_plural"] is None else entry["msgid"] + "\x00" + entry["msgid_plural"]
    return key if entry["msgctxt"] is None else entry["msgctxt"] + "\x04" + key


def read_mo(path: Path) -> dict[str, str]:
    """Every original → translation pair of a GNU .mo file, as stored (plural forms joined by NUL)."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    if struct.unpack(order + "I", data[:4])[0] != 0x950412DE:
        raise ValueError(f"{path} is not a .mo file")
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    catalogue = {}
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[originals + 8 * i : originals + 8 * i + 8])
        tlen, toff = struct.unpack(order + "2I", data[translations + 8 * i : translations + 8 * i + 8])
        catalogue[data[ooff : ooff + olen].decode("utf-8")] = data[toff : toff + tlen].decode("utf-8")
    return catalogue


def describe(items) -> str:  # noqa: ANN001
    return "\n".join(f"  {item!r}" if not isinstance(item, str) or "\n" in item else f"  {item}"
                     for item in sorted(items, key=repr))


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run `make messages`"
    return read_po(PO_PATH)


# --- (a) complete ---------------------------------------------------------------------------------------


def test_header_declares_simplified_chinese(po_entries):
    header = next(e for e in po_entries if e["msgid"] == "" and e["msgctxt"] is None)
    assert "fuzzy" not in header["flags"], "the .po header is marked fuzzy; msgfmt would drop it"
    fields = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)
    assert fields.get("Language") == "zh_Hans"
    assert fields.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in fields.get("Content-Type", "")


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    messages = [e for e in po_entries if e["msgid"]]
    assert messages, "the catalogue is empty"
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in messages if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    wrong_plural = [e["msgid"] for e in messages if e["msgid_plural"] is not None and len(e["msgstr"]) != 1]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag):\n{describe(fuzzy)}"
    assert not untranslated, f"untranslated msgids in {PO_PATH.name}:\n{describe(untranslated)}"
    assert not wrong_plural, f"Chinese has one plural form (msgstr[0] only):\n{describe(wrong_plural)}"


def test_translations_keep_the_placeholders(po_entries):
    broken = []
    for e in po_entries:
        if not e["msgid"]:
            continue
        sources = [e["msgid"]] + ([e["msgid_plural"]] if e["msgid_plural"] else [])
        wanted = set().union(*(PLACEHOLDER.findall(s) for s in sources))
        for text in e["msgstr"]:
            if set(PLACEHOLDER.findall(text)) != wanted:
                broken.append(f"{e['msgid']} → {text}")
    assert not broken, "translations whose %(name)s placeholders differ from the source:\n" + describe(broken)


# --- (b) compiled -----------------------------------------------------------------------------------------


def test_compiled_catalogue_matches_the_po(po_entries):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages`"
    compiled = read_mo(MO_PATH)
    expected = {
        entry_key(e): "\x00".join(e["msgstr"])
        for e in po_entries
        if e["msgid"] and "fuzzy" not in e["flags"] and all(e["msgstr"])
    }
    compiled_header = compiled.pop("", "")
    assert "Plural-Forms: nplurals=1; plural=0;" in compiled_header
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, f"django.mo is out of date with django.po; run `make messages`. Differing:\n{describe(stale)}"


# --- (c) covering the code --------------------------------------------------------------------------------


def _require_gettext_tools() -> None:
    missing = [tool for tool in ("xgettext", "msguniq", "msgattrib") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"gettext tools missing ({', '.join(missing)}); install the `gettext` package"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def test_catalogue_covers_every_translatable_string_in_the_code(po_entries, tmp_path, monkeypatch):
    """Run makemessages over a copy of the source into a scratch locale dir; every msgid found must be in
    the committed catalogue. A new or reworded string in a template or module fails here until
    `make messages` is run and the new entries are translated."""
    _require_gettext_tools()
    source = tmp_path / "src"
    shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    scratch_locale = tmp_path / "locale"
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(scratch_locale)]):
        call_command("makemessages", verbosity=0, **MAKEMESSAGES_OPTIONS)
    fresh = read_po(scratch_locale / "zh_Hans" / "LC_MESSAGES" / "django.po")

    def keys(entries):  # noqa: ANN001, ANN202
        return {label(e) for e in entries if e["msgid"]}

    def label(e):  # noqa: ANN001, ANN202
        text = e["msgid"]
        if e["msgid_plural"] is not None:
            text += f" | plural: {e['msgid_plural']}"
        if e["msgctxt"] is not None:
            text += f" [context: {e['msgctxt']}]"
        return text

    in_code, in_catalogue = keys(fresh), keys(po_entries)
    missing = in_code - in_catalogue
    stale = in_catalogue - in_code
    assert len(in_code) > 100, "makemessages found suspiciously few strings"
    assert not missing, (
        f"{len(missing)} translatable string(s) in the code are not in lingtouyang/locale/zh_Hans/LC_MESSAGES/django.po; "
        "run `make messages`, translate them, and commit the .po and .mo:\n"
        + describe(missing)
        + (f"\n(and {len(stale)} catalogue entries no longer in the code:\n{describe(stale)})" if stale else "")
    )


# --- (d), (e) used at run time ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_is_chinese_by_default_and_english_on_request(client):
    body = client.get("/login/").content.decode()
    assert "登录" in body
    assert "Log in" not in body

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    body = client.get("/login/").content.decode()
    assert "Log in" in body
    assert "登录" not in body


def test_service_messages_follow_the_active_language():
    from lingtouyang.people.idnumber import IdNumberError, parse_id_number

    valid = "11010519491231002X"
    parse_id_number(valid)
    mistyped = valid[:-1] + "1"
    with translation.override("zh-hans"), pytest.raises(IdNumberError) as zh:
        parse_id_number(mistyped)
    with translation.override("en"), pytest.raises(IdNumberError) as en:
        parse_id_number(mistyped)
    assert zh.value.message == "公民身份号码校验位不正确（是否输错了某一位？）"
    assert en.value.message == "the ID number's check character is wrong (mistyped digit?)"
