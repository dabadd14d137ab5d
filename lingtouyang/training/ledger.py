"""The training ledger (培训台账): one line per enrolment of a region's people — who, where, in which post,
which session of which programme, its dates, the hours attended against the hours needed, when they
completed and the talent tag the programme awards.

Streamed for exports of any size: the enrolments are read through one cursor (server-side on
PostgreSQL) and written as they come; per batch of BATCH lines, one query fetches the people's current
posts in those villages and, for sessions not met before, one their hours. Memory holds one batch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lingtouyang.people.codes import Post
from lingtouyang.people.models import Appointment
from lingtouyang.training.models import Enrolment, Form, Sitting, TalentTag, Topic

BATCH = 2_000

FIELDS = ["id", "person_id", "person__name", "person__id_masked", "region_id", "region__short_name", "session_id",
          "session__title", "session__programme__title", "session__programme__topic",
          "session__programme__form", "session__start_date", "session__end_date",
          "session__programme__threshold", "session__programme__talent_tag", "attended_hours", "completed_on",
          "withdrawn"]


def ledger_enrolments(prefix: str, year: int | None = None) -> Any:
    """The enrolments of the region's people (the enrolment's village), optionally of sessions starting
    in one year, in a stable order: village, session, enrolment."""
    rows = Enrolment.objects.within(prefix)
    if year is not None:
        rows = rows.filter(session__start_date__gte=date(year, 1, 1), session__start_date__lte=date(year, 12, 31))
    return rows.order_by("region_id", "session_id", "id").values_list(*FIELDS)


def _posts(pairs: set[tuple[int, str]], today: date) -> dict[tuple[int, str], list[str]]:
    """Current posts of (person, village) pairs; one query."""
    people = {p for p, _r in pairs}
    villages = {r for _p, r in pairs}
    found: dict[tuple[int, str], list[str]] = {}
    for person, region, post in (Appointment.objects.current(today)
                                 .filter(person_id__in=people, region_id__in=villages)
                                 .order_by("person_id", "post").values_list("person_id", "region_id", "post")):
        if (person, region) in pairs:
            found.setdefault((person, region), []).append(post)
    return found


def _batched(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(rows, size)):
        yield batch


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def ledger_rows(prefix: str, year: int | None = None, *, today: date | None = None) -> Iterator[list[Any]]:
    """The ledger's lines in HEADERS order (see views_coverage), streamed."""
    today = today or timezone.localdate()
    hours: dict[int, Decimal] = {}
    for batch in _batched(ledger_enrolments(prefix, year).iterator(chunk_size=BATCH), BATCH):
        new = {row[6] for row in batch} - hours.keys()
        if new:
            hours.update({s: h or Decimal(0) for s, h in Sitting.objects.filter(session_id__in=new)
                          .values("session_id").annotate(h=Sum("hours")).order_by()
                          .values_list("session_id", "h")})
            hours.update({s: Decimal(0) for s in new - hours.keys()})
        posts = _posts({(row[1], row[4]) for row in batch}, today)
        for (_id, person, name, id_masked, village_code, village, session, title, programme, topic, form, start,
             end, threshold, tag, attended, completed, withdrawn) in batch:
            session_hours = hours[session]
            needed = (session_hours * threshold / 100).quantize(Decimal("0.1"))
            yield [name, id_masked, village, village_code,
                   ", ".join(_label(Post, p) for p in posts.get((person, village_code), [])),
                   title, programme, _label(Topic, topic), _label(Form, form), _day(start), _day(end),
                   float(session_hours), float(needed), float(attended), _day(completed),
                   _label(TalentTag, tag) if tag else "", _("yes") if withdrawn else ""]


