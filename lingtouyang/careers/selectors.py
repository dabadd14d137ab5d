"""Reads of careers, through the scoped querysets: the list, the channel report (one grouped query), and a
person's whole career as one timeline merged from every app that records part of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.functions import ExtractYear, Substr
from django.utils.translation import gettext as _

from lingtouyang.careers.models import CHANNELS, CareerEvent, Kind
from lingtouyang.core.scope import PREFIX_LENGTHS
from lingtouyang.economy.selectors import region_prefix
from lingtouyang.people.models import Person
from lingtouyang.regions.models import Region


@dataclass
class Filters:
    region: str = ""
    kind: str = ""
    year: int | None = None

    @classmethod
    def parse(cls, params: Any) -> Filters:
        year = str(params.get("year", "")).strip()
        kind = str(params.get("kind", "")).strip()
        return cls(region=region_prefix(str(params.get("region", ""))),
                   kind=kind if kind in Kind.values else "",
                   year=int(year) if year.isdigit() and 1990 <= int(year) <= 2100 else None)


def event_list(user: Any, filters: Filters | None = None) -> QuerySet[CareerEvent]:
    f = filters or Filters()
    qs = CareerEvent.objects.visible_to(user).within(f.region).select_related("person", "region")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.year:
        qs = qs.filter(date__gte=date(f.year, 1, 1), date__lte=date(f.year, 12, 31))
    return qs.order_by("-date", "-id")


def _child_length(prefix: str) -> int:
    """The code length of the regions one level below the prefix (villages stay villages)."""
    lengths = sorted(PREFIX_LENGTHS.values())
    return next((n for n in lengths if n > len(prefix)), 12)


def channel_report(user: Any, prefix: str, year: int | None = None) -> dict[str, Any]:
    """Counts of the three channels per region one level down and per half-year: one grouped query."""
    length = _child_length(prefix)
    qs = CareerEvent.objects.visible_to(user).within(prefix).filter(kind__in=CHANNELS)
    if year:
        qs = qs.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    grouped = (qs.annotate(area=Substr("region_id", 1, length), y=ExtractYear("date"),
                           half=Case(When(date__month__lte=6, then=Value(1)), default=Value(2),
                                     output_field=IntegerField()))
               .values("area", "y", "half", "kind").annotate(n=Count("id")).order_by())
    cells: dict[tuple[int, int, str], dict[str, int]] = {}
    for row in grouped:
        cell = cells.setdefault((row["y"], row["half"], row["area"]), {k: 0 for k in CHANNELS})
        cell[row["kind"]] += row["n"]
    codes = [area.ljust(12, "0") for (_y, _h, area) in cells]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "short_name"))
    rows = [{"year": y, "half": h, "code": area.ljust(12, "0"), "name": names.get(area.ljust(12, "0"), area),
             "counts": [counts[k] for k in CHANNELS], "total": sum(counts.values())}
            for (y, h, area), counts in sorted(cells.items(), key=lambda item: (-item[0][0], -item[0][1], item[0][2]))]
    halves: dict[tuple[int, int], list[int]] = {}
    for r in rows:
        acc = halves.setdefault((r["year"], r["half"]), [0, 0, 0])
        for i, n in enumerate(r["counts"]):
            acc[i] += n
    return {"rows": rows, "halves": [{"year": y, "half": h, "counts": c, "total": sum(c)}
                                     for (y, h), c in sorted(halves.items(), reverse=True)],
            "channels": [Kind(k).label for k in CHANNELS]}


@dataclass
class Entry:
    on: date
    what: str  # the kind of entry, e.g. "post taken up"
    text: str
    detail: str = ""
    url: str = ""


def timeline(user: Any, person: Person) -> list[Entry]:
    """Everything recorded about the person that the user may see, in date order (oldest first). Each source
    is read through its own scoped queryset and capability: a record kept by an office out of the user's
    jurisdiction (before a move) is left out, as a page would leave it out. A fixed number of queries."""
    from django.urls import reverse

    from lingtouyang.assessments.models import Result
    from lingtouyang.care.models import CareRecord
    from lingtouyang.people.models import Appointment
    from lingtouyang.secondments.models import Secondment
    from lingtouyang.socialwork.models import Registration
    from lingtouyang.training.models import Enrolment

    entries: list[Entry] = []
    for a in Appointment.objects.visible_to(user).filter(person=person).select_related("region"):
        entries.append(Entry(a.start_date, _("post taken up"), f"{a.get_post_display()} · {a.region.short_name}",
                             _("term %(term)d") % {"term": a.term}))
        if a.end_date:
            entries.append(Entry(a.end_date, _("post left"), f"{a.get_post_display()} · {a.region.short_name}",
                                 a.end_reason))
    for en in (Enrolment.objects.visible_to(user).filter(person=person, completed_on__isnull=False, withdrawn=False)
               .select_related("session")):
        entries.append(Entry(en.completed_on, _("training completed"), en.session.title,
                             _("%(hours)s hours attended") % {"hours": en.attended_hours}))
    for r in Result.objects.visible_to(user).filter(person=person, state="published"):
        entries.append(Entry(date(r.year, 12, 31), _("annual assessment"),
                             _("%(year)d: %(grade)s") % {"year": r.year, "grade": r.get_grade_display()}))
    for s in Secondment.objects.visible_to(user).filter(person=person).exclude(state=Secondment.State.CANCELLED):
        url = reverse("secondments:detail", args=[s.pk])
        entries.append(Entry(s.start_date, _("secondment began"), f"{s.host_place} · {s.host_organisation}", url=url))
        if s.final_grade:
            entries.append(Entry(s.end_date, _("secondment ended"), s.host_organisation,
                                 _("final grade: %(grade)s") % {"grade": s.get_final_grade_display()}, url=url))
    for reg in Registration.objects.visible_to(user).filter(person=person).certified():
        entries.append(Entry(reg.certificate_date or date(reg.exam_year, 12, 31), _("social-work certificate"),
                             reg.get_level_display(), reg.certificate_no))
    for e in CareerEvent.objects.visible_to(user).filter(person=person):
        entries.append(Entry(e.date, e.get_kind_display(), e.destination or e.reason,
                             e.reason if e.destination else e.note, url=reverse("careers:detail", args=[e.pk])))
    for c in CareRecord.objects.visible_to(user).filter(person=person):
        detail = f"{c.amount} {_('yuan')}" if c.amount is not None else c.note
        entries.append(Entry(c.date, c.get_kind_display(), c.by_whom, detail, url=reverse("care:detail", args=[c.pk])))
    entries.sort(key=lambda e: e.on)
    return entries
