"""The annual assessment form (年度考核登记表): one portrait A4 page per result, laid out like the
joint-review form and the training certificate — reportlab with its built-in CID font STSong-Light, so
nothing is shipped and Chinese prints on an intranet; always in Chinese (an official paper). A pure function
of the result, its scores, appeal and consequences."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lingtouyang.assessments import engine
from lingtouyang.assessments.models import Appeal, Component, Consequence, Result, Score

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=20, leading=28, alignment=TA_CENTER)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
_NOTE = ParagraphStyle("note", parent=_CELL, fontSize=9, textColor=colors.HexColor("#555555"))


def _day(value: date | None) -> str:
    if value is None:
        return "—"
    return _("%(year)d-%(month)02d-%(day)02d") % {"year": value.year, "month": value.month, "day": value.day}


def _p(text: Any) -> Paragraph:
    return Paragraph(escape(str(text or "—")), _CELL)


def assessment_form_pdf(result: Result, *, printed_at: datetime) -> bytes:
    with translation.override("zh-hans"):
        return _render(result, printed_at)


def _render(result: Result, printed_at: datetime) -> bytes:
    person = result.person
    comps = list(Component.objects.filter(scheme_id=result.scheme_id)) if result.scheme_id else []
    points = dict(Score.objects.filter(person_id=result.person_id, component__in=comps)
                  .values_list("component_id", "points"))
    appeal = Appeal.objects.filter(result=result).first()
    consequences = list(Consequence.objects.filter(result=result))
    county = result.scheme.region.name if result.scheme_id else ""
    rows: list[list[Any]] = [
        [_p(_("Name")), _p(person.name), _p(_("ID number")), _p(person.id_masked)],
        [_p(_("Village or community")), _p(result.region.name), _p(_("Year")), _p(result.year)],
    ]
    for c in comps:
        label = f"{c.get_kind_display()} · {c.name}" + (f"（{c.task}）" if c.task else "")
        rows.append([_p(label), "", _p(engine.points_text(points.get(c.pk))), ""])
    rows += [
        [_p(_("Weighted score")), _p(result.score), _p(_("Computed grade")), _p(result.get_computed_grade_display())],
        [_p(_("Grade")), _p(result.get_grade_display()), _p(_("State")), _p(result.get_state_display())],
        [_p(_("Reason the grade differs")), _p(result.grade_note), "", ""],
        [_p(_("Appeal")), _p(f"{appeal.reason} → {appeal.get_state_display()}：{appeal.decision}" if appeal else ""), "", ""],
        [_p(_("Consequences")), _p("；".join(f"{_day(c.dated_on)} {c.get_kind_display()} {c.note}".strip()
                                             for c in consequences)), "", ""],
    ]
    table = Table(rows, colWidths=[42 * mm, 58 * mm, 32 * mm, 42 * mm])
    spans = [("SPAN", (0, i), (1, i)) for i in range(2, 2 + len(comps))]
    spans += [("SPAN", (2, i), (3, i)) for i in range(2, 2 + len(comps))]
    spans += [("SPAN", (1, i), (3, i)) for i in range(len(rows) - 3, len(rows))]
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans]))
    buffer = io.BytesIO()
    title = _("Annual assessment form of village cadres")
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"{title} {person.name}", author=county,
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm, bottomMargin=18 * mm)
    doc.build([
        Paragraph(escape(f"{county}{result.year}" + title), _TITLE), Spacer(0, 8 * mm), table, Spacer(0, 10 * mm),
        Paragraph(escape(_("Published on %(day)s; printed on %(printed)s.")
                         % {"day": _day(result.published_on), "printed": _day(timezone.localtime(printed_at).date())}),
                  _NOTE),
    ])
    return buffer.getvalue()
