"""What residents' personal data a disclosure may show, as data: names shown, ID numbers masked
(510502********123X), phone numbers never. Applied by the service when a draft is saved, so a stored
table never holds more than the public may see and the published hash covers exactly what is shown."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Column kind → policy: "show", "mask" or "never" (the column is dropped).
COLUMN_POLICY = {"text": "show", "number": "show", "money": "show", "name": "show", "id_number": "mask",
                 "phone": "never"}
MAX_TABLES, MAX_COLUMNS, MAX_ROWS = 10, 20, 2000


def mask_id(value: Any) -> str:
    """First 6 and last 4 characters of an 18-character ID number (or whatever is left of a shorter one)."""
    text = str(value or "").strip().upper()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def clean_tables(tables: Any) -> list[dict[str, Any]]:
    """Tables in the stored shape with the policy applied; a clear refusal for a malformed one."""
    if tables in (None, ""):
        return []
    if not isinstance(tables, list) or len(tables) > MAX_TABLES:
        raise ValidationError({"tables": _("tables must be a list of at most %(n)d tables") % {"n": MAX_TABLES}})
    out = []
    for table in tables:
        if not isinstance(table, dict) or not isinstance(table.get("columns"), list) \
                or not isinstance(table.get("rows", []), list):
            raise ValidationError({"tables": _("each table needs columns and rows")})
        columns = table["columns"]
        if not columns or len(columns) > MAX_COLUMNS or len(table.get("rows", [])) > MAX_ROWS:
            raise ValidationError({"tables": _("a table has 1 to %(c)d columns and at most %(r)d rows")
                                   % {"c": MAX_COLUMNS, "r": MAX_ROWS}})
        kinds = []
        for col in columns:
            kind = col.get("kind", "text") if isinstance(col, dict) else None
            if kind not in COLUMN_POLICY or not str(col.get("label", "")).strip():
                raise ValidationError({"tables": _("each column needs a label and a known kind")})
            kinds.append(kind)
        keep = [i for i, k in enumerate(kinds) if COLUMN_POLICY[k] != "never"]
        rows = []
        for row in table.get("rows", []):
            if not isinstance(row, list) or len(row) != len(columns):
                raise ValidationError({"tables": _("every row must have one cell per column")})
            rows.append([mask_id(row[i]) if COLUMN_POLICY[kinds[i]] == "mask" else
                         ("" if row[i] is None else str(row[i]))[:200] for i in keep])
        out.append({"title": str(table.get("title", ""))[:200],
                    "columns": [{"label": str(columns[i]["label"])[:100], "kind": kinds[i]} for i in keep],
                    "rows": rows})
    return out
