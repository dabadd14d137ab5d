"""Roster export: the import's own columns, so an exported file can be edited and imported."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _

from lingtouyang.audit.services import audit_record
from lingtouyang.core.xlsx import write_xlsx, xlsx_response
from lingtouyang.people import roster_format as fmt
from lingtouyang.people.codes import GENDER_LABEL_ZH, POST_LABEL_ZH, SOURCE_LABEL_ZH
from lingtouyang.people.models import Appointment, Person
from lingtouyang.people.selectors import person_list

CHUNK = 2_000


def _rows(queryset: Any, full_id: bool, full_phone: bool) -> Iterator[list[Any]]:
    current = Prefetch("appointments", queryset=Appointment.objects.current().order_by("post", "id"),
                       to_attr="current_posts")
    for p in queryset.prefetch_related(current).iterator(chunk_size=CHUNK):
        posts = p.current_posts
        yield [
            p.name,
            GENDER_LABEL_ZH.get(p.gender, ""),
            p.get_ethnicity_display(),
            p.full_id_number() if full_id else p.id_masked,
            p.birth_date.isoformat(),
            p.get_political_status_display(),
            p.get_education_display(),
            p.region_id,
            "、".join(POST_LABEL_ZH[a.post] for a in posts),
            min(a.start_date for a in posts).isoformat() if posts else "",
            p.phone_number() if full_phone else p.phone_masked,
            SOURCE_LABEL_ZH.get(p.source, ""),
        ]


def _scope_note(user: Any, region: str, q: str, full_id: bool, full_phone: bool) -> str:
    who = getattr(user, "username", "") or "cli"
    lines = [
        _("Exported by: %(who)s") % {"who": who},
        _("Scope (region code prefix): %(prefix)s") % {"prefix": region or getattr(user, "scope_prefix", "") or _("all")},
        _("Search: %(q)s") % {"q": q or "-"},
        _("ID numbers: %(mode)s") % {"mode": _("full") if full_id else _("masked")},
        _("Phone numbers: %(mode)s") % {"mode": _("full") if full_phone else _("masked")},
    ]
    return "\n".join(lines)


def export_people_response(user: Any, *, q: str = "", region: str = "", full_id: bool = False) -> HttpResponse:
    """Masked ID numbers unless full ones are asked for and the role may see them (then audited as such)."""
    full_id = full_id and user.has_capability("view_full_id")
    # Phone numbers in full for those who keep the roster (Person.phone_for), so the file can be re-imported.
    full_phone = user.has_capability("edit_people")
    qs = person_list(user, q=q, region=region).select_related(None)
    # A filter outside the exporter's jurisdiction selects nothing; the row belongs to the exporter's region.
    scope = region if region.startswith(user.scope_prefix) else user.scope_prefix
    audit_record("export.people", region_code=scope, user=user,
                 changes={"q": q, "region": region, "full_id": full_id, "full_phone": full_phone})
    name = f"roster-{region or user.scope_prefix or 'all'}.xlsx"
    return xlsx_response(name, fmt.HEADERS, _rows(qs, full_id, full_phone), sheet="花名册",
                         note=_scope_note(user, scope, q, full_id, full_phone))


def export_people_file(path: Path | str, *, region: str, full_id: bool = False) -> int:
    """For the command line, which acts for the whole installation."""
    qs = Person.objects.within(region).order_by("region_id", "id")
    audit_record("export.people", region_code=region,
                 changes={"region": region, "full_id": full_id, "full_phone": True, "path": str(path)})
    return write_xlsx(path, fmt.HEADERS, _rows(qs, full_id, True), sheet="花名册",
                      note=_scope_note(None, region, "", full_id, True))
