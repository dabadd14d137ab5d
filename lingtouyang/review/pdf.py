"""The printable joint-review form (任职资格联审表): one A4 PDF per candidate.

A pure function of the data already read (`selectors.candidate_form`): no queries beyond the
related rows selected there, no audit, no request. The font is reportlab's built-in CID font
STSong-Light: nothing to ship, the reader's own Song/Ming face renders it, so it prints on an
intranet without internet access."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lingtouyang.review import engine
from lingtouyang.review.models import Rule, Verdict
from lingtouyang.review.selectors import CLEARED, FAILED, CandidateForm

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN  # 174 mm
LABEL_BG = colors.HexColor("#f0f0f0")
GRID = colors.HexColor("#333333")

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=2 * mm)
_SUBTITLE = ParagraphStyle("subtitle", fontName=FONT, fontSize=11, leading=16, alignment=TA_CENTER,
                           spaceAfter=3 * mm, wordWrap="CJK")
_META = ParagraphStyle("meta", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
_HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=11.5, leading=16, spaceBefore=4 * mm, spaceAfter=1.5 * mm)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")
_CELL_C = ParagraphStyle("cell_c", parent=_CELL, alignment=TA_CENTER)
_CONCLUSION = ParagraphStyle("conclusion", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")


def _p(text: Any, style: ParagraphStyle = _CELL) -> Paragraph:
    """User data is escaped: a name or a reason is text, never markup."""
    return Paragraph(escape(str(text)), style)


def _day(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def _who(verdict: Verdict) -> str:
    user = verdict.decided_by
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _village(form: CandidateForm) -> str:
    region = form.candidate.person.region
    parent = region.parent
    return f"{parent.short_name}{region.short_name}" if parent is not None and parent.level > 3 else region.short_name


def _verdict_word(verdict: Verdict | None) -> str:
    if verdict is None:
        return pgettext("review form verdict", "pending")
    return pgettext("review form verdict", "pass") if verdict.passed else pgettext("review form verdict", "fail")


def _automatic_reason(verdict: Verdict, form: CandidateForm) -> str:
    """Recomputed by the engine from the same inputs, so the wording is the form's language whatever
    language the round was opened in; the stored reason is the fallback for other checks."""
    rule = verdict.rule
    if rule is not None and rule.automatic == Rule.Check.MAX_AGE and rule.parameter is not None:
        return engine.check_max_age(form.candidate.person.birth_date, form.round.election_date,
                                    rule.parameter).reason
    return verdict.reason


def _grid(data: list[list[Any]], widths: list[float], *, header: bool = True,
          label_columns: tuple[int, ...] = ()) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("BOX", (0, 0), (-1, -1), 1.0, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG))
    for col in label_columns:
        style.append(("BACKGROUND", (col, 0), (col, -1), LABEL_BG))
    table.setStyle(TableStyle(style))
    return table


def _particulars(form: CandidateForm, id_number: str) -> Table:
    person = form.candidate.person
    rows = [
        (_("Name"), person.name, _("Gender"), person.get_gender_display()),
        (_("Ethnicity"), person.get_ethnicity_display(), _("Birth date"), person.birth_date.strftime("%Y-%m-%d")),
        (_("ID number"), id_number, _("Political status"), person.get_political_status_display()),
        (_("Education"), person.get_education_display(), _("Source"), person.get_source_display()),
        (_("Village or community"), _village(form), _("Intended post"), form.candidate.get_standing_for_display()),
    ]
    data = [[_p(a, _CELL_C), _p(b), _p(c, _CELL_C), _p(d)] for a, b, c, d in rows]
    return _grid(data, [27 * mm, 60 * mm, 27 * mm, 60 * mm], header=False, label_columns=(0, 2))


def _departments(form: CandidateForm) -> Table:
    head = [_p(h, _CELL_C) for h in (_("Department"), _("Verdict"), _("Reason"), _("Reviewer"), _("Date"))]
    data = [head]
    for department, verdict in form.cells:
        data.append([_p(department.name, _CELL_C), _p(_verdict_word(verdict), _CELL_C),
                     _p(verdict.reason if verdict else ""), _p(_who(verdict) if verdict else "", _CELL_C),
                     _p(_day(verdict.decided_at) if verdict else "", _CELL_C)])
    return _grid(data, [26 * mm, 18 * mm, 74 * mm, 32 * mm, 24 * mm])


def _checks(form: CandidateForm) -> Table:
    head = [_p(h, _CELL_C) for h in (_("Rule"), _("Result"), _("Details"))]
    data: list[list[Any]] = [head]
    for verdict in form.automatic:
        rule = verdict.rule
        data.append([_p(f"{rule.code} {rule.text}" if rule else ""), _p(_verdict_word(verdict), _CELL_C),
                     _p(_automatic_reason(verdict, form))])
    if not form.automatic:
        data.append([_p(_("No automatic check applies, or the round is not open yet.")), "", ""])
    table = _grid(data, [78 * mm, 18 * mm, 78 * mm])
    if not form.automatic:
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return table


def _conclusion(form: CandidateForm) -> str:
    if form.status == CLEARED:
        return _("Cleared: every participating department passed the candidate and no automatic check failed.")
    if form.status == FAILED:
        by = [d.name for d, v in form.cells if v is not None and not v.passed]
        by += [v.rule.code for v in form.automatic if not v.passed and v.rule is not None]
        return _("Blocked: failed by %(by)s.") % {"by": "、".join(by)}
    missing = [d.name for d, v in form.cells if v is None]
    return _("Pending: still waiting for %(departments)s.") % {"departments": "、".join(missing)}


def _signature() -> Table:
    """Room for the county organisation department's seal and date, as on the paper form."""
    # A plain string, not a Paragraph: a Paragraph would collapse the blanks left for the handwritten date.
    blank = "\u3000" * 3
    date_line = blank.join(["", pgettext("seal date", "year"), pgettext("seal date", "month"),
                            pgettext("seal date", "day")]) + "\u3000"
    table = Table([[_p(_("Opinion of the county organisation department (seal)"), _CELL_C), ""],
                   ["", date_line]],
                  colWidths=[40 * mm, WIDTH - 40 * mm], rowHeights=[13 * mm, 8 * mm])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0, colors.white),
        ("BOX", (0, 0), (-1, -1), 0.6, GRID),
        ("LINEAFTER", (0, 0), (0, -1), 0.6, GRID),
        ("SPAN", (0, 0), (0, 1)),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (1, 1), (1, 1), FONT),
        ("FONTSIZE", (1, 1), (1, 1), 10.5),
        ("ALIGN", (1, 1), (1, 1), "RIGHT"),
    ]))
    return table


def _canvas_maker(footer: str) -> type[canvas.Canvas]:
    """A canvas that holds its pages back until the end, so each footer can say "page x of y"."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(FONT, 8.5)
                self.setStrokeColor(GRID)
                self.setLineWidth(0.4)
                self.line(MARGIN, 13 * mm, A4[0] - MARGIN, 13 * mm)
                self.drawString(MARGIN, 9 * mm, footer)
                self.drawRightString(A4[0] - MARGIN, 9 * mm,
                                     _("Page %(page)d of %(pages)d") % {"page": number, "pages": total})
                super().showPage()
            super().save()

    return NumberedCanvas


def review_form_pdf(form: CandidateForm, *, id_number: str, printed_at: datetime) -> bytes:
    """The form as PDF bytes. `id_number` is what may be printed: masked unless the viewer may see it."""
    # An official form is in Chinese whatever language the person printing it reads the site in.
    with translation.override("zh-hans"):
        return _render(form, id_number, printed_at)


def _render(form: CandidateForm, id_number: str, printed_at: datetime) -> bytes:
    review_round, person = form.round, form.candidate.person
    title = _("Joint qualification review form for village (community) committee candidates")
    rules = (_("version %(v)d") % {"v": review_round.rule_set.version}) if review_round.rule_set else _("not yet pinned")
    meta = Table([[
        _p(_("County: %(county)s") % {"county": review_round.region.short_name}, _META),
        _p(_("Election date: %(date)s") % {"date": review_round.election_date.strftime("%Y-%m-%d")}, _META),
        _p(_("Rule set: %(rules)s") % {"rules": rules}, _META),
    ]], colWidths=[WIDTH / 3] * 3)
    meta.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story = [
        _p(title, _TITLE),
        _p(review_round.name, _SUBTITLE),
        meta,
        Spacer(0, 2 * mm),
        _p(_("Particulars of the candidate"), _HEADING),
        _particulars(form, id_number),
        _p(_("Verdicts of the participating departments"), _HEADING),
        _departments(form),
        _p(_("Automatic checks"), _HEADING),
        _checks(form),
        # The conclusion and the seal stay on one page.
        KeepTogether([_p(_("Conclusion"), _HEADING),
                      _grid([[_p(_conclusion(form), _CONCLUSION)]], [WIDTH], header=False),
                      Spacer(0, 3 * mm), _signature()]),
    ]
    printed = timezone.localtime(printed_at).strftime("%Y-%m-%d %H:%M")
    # Separated by spaces: STSong-Light has no glyph for the middle dot (·), which would print as a box.
    footer = _("%(title)s   %(name)s   printed %(when)s") % {"title": _("Joint review form"), "name": person.name,
                                                              "when": printed}
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
                            bottomMargin=20 * mm, title=f"{title} {person.name}", author=review_round.region.short_name,
                            subject=review_round.name)
    doc.build(story, canvasmaker=_canvas_maker(footer))
    return buffer.getvalue()
