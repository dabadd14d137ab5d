"""The certificate of completion (结业证书): one landscape A4 page per completed enrolment.

Rendered like the joint-review form (`review/pdf.py`): reportlab with its built-in CID font STSong-Light,
so nothing is shipped and Chinese prints on an intranet; always in Chinese (an official paper). A pure
function of the enrolment read by `selectors_attendance.certificate_enrolment`."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph, Spacer

from lingtouyang.training.models import Enrolment

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE = landscape(A4)
RED = colors.HexColor("#b3261e")
INK = colors.HexColor("#222222")

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=34, leading=44, alignment=TA_CENTER, textColor=RED)
_BODY = ParagraphStyle("body", fontName=FONT, fontSize=17, leading=34, alignment=TA_JUSTIFY, wordWrap="CJK",
                       firstLineIndent=32, textColor=INK)
_NAME = ParagraphStyle("name", parent=_BODY, firstLineIndent=0)
_NOTE = ParagraphStyle("note", parent=_BODY, fontSize=13, leading=22, firstLineIndent=32)


def _day(value: date) -> str:
    return _("%(year)d-%(month)02d-%(day)02d") % {"year": value.year, "month": value.month, "day": value.day}


def _hours(value: Any) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if value is not None else "0"


def certificate_number(enrolment: Enrolment) -> str:
    return f"PX{enrolment.session.start_date:%Y}-{enrolment.session_id:05d}-{enrolment.pk:06d}"


def certificate_pdf(enrolment: Enrolment, *, issued_at: datetime) -> bytes:
    """`enrolment` completed, with `session_hours` annotated."""
    with translation.override("zh-hans"):
        return _render(enrolment, issued_at)


def _village(enrolment: Enrolment) -> str:
    region = enrolment.region
    parent = region.parent
    return f"{parent.short_name}{region.short_name}" if parent is not None and parent.level > 3 else region.short_name


def _render(enrolment: Enrolment, issued_at: datetime) -> bytes:
    session, person = enrolment.session, enrolment.person
    programme = session.programme
    title = _("Certificate of completion")
    body = _("From %(start)s to %(end)s you took part in the training session “%(session)s” (%(programme)s, "
             "%(form)s) held by %(organiser)s, attended %(attended)s of its %(total)s hours, and completed it "
             "on %(done)s. This certificate is awarded in recognition.") % {
        "start": _day(session.start_date), "end": _day(session.end_date), "session": session.title,
        "programme": programme.title, "form": programme.get_form_display(), "organiser": session.region.name,
        "attended": _hours(enrolment.attended_hours), "total": _hours(getattr(enrolment, "session_hours", None)),
        "done": _day(enrolment.completed_on)}
    story: list[Any] = [
        Paragraph(escape(title), _TITLE), Spacer(0, 18 * mm),
        Paragraph(escape(_("%(name)s (%(village)s):") % {"name": person.name, "village": _village(enrolment)}), _NAME),
        Spacer(0, 2 * mm),
        Paragraph(escape(body), _BODY),
        Spacer(0, 6 * mm),
    ]
    if session.base is not None:
        story.append(Paragraph(escape(_("Place of training: %(base)s") % {"base": session.base.name}), _NOTE))
    if programme.talent_tag:
        story.append(Paragraph(escape(_("Talent tag earned: %(tag)s") % {"tag": programme.get_talent_tag_display()}),
                               _NOTE))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE)
    pdf.setTitle(f"{title} {person.name}")
    pdf.setAuthor(session.region.name)
    pdf.setSubject(session.title)
    width, height = PAGE
    # A double frame, as on printed certificates.
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    pdf.setFillColor(INK)
    pdf.setFont(FONT, 10.5)
    pdf.drawRightString(width - 26 * mm, height - 26 * mm,
                        _("No. %(number)s") % {"number": certificate_number(enrolment)})
    Frame(40 * mm, 62 * mm, width - 80 * mm, height - 62 * mm - 30 * mm, showBoundary=0).addFromList(story, pdf)
    # The organiser and the date, with room for the seal above them.
    pdf.setFont(FONT, 15)
    right = width - 50 * mm
    pdf.drawCentredString(right, 48 * mm, session.region.name)
    pdf.drawCentredString(right, 39 * mm, _day(timezone.localtime(issued_at).date()))
    pdf.setFont(FONT, 9)
    pdf.setFillColor(colors.HexColor("#777777"))
    pdf.drawString(26 * mm, 22 * mm, _("Issued by the village cadre training records; number %(number)s can be "
                                       "verified with the organiser.") % {"number": certificate_number(enrolment)})
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
