"""Completion certificates as PDF: A4 landscape, in the district's language, in the
application's embedded Chinese font (socialwork.pdf)."""

import io
import re

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from socialwork import pdf as paper
from socialwork.pdf import FONT, register_fonts
from training.models import Certificate, Enrolment, TrainingSession

CJK_FONT = FONT
LATIN_FONT = FONT  # the embedded font has Latin letters too: nothing is left to the reader's fonts
RED = colors.Color(0.66, 0.09, 0.09)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break a line to fit `width`: between words in Latin text, between characters in Chinese."""
    lines, line = [], ""
    for token in re.findall(r"[\x21-\x7e]+\s*|\s+|.", text):
        if line and pdfmetrics.stringWidth((line + token).rstrip(), font, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as a one-page PDF (uncompressed, a few kilobytes)."""
    register_fonts()
    series = certificate.series
    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0, initialFontName=FONT)
    with translation.override(settings.LANGUAGE_CODE):
        pdf.setTitle(_("Completion certificate"))
        pdf.setAuthor(series.unit.name)

        # A double frame.
        pdf.setStrokeColor(RED)
        pdf.setLineWidth(3)
        pdf.rect(28, 28, width - 56, height - 56)
        pdf.setLineWidth(0.8)
        pdf.rect(38, 38, width - 76, height - 76)

        pdf.setFillColor(RED)
        pdf.setFont(CJK_FONT, 40)
        pdf.drawCentredString(width / 2, height - 120, _("Completion certificate"))

        pdf.setFillColor(colors.black)
        pdf.setFont(CJK_FONT, 28)
        pdf.drawCentredString(width / 2, height - 200, certificate.participant_name)
        if not certificate.worker_id and certificate.outside_unit:
            pdf.setFont(CJK_FONT, 14)
            pdf.drawCentredString(width / 2, height - 225, certificate.outside_unit)

        text = _(
            "took part in %(year)s %(series)s, attended %(attended)s of its %(total)s sessions "
            "and has completed the training. This certificate is awarded in recognition."
        ) % {
            "year": series.year,
            "series": series.title,
            "attended": certificate.attended_sessions,
            "total": certificate.total_sessions,
        }
        y = height - 275
        for line in _wrap(text, CJK_FONT, 18, width - 220):
            pdf.setFont(CJK_FONT, 18)
            pdf.drawCentredString(width / 2, y, line)
            y -= 30

        # The number at the bottom left, the issuer and date at the bottom right.
        label = _("Certificate number:") + " "
        pdf.setFont(CJK_FONT, 12)
        pdf.drawString(80, 80, label)
        pdf.setFont(LATIN_FONT, 12)
        pdf.drawString(80 + pdfmetrics.stringWidth(label, CJK_FONT, 12), 80, certificate.number)

        pdf.setFont(CJK_FONT, 16)
        pdf.drawRightString(width - 80, 110, series.unit.name)
        pdf.setFont(CJK_FONT, 14)
        pdf.drawRightString(width - 80, 80, formats.date_format(certificate.issued_on, "DATE_FORMAT"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def attendance_sheet_pdf(*, session: TrainingSession, enrolments: list[Enrolment]) -> bytes:
    """A session's attendance sheet (签到表): when and where, the trainers and the credit hours,
    then one row per confirmed participant with their unit, a column to sign in by hand and the
    attendance as recorded (√ present, × absent, blank not taken yet); then the signatures of
    whoever keeps the record. Issued by the session's hosting unit."""
    series = session.series
    title = _("Attendance sheet: %(series)s") % {"series": series.title}
    issuer = session.host_unit.name
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    width = paper.content_width()
    story = paper.title_block(title=title, issuer=issuer, on=timezone.localdate(), subtitle=session.topic)
    story.append(
        paper.facts(
            [
                (_("When"), f"{starts:%Y-%m-%d %H:%M} – {ends:%H:%M}"),
                (_("Venue"), session.venue),
                (_("Trainers"), "、".join(trainer.name for trainer in session.trainers.all())),
                (_("Credit hours"), str(session.credit_hours)),
            ],
            width=width,
        )
    )
    story.append(paper.Spacer(1, 8))
    marks = {True: "√", False: "×", None: ""}
    rows = [
        [
            number,
            enrolment.participant_name,
            enrolment.worker.employer_unit.name
            if enrolment.worker_id and enrolment.worker.employer_unit_id
            else enrolment.outside_unit,
            "",
            marks[enrolment.attended],
        ]
        for number, enrolment in enumerate(enrolments, start=1)
    ]
    header = [_("No."), pgettext("person", "Name"), _("Unit"), _("Signature"), _("Attended")]
    shares = [0.07, 0.18, 0.4, 0.23, 0.12]
    sheet = paper.table(
        header, rows, widths=[width * share for share in shares], numeric=[0], tall=True, blank=[3, 4]
    )
    story.append(sheet)
    present = sum(1 for enrolment in enrolments if enrolment.attended)
    if any(enrolment.attended is not None for enrolment in enrolments):
        summary = _("%(confirmed)s confirmed, %(present)s present.") % {
            "confirmed": len(enrolments),
            "present": present,
        }
    else:
        summary = _("%(confirmed)s confirmed; attendance not taken yet.") % {"confirmed": len(enrolments)}
    story += [paper.Spacer(1, 4), paper.Paragraph(paper.escape(summary), paper.styles()["body"])]
    story.append(paper.signature_block(paper.signatures_prepared_checked_head(), width=width))
    return paper.build(story, title=title, issuer=issuer)
