"""Pages a social worker uses in the field on a phone: their open cases, a case's summary with
only what the field needs, a service note, a home visit (入户走访), a group session's attendance,
and the list of pages a phone keeps for use without a connection (precache.json).

Every form here posts as any form does and, sent again by the phone with `X-Field-Sync: 1`,
answers as casework.views.field_sync says; each entry is saved once for its key through
casework.services.entry_once and the same service an online form calls. The case pages open only
for a case the person holds as its worker (casework.field_selectors.field_cases), a 404 otherwise;
attendance only for a session of a group the person writes (services.group_may_write)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casework import selectors, services, workflow
from casework.conflict_selectors import conflicts_open_for
from casework.field_selectors import field_cases, field_pages, field_urls
from casework.forms import AttendanceForm
from casework.forms_attachments import HomeVisitFilesForm, NoteFilesForm
from casework.masking import mask_id_number
from casework.models import (
    Case,
    CaseClient,
    CaseworkPolicy,
    FieldEntry,
    FollowUp,
    GroupSession,
    HomeVisit,
    PlanTask,
    ServiceNote,
)
from casework.views import field_sync
from socialwork.actions import ActionNotAllowed
from socialwork.local_rules import reading_place
from socialwork.pages import show_errors

# Sessions shown on the field home: held or planned this many days back, planned this many ahead.
SESSION_DAYS_BACK, SESSION_DAYS_AHEAD = 14, 7
LAST_RECORDS = 5


def _main_clients():
    return Prefetch(
        "case_clients",
        queryset=CaseClient.objects.select_related("client").order_by("-primary", "pk"),
        to_attr="field_clients",
    )


def _held_case(request, pk):
    """The case, if the person holds it as its worker and it is open: the case pages' 404."""
    return get_object_or_404(field_cases(request.user).prefetch_related(_main_clients()), pk=pk)


def _field_sessions(user):
    today = timezone.localdate()
    back, ahead = today - timedelta(days=SESSION_DAYS_BACK), today + timedelta(days=SESSION_DAYS_AHEAD)
    return (
        GroupSession.objects.filter(group__in=selectors.groups_visible_to(user=user).filter(worker=user))
        .filter(Q(held_on__gte=back) | Q(held_on__isnull=True, planned_on__range=(back, ahead)))
        .exclude(group__status="ended")
        .select_related("group")
        .order_by("planned_on", "pk")
    )


@require_GET
def field_home(request):
    """The worker's own open cases, each with its client and what falls due next, and the
    sessions of their groups planned or held lately."""
    open_follow_ups = FollowUp.objects.filter(case=OuterRef("pk"), done_on__isnull=True)
    open_tasks = PlanTask.objects.filter(plan__case=OuterRef("pk"), done_on__isnull=True)
    cases = list(
        field_cases(request.user)
        .prefetch_related(_main_clients())
        .annotate(
            next_follow_up=Subquery(
                open_follow_ups.order_by().values("case").annotate(day=Min("due_on")).values("day")[:1]
            ),
            next_task=Subquery(
                open_tasks.order_by().values("plan__case").annotate(day=Min("due_on")).values("day")[:1]
            ),
        )
    )
    today = timezone.localdate()
    sessions = [
        (session, (session.held_on or session.planned_on) <= today)
        for session in _field_sessions(request.user)
    ]
    if cases:
        services.access_record(
            actor=request.user, target=Case(), action="case.list", ids=[case.pk for case in cases]
        )
    return render(
        request,
        "casework/field/home.html",
        {"cases": cases, "sessions": sessions, "open_conflicts": conflicts_open_for(request.user).count()},
    )


def _summary(case):
    """What the field needs of a case: its clients (ID numbers masked), the current plan's goals
    and open tasks, the last notes and home visits, the open follow-ups. The plans come with their
    goals once, for the summary and for the case's steps (workflow.CaseState reads the same rows)."""
    prefetch_related_objects([case], "plans__goals")
    plan = workflow.CaseState(case).current_plan
    return {
        "clients": [(link.client, mask_id_number(link.client.id_number)) for link in case.field_clients],
        "plan": plan,
        "goals": list(plan.goals.all()) if plan else [],
        "tasks": list(plan.tasks.filter(done_on__isnull=True).order_by("due_on", "pk")) if plan else [],
        "notes": list(ServiceNote.objects.filter(case=case).select_related("author")[:LAST_RECORDS]),
        "visits": list(HomeVisit.objects.filter(case=case).select_related("author")[:LAST_RECORDS]),
        "follow_ups": list(case.follow_ups.filter(done_on__isnull=True).order_by("due_on", "pk")),
    }


@require_GET
def field_case(request, pk):
    case = _held_case(request, pk)
    services.access_record(actor=request.user, target=case, action="case.view")
    return render(
        request,
        "casework/field/case.html",
        {
            "case": case,
            **_summary(case),
            "open_conflicts": conflicts_open_for(request.user).count(),
            # Tasks are marked done on an approved plan only (casework.workflow's step).
            "may_mark_tasks": "task_done" in workflow.actions_for(request.user, case),
        },  # fmt: skip
    )


# Entries: a note, a home visit, a session's attendance. Each saves in one function (attachments
# hook in there) and answers a page or, for the phone's background send, JSON.


def _posted_case(request, pk):
    """The case a form posts to. Its page is a 404 for a case the person does not hold; a
    background send instead hears why the entry was not saved (the service refuses it)."""
    case = selectors.cases_visible_to(user=request.user).filter(pk=pk).first()
    if case is None and not field_sync.is_sync(request):
        raise Http404
    if case is not None and not field_sync.is_sync(request):
        _held_case(request, pk)
    return case


def _require_held(request, case) -> None:
    """A background send for a case the worker no longer holds (transferred, reassigned, or out
    of their sight) is refused with the reason; a closed case is refused by the service."""
    if case is None or case.worker_id != request.user.pk or case.removed_at is not None:
        raise ValidationError(_("This case is no longer in your hands: the entry was not saved."))


def _entry_answer(request, *, kind, form, save, done, url, back=None):
    """Save through entry_once and answer: a page (redirect to `back`, else `url`, with `done`; or
    None for the form again with its errors) or the phone's JSON (saved, with `url`)."""
    sync = field_sync.is_sync(request)
    if not form.is_valid():
        if sync:
            return field_sync.refused(
                message=_("Some fields need correcting."), errors=form.errors, form=form
            )
        return None
    try:
        record, entry = services.entry_once(
            actor=request.user, key=request.POST.get("entry_key"), kind=kind, save=save
        )
    except (ValidationError, ActionNotAllowed) as error:
        if sync:
            return field_sync.refused_by(error, form=form)
        show_errors(form, error)
        return None
    if sync:
        return field_sync.saved(url=url, repeat=record is None)
    messages.success(request, done)
    return redirect(back or url)


def _note_save(request, case, form):
    """Save the note of `form` for `case` (the one place a note from the field is saved)."""
    _require_held(request, case)
    fields = dict(form.cleaned_data)
    files = fields.pop("attachments", [])
    with transaction.atomic():
        note = services.note_add(actor=request.user, case=case, **fields)
        services.attachments_add(actor=request.user, case=case, files=files, note=note)
    return note


def _visit_save(request, case, form):
    """Save the home visit of `form` for `case` (the one place a visit from the field is saved)."""
    _require_held(request, case)
    fields = dict(form.cleaned_data)
    files = fields.pop("attachments", [])
    with transaction.atomic():
        visit = services.home_visit_add(actor=request.user, case=case, **fields)
        services.attachments_add(actor=request.user, case=case, files=files, home_visit=visit)
    return visit


def field_note(request, pk):
    case = _posted_case(request, pk) if request.method == "POST" else _held_case(request, pk)
    form = NoteFilesForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        answer = _entry_answer(
            request, kind=FieldEntry.Kind.NOTE, form=form, url=reverse("casework:field_case", args=[pk]),
            save=lambda: _note_save(request, case, form), done=_("The note was added."),
        )  # fmt: skip
        if answer is not None:
            return answer
        status = 400
    return render(request, "casework/field/note.html", {"case": case, "form": form}, status=status)


def field_visit(request, pk):
    case = _posted_case(request, pk) if request.method == "POST" else _held_case(request, pk)
    form = HomeVisitFilesForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        answer = _entry_answer(
            request, kind=FieldEntry.Kind.HOME_VISIT, form=form, url=reverse("casework:field_case", args=[pk]),
            save=lambda: _visit_save(request, case, form), done=_("The home visit was recorded."),
        )  # fmt: skip
        if answer is not None:
            return answer
        status = 400
    return render(request, "casework/field/visit.html", {"case": case, "form": form}, status=status)


def _members_of(session):
    day = session.held_on or session.planned_on
    members = (
        session.group.members.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)
        .select_related("client")
        .order_by("client__name", "pk")
    )
    return [(member.pk, member.client.name) for member in members]


def _written_session(request, pk):
    session = (
        GroupSession.objects.filter(group__in=selectors.groups_visible_to(user=request.user))
        .select_related("group")
        .filter(pk=pk)
        .first()
    )
    if session is None or not services.group_may_write(request.user, session.group):
        if field_sync.is_sync(request) and request.method == "POST":
            return None
        raise Http404
    return session


def field_attendance(request, pk):
    session = _written_session(request, pk)
    if session is None:
        return field_sync.refused(message=_("This group is no longer yours: the attendance was not saved."))
    present = list(session.attendance.filter(present=True).values_list("member", flat=True))
    form = AttendanceForm(request.POST or None, members=_members_of(session), initial={"present": present})
    status = 200
    if request.method == "POST":
        answer = _entry_answer(
            request, kind=FieldEntry.Kind.ATTENDANCE, form=form,
            save=lambda: services.session_attendance_record(
                actor=request.user, session=session, present=form.cleaned_data["present"]
            ),
            done=_("The attendance was recorded."),
            url=reverse("casework:field_attendance", args=[session.pk]), back=reverse("casework:field_home"),
        )  # fmt: skip
        if answer is not None:
            return answer
        status = 400
    return render(
        request, "casework/field/attendance.html", {"session": session, "form": form}, status=status
    )


@require_GET
def field_precache(request):
    """What the phone keeps: the pages of the worker's open cases, and how long it may keep them
    without reaching the server. The phone drops every page not listed here."""
    user = request.user
    return JsonResponse(
        {
            "user": user.pk,
            "offline_hours": CaseworkPolicy.at(reading_place(user)).offline_hours,
            "csrf": get_token(request),
            "cases": list(field_cases(user).values_list("pk", flat=True)),
            "urls": field_urls(user),
            "checked_at": timezone.now().isoformat(),
            "at_once": settings.FIELD_PAGES_AT_ONCE,
        }
    )


@field_pages
def field_case_pages(*, user, cases):
    """The field home, and each held case's summary, note and home-visit pages; the attendance
    page of each recent session of the worker's groups."""
    urls = [reverse("casework:field_home")]
    for case in cases:
        urls.extend(
            reverse(name, args=[case.pk])
            for name in ("casework:field_case", "casework:field_note", "casework:field_visit")
        )
    today = timezone.localdate()
    urls.extend(
        reverse("casework:field_attendance", args=[session.pk])
        for session in _field_sessions(user)
        if (session.held_on or session.planned_on) <= today
    )
    return urls


urlpatterns = [
    path("field/", field_home, name="field_home"),
    path("field/precache.json", field_precache, name="field_precache"),
    path("field/cases/<int:pk>/", field_case, name="field_case"),
    path("field/cases/<int:pk>/note/", field_note, name="field_note"),
    path("field/cases/<int:pk>/visit/", field_visit, name="field_visit"),
    path("field/sessions/<int:pk>/attendance/", field_attendance, name="field_attendance"),
]
