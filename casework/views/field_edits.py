"""Field pages that edit a record another person may edit meanwhile: a follow-up's result, a plan
task's done or not, a client's phone and address; and the pages where the person chooses between
their value and the one saved meanwhile.

Each edit form carries the version it showed and each field's value as shown; the edit is saved
once for its entry key and checked field by field (casework.services.conflicts). A background send
from the phone (`X-Field-Sync: 1`) is answered in JSON (casework.views.field_sync); a form posted
from the page is answered with a page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from casework import conflict_selectors, selectors
from casework.field_selectors import field_cases, field_pages
from casework.forms_conflicts import (
    ConflictChoiceForm,
    FieldClientContactForm,
    FieldFollowUpForm,
    FieldTaskForm,
)
from casework.models import CaseClient, FieldEntry, FollowUp, PlanTask
from casework.services.clients import access_record
from casework.services.conflicts import conflicts_resolve, field_edit
from casework.views import field_sync
from socialwork.actions import ActionNotAllowed
from socialwork.pages import show_errors


def _refused(request, form, error) -> object | None:
    """The phone's answer to a refused entry; on a page, the error goes on the form (None)."""
    if field_sync.is_sync(request):
        return field_sync.refused_by(error, form=form)
    show_errors(form, error)
    return None


def _answer(request, outcome, *, back: str, saved_message: str):
    """Saved, or saved with fields waiting for a choice: JSON to the phone, a page to a browser."""
    open_conflicts = [c for c in outcome.conflicts if c.resolved_at is None]
    if open_conflicts:
        url = open_conflicts[0].get_absolute_url()
        message = _("Someone else changed this record meanwhile: choose which values to keep.")
        if field_sync.is_sync(request):
            return field_sync.conflict(url=url, message=message)
        messages.warning(request, message)
        return redirect(url)
    if field_sync.is_sync(request):
        url = outcome.entry.url if outcome.repeat and outcome.entry else back
        return field_sync.saved(url=url, repeat=outcome.repeat)
    messages.success(request, saved_message)
    return redirect(back)


def _invalid(request, form):
    if field_sync.is_sync(request):
        return field_sync.refused(message=_("Some fields are not right."), errors=form.errors, form=form)
    return None


def _edit_page(request, *, form, record, kind: str, back: str, saved_message: str, template: str, context):
    if request.method == "POST":
        if form.is_valid():
            extra = form.extra() if hasattr(form, "extra") else None
            try:
                outcome = field_edit(
                    actor=request.user, key=form.cleaned_data.get("entry_key"), kind=kind, record=record,
                    version=form.cleaned_data.get("version"), base=form.base(), mine=form.mine(), extra=extra,
                )  # fmt: skip
            except (ValidationError, ActionNotAllowed) as error:
                answer = _refused(request, form, error)
                if answer is not None:
                    return answer
            else:
                return _answer(request, outcome, back=back, saved_message=saved_message)
        else:
            answer = _invalid(request, form)
            if answer is not None:
                return answer
    open_conflicts = conflict_selectors.conflicts_open_for(request.user).count()
    return render(
        request, template, {**context, "form": form, "open_conflicts": open_conflicts},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _back_to(request, case) -> str:
    """Where a saved edit leads: the case's field summary for the worker who holds it, its page
    for anyone else."""
    if field_cases(request.user).filter(pk=case.pk).exists():
        return reverse("casework:field_case", args=[case.pk])
    return case.get_absolute_url()


def field_follow_up(request, pk):
    """Record the result of a follow-up of a case (its day and what was found; after closing, how
    it was done and the questionnaire), or correct it once recorded."""
    follow_up = get_object_or_404(
        FollowUp.objects.filter(case__in=selectors.cases_visible_to(user=request.user)).select_related(
            "case"
        ),
        pk=pk,
    )
    after = follow_up.kind == FollowUp.Kind.AFTER_CLOSING
    questions = selectors.satisfaction_questions() if after and follow_up.done_on is None else []
    form = FieldFollowUpForm(request.POST or None, questions=questions, follow_up=follow_up)
    if not after:
        form.fields["method"].required = False
    return _edit_page(
        request, form=form, record=follow_up, kind=FieldEntry.Kind.FOLLOW_UP,
        back=_back_to(request, follow_up.case), saved_message=_("The follow-up was recorded."),
        template="casework/field/follow_up.html", context={"follow_up": follow_up, "case": follow_up.case, "after": after},
    )  # fmt: skip


def field_task(request, pk):
    """Mark a task of a case's plan done (on a day) or not done."""
    task = get_object_or_404(
        PlanTask.objects.filter(plan__case__in=selectors.cases_visible_to(user=request.user)).select_related(
            "plan__case", "goal"
        ),
        pk=pk,
    )
    form = FieldTaskForm(request.POST or None, task=task)
    case = task.plan.case
    return _edit_page(
        request, form=form, record=task, kind=FieldEntry.Kind.TASK, back=_back_to(request, case),
        saved_message=_("The task was saved."), template="casework/field/task.html",
        context={"task": task, "case": case},
    )  # fmt: skip


def field_client_contact(request, pk):
    """A client's phone and address, as a worker finds them in the field."""
    client = get_object_or_404(selectors.clients_visible_to(user=request.user), pk=pk)
    form = FieldClientContactForm(request.POST or None, client=client)
    if request.method == "GET":
        access_record(actor=request.user, target=client, action="client.view")
    return _edit_page(
        request, form=form, record=client, kind=FieldEntry.Kind.CLIENT_CONTACT, back=client.get_absolute_url(),
        saved_message=_("The client's phone and address were saved."), template="casework/field/client_contact.html",
        context={"client": client},
    )  # fmt: skip


def field_conflicts(request):
    """The person's edits that wait for a choice."""
    conflicts = list(conflict_selectors.conflicts_open_for(request.user))
    return render(request, "casework/field/conflict_list.html", {"conflicts": conflicts})


def field_conflict(request, pk):
    """One edit's fields that met another person's change: the value before, theirs (who, when)
    and mine, and the choice for each."""
    conflict = conflict_selectors.conflict_for(request.user, pk)
    if conflict is None:
        raise Http404
    conflicts = conflict_selectors.conflict_siblings(conflict)
    form = ConflictChoiceForm(request.POST or None, conflicts=[c for c in conflicts if c.resolved_at is None])
    if request.method == "POST" and form.is_valid():
        try:
            conflicts_resolve(actor=request.user, conflicts=form.conflicts, choices=form.choices())
        except (ValidationError, ActionNotAllowed) as error:
            answer = _refused(request, form, error)
            if answer is not None:
                return answer
        else:
            messages.success(request, _("Your choice was saved."))
            return redirect(conflict.case.get_absolute_url() if conflict.case else "casework:field_conflicts")
    rows = [
        (c, c.field_label, form[f"choice_{c.pk}"] if f"choice_{c.pk}" in form.fields else None)
        for c in conflicts
    ]
    return render(
        request, "casework/field/conflict.html", {"conflict": conflict, "rows": rows, "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@field_pages
def conflict_field_pages(*, user, cases) -> list[str]:
    """The phone keeps the edit pages of the worker's field cases: their open follow-ups, their
    plans' open tasks, their clients' phone and address; and the list of conflicts to choose."""
    ids = [case.pk for case in cases]
    if not ids:
        return [reverse("casework:field_conflicts")]
    follow_ups = FollowUp.objects.filter(case_id__in=ids, done_on__isnull=True).order_by("pk")
    tasks = PlanTask.objects.filter(plan__case_id__in=ids, done_on__isnull=True).order_by("pk")
    clients = (
        CaseClient.objects.filter(case_id__in=ids).order_by("client_id").values_list("client_id", flat=True)
    )
    return [
        *(reverse("casework:field_follow_up", args=[pk]) for pk in follow_ups.values_list("pk", flat=True)),
        *(reverse("casework:field_task", args=[pk]) for pk in tasks.values_list("pk", flat=True)),
        *(reverse("casework:field_client_contact", args=[pk]) for pk in dict.fromkeys(clients)),
        reverse("casework:field_conflicts"),
    ]


urlpatterns = [
    path("field/follow-ups/<int:pk>/", field_follow_up, name="field_follow_up"),
    path("field/tasks/<int:pk>/", field_task, name="field_task"),
    path("field/clients/<int:pk>/contact/", field_client_contact, name="field_client_contact"),
    path("field/conflicts/", field_conflicts, name="field_conflicts"),
    path("field/conflicts/<int:pk>/", field_conflict, name="field_conflict"),
]
