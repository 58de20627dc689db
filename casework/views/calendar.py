"""The calendar of a worker's follow-ups and plan tasks, a month at a time (issue 18).

A worker sees their own cases' dates; a supervisor or station manager may also see the cases they
see as such (casework.selectors.case_scope), for one of their people or all. Each item links to
its case; the cases shown are audited as a list, as on My cases."""

from datetime import timedelta

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from casework import selectors
from casework.views.cases import _audit_list

# Monday first, as a Chinese calendar is laid out.
WEEKDAYS = [
    pgettext_lazy("weekday, short", "Mon"),
    pgettext_lazy("weekday, short", "Tue"),
    pgettext_lazy("weekday, short", "Wed"),
    pgettext_lazy("weekday, short", "Thu"),
    pgettext_lazy("weekday, short", "Fri"),
    pgettext_lazy("weekday, short", "Sat"),
    pgettext_lazy("weekday, short", "Sun"),
]


class CalendarForm(forms.Form):
    """Which month and whose cases. Anything the person may not choose falls back to their own
    cases in this month."""

    month = forms.DateField(input_formats=["%Y-%m"], required=False)
    whose = forms.ChoiceField(
        label=gettext_lazy("Cases"),
        choices=[
            (selectors.CALENDAR_MINE, gettext_lazy("My cases")),
            (selectors.CALENDAR_TEAM, gettext_lazy("Cases I supervise or manage")),
        ],
        required=False,
    )
    worker = forms.ModelChoiceField(label=gettext_lazy("Social worker"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = selectors.calendar_may_see_team(user)
        if self.team:
            self.fields["worker"].queryset = selectors.case_filter_choices(user)["workers"]
            if self.is_bound and not self.data.get("whose"):  # their people's, unless they ask for their own
                self.data = self.data.copy()
                self.data["whose"] = selectors.CALENDAR_TEAM
        else:
            del self.fields["whose"], self.fields["worker"]

    def choice(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        worker = data.get("worker")
        default = selectors.CALENDAR_TEAM if self.team else selectors.CALENDAR_MINE
        return {
            "month": data.get("month") or timezone.localdate().replace(day=1),
            "whose": data.get("whose") or default,
            "worker_id": worker.pk if worker else None,
        }


def _month(request) -> tuple[CalendarForm, dict, selectors.CalendarMonth]:
    form = CalendarForm(request.GET, user=request.user)
    choice = form.choice()
    month = selectors.calendar_month(user=request.user, **choice)
    _audit_list(request, "case.list", [item.case.pk for item in month.items])
    return form, choice, month


def calendar(request):
    form, choice, month = _month(request)
    return render(
        request,
        "casework/calendar.html",
        {"calendar": month, "form": form, "weekdays": WEEKDAYS, "query": _query(choice)},
    )


def _query(choice: dict) -> str:
    """The query string that keeps whose cases are shown when the month changes."""
    parts = [f"whose={choice['whose']}"]
    if choice["worker_id"]:
        parts.append(f"worker={choice['worker_id']}")
    return "&".join(parts)


def _ical_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def calendar_ics(request):
    """The same month as an iCalendar file (RFC 5545), one all-day event per item, for a phone's
    or a desktop's calendar. An event names the case by number and the kind of item only: a
    follow-up's purpose or a task may speak of the client, and a calendar file leaves the system."""
    _form, _choice, month = _month(request)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//socialwork//casework calendar//ZH",
        "CALSCALE:GREGORIAN",
    ]
    for item in month.items:
        kind = _("Follow-up") if item.kind == "follow_up" else _("Plan task")
        url = request.build_absolute_uri(item.case.get_absolute_url()) + f"#{item.anchor}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.kind}-{item.pk}@{request.get_host()}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.due_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.due_on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ical_text(f'{item.case.number} {kind}')}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="calendar-{month.month:%Y-%m}.ics"'
    return response


urlpatterns = [
    path("calendar/", calendar, name="calendar"),
    path("calendar.ics", calendar_ics, name="calendar_ics"),
]
