"""A case file on paper (个案档案): what a station files and a supervisor signs.

In the order of the work (MZ/T 094): the intake with the clients and their consent, the
assessments, the service plan with each round of its approval, the service notes with the home visits, referrals and
their outcomes, follow-ups and supervision, transfers, the closing with its approval, and the
case's status history; then the signature lines. Each chapter reads the same events as the case
page's timeline (casework.timeline), oldest first, so paper and screen never disagree. ID numbers
and phones are masked as in lists and exports; the address is left out.

The case must come with casework.timeline.PREFETCH applied."""

import io

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Image as RLImage

from casework.masking import mask_id_number, mask_phone
from casework.models import Case, Client
from casework.timeline import (
    Event,
    assessment_events,
    attachment_events,
    closing_events,
    follow_up_events,
    home_visit_events,
    note_event,
    plan_events,
    referral_events,
    review_events,
    transfer_events,
    transition_events,
)
from positions.selectors.network import installation_district
from socialwork import pdf
from socialwork.crypto import DecryptionError
from socialwork.crypto.stored import file_read


def _day(value) -> str:
    return formats.date_format(value, "Y-m-d") if value else "—"


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _label(field: str) -> str:
    """A client field's own label, as the client's form and page show it."""
    return capfirst(Client._meta.get_field(field).verbose_name)


def _chronological(events) -> list[Event]:
    return sorted(events, key=lambda event: (event.day, event.at))


class _Writer:
    """Appends the case file's pieces to a story."""

    def __init__(self):
        self.styles = pdf.styles()
        self.width = pdf.content_width()
        self.story = []
        self.chapter = 0

    def heading(self, text: str) -> None:
        self.chapter += 1
        self.story.append(pdf.Bold(pdf.escape(pdf.chapter_title(self.chapter, text)), self.styles["heading"]))

    def paragraph(self, text: str, style: str = "body") -> None:
        escaped = pdf.escape(text).replace("\n", "<br/>")
        self.story.append(pdf.Paragraph(escaped, self.styles[style]))

    def facts(self, pairs: list[tuple[str, str]]) -> None:
        self.story.append(pdf.facts(pairs, width=self.width))
        self.story.append(pdf.Spacer(1, 4))

    def events(self, events: list[Event], empty: str) -> None:
        if not events:
            self.paragraph(empty, "small")
            return
        for event in _chronological(events):
            line = f"{_day(event.day)}　{event.title}"
            if event.actor:
                line += f"　（{event.actor}）"
            self.story.append(pdf.Bold(pdf.escape(line), self.styles["body"]))
            if event.text:
                self.paragraph(event.text)
            for label, value in event.details:
                self.paragraph(pdf.labelled(label, value))
            if event.files:
                names = "、".join(str(item.original_name) for item in event.files)
                self.paragraph(pdf.labelled(_("Photos and documents"), names), "small")
            self.story.append(pdf.Spacer(1, 4))

    def consent(self, consent) -> None:
        """A signed consent: what to, who signed, who took it and when, and the signature itself."""
        self.facts(
            [
                (_("Signed by"), f"{consent.signer_name}（{consent.get_relationship_display()}）"),
                (_("Taken by"), str(consent.taken_by)),
                (_("Taken at"), formats.date_format(timezone.localtime(consent.taken_at), "Y-m-d H:i")),
                (_label("consents_to_services"), _yes_no(consent.consents_to_services)),
                (_label("consents_to_data_processing"), _yes_no(consent.consents_to_data_processing)),
            ]
        )
        try:
            png = file_read(consent.signature)
        except (FileNotFoundError, DecryptionError):
            self.paragraph(_("The signature image is no longer stored."), "small")
            return
        with PILImage.open(io.BytesIO(png)) as image:
            width, height = image.size
        shown = min(self.width * 0.45, 70 * mm)
        self.paragraph(_("Signature") + "：", "small")
        self.story.append(
            RLImage(io.BytesIO(png), width=shown, height=shown * height / max(width, 1), hAlign="LEFT")
        )
        self.story.append(pdf.Spacer(1, 6))


def _measured(value, day) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}" + (f"（{_day(day)}）" if day else "")


def _change(goal) -> str:
    change = goal.change
    if change is None:
        return "—"
    arrow = {True: _(" better"), False: _(" worse"), None: ""}[goal.improved]
    return f"{change.normalize():+f}{arrow}"


def case_file_pdf(*, case: Case) -> bytes:
    district = installation_district()
    title = _("%(district)s casework file") % {"district": district.name if district else ""}
    issuer = case.station.name
    writer = _Writer()
    subtitle = _("Case %(number)s · %(status)s") % {
        "number": case.number,
        "status": case.get_status_display(),
    }
    writer.story += pdf.title_block(title=title, issuer=issuer, on=timezone.localdate(), subtitle=subtitle)

    # Intake: the case, then each client with their consent.
    writer.heading(_("Intake"))
    writer.facts(
        [
            (_("Case number"), case.number),
            (_("Station"), case.station.name),
            (pgettext("casework", "Worker"), str(case.worker or "")),
            (_("Supervisor"), str(case.supervisor or "")),
            (pgettext("casework", "Category"), str(case.category or "")),
            (_("Intake date"), _day(case.intake_on)),
            (
                _("Source"),
                case.get_source_display() + (f"（{case.referred_by}）" if case.referred_by else ""),
            ),
            (_("Risk level"), case.get_risk_level_display()),
            (_("Status"), case.get_status_display()),
            (_("Closed on"), _day(case.closed_on)),
            # Paper travels: a labelled case says so on its first page.
            *([(_("Security label"), pgettext("security label", "Sensitive") + " · " + case.get_label_reason_display())]
              if case.sensitive else []),
        ]
    )  # fmt: skip
    writer.paragraph(pdf.labelled(_("Presenting problem"), case.presenting_problem or "—"))
    for link in case.case_clients.all():
        client = link.client
        writer.facts(
            [
                (_("Client"), client.name),
                (_("Gender"), client.get_gender_display()),
                (_("Date of birth"), _day(client.birth_date)),
                (_("ID number"), mask_id_number(client.id_number)),
                (_("Phone"), mask_phone(client.phone)),
                (_("Community or village"), client.community.name),
                (_label("consents_to_services"), _yes_no(client.consents_to_services)),
                (_label("consents_to_data_processing"), _yes_no(client.consents_to_data_processing)),
                (_label("consent_recorded_on"), _day(client.consent_recorded_on)),
            ]
        )
        for consent in case.consents.all():
            if consent.client_id == client.pk:
                writer.consent(consent)

    writer.heading(pgettext("casework", "Assessment"))
    writer.events(list(assessment_events(case)), _("No assessment yet."))

    writer.heading(_("Service plan"))
    plans = list(case.plans.all())
    if plans:
        plan = plans[-1]
        writer.paragraph(
            _("Version %(version)s, %(status)s")
            % {"version": plan.version, "status": plan.get_status_display()}
        )
        # MZ/T 094: each goal with its measure before and after, side by side, and what the
        # closing stated of it, with the evidence under the table.
        goals = [
            [n, goal.description + (f"（{goal.indicator}）" if goal.indicator else ""), goal.measure or "—",
             _measured(goal.before_value, goal.before_on), _measured(goal.after_value, goal.after_on),
             _change(goal), goal.get_outcome_display() or ("—" if goal.reached is None else _yes_no(goal.reached))]
            for n, goal in enumerate(plan.goals.all(), start=1)
        ]  # fmt: skip
        shares = [0.05, 0.33, 0.14, 0.13, 0.13, 0.09, 0.13]
        header = [
            "#",
            _("Goal"),
            _("Measure"),
            _("Before"),
            _("After"),
            pgettext("measure", "Change"),
            pgettext("goal", "Outcome"),
        ]
        writer.story.append(pdf.table(header, goals, widths=[writer.width * s for s in shares], numeric=[0]))
        for n, goal in enumerate(plan.goals.all(), start=1):
            if goal.evidence:
                writer.paragraph(
                    pdf.labelled(_("Evidence for goal %(number)s") % {"number": n}, goal.evidence)
                )
        tasks = [
            [task.description, str(task.owner), _day(task.due_on), _day(task.done_on)]
            for task in plan.tasks.all()
        ]
        if tasks:
            writer.story.append(pdf.Spacer(1, 6))
            header = [_("Task"), _("Owner"), _("Due on"), _("Done")]
            shares = [0.52, 0.18, 0.15, 0.15]
            writer.story.append(pdf.table(header, tasks, widths=[writer.width * s for s in shares]))
        writer.story.append(pdf.Spacer(1, 6))
    writer.events(list(plan_events(case)), _("No service plan yet."))

    writer.heading(pgettext("case file chapter", "Service notes"))
    # Home visits (入户走访) stand among the notes, in the order of the days; photos and documents
    # on no record with them.
    notes = [note_event(note) for note in case.notes.all()]
    writer.events(notes + list(home_visit_events(case)) + list(attachment_events(case)), _("No notes yet."))

    writer.heading(_("Referrals and their outcomes"))
    writer.events(list(referral_events(case)), _("No referrals yet."))

    writer.heading(_("Follow-ups and supervision"))
    writer.events(list(follow_up_events(case)) + list(review_events(case)), _("No follow-ups yet."))

    transfers = list(transfer_events(case))
    if transfers:
        writer.heading(pgettext("casework", "Transfer"))
        writer.events(transfers, "")

    writer.heading(_("Closing"))
    writer.events(list(closing_events(case)), _("The case is not closed."))

    writer.heading(_("Status history"))
    writer.events(list(transition_events(case)), "")

    labels = [
        pgettext("signature", "Social worker"),
        pgettext("signature", "Supervisor"),
        pgettext("signature", "Head"),
    ]
    writer.story.append(pdf.signature_block(labels, width=writer.width))
    return pdf.build(writer.story, title=f"{title} {case.number}", issuer=issuer)
