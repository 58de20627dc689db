"""Pages of the follow-up after closing (回访) and of an evaluation's sampled satisfaction calls.

The follow-up page records a follow-up with its questionnaire, laid out for a phone; it is open
to who sees the case. The sample pages are open only to the district (which follows the sample by
case number, never a client) and to the evaluators assigned to the evaluation (who see the sampled
clients' names and phones masked until they ask, each sight audited): casework.selectors
sample_role decides, and nothing else of casework opens to an evaluator."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services
from casework.forms_followups import QuestionnaireForm, SampleDrawForm
from casework.models import FollowUp, SampledCase
from socialwork.actions import ActionNotAllowed
from socialwork.pages import show_errors


def follow_up_record(request, pk):
    """Record a follow-up done with the satisfaction questionnaire (a phone-sized form)."""
    follow_up = get_object_or_404(
        FollowUp.objects.filter(case__in=selectors.cases_visible_to(user=request.user)).select_related(
            "case"
        ),
        pk=pk,
    )
    case = follow_up.case
    if follow_up.done_on is not None:
        return redirect(case.get_absolute_url())
    after = follow_up.kind == FollowUp.Kind.AFTER_CLOSING
    questions = selectors.satisfaction_questions() if after else []
    form = QuestionnaireForm(request.POST or None, questions=questions)
    if not after:
        form.fields["method"].required = False
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(actor=request.user, follow_up=follow_up, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        except ActionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The follow-up was recorded."))
            return redirect(case.get_absolute_url())
    return render(
        request,
        "casework/follow_up_record.html",
        {"follow_up": follow_up, "case": case, "form": form, "after": after},
        status=400 if request.method == "POST" else 200,
    )


def _evaluation_for(request, pk):
    from projects.models import Evaluation

    evaluation = get_object_or_404(Evaluation.objects.select_related("project", "scheme"), pk=pk)
    role = selectors.sample_role(user=request.user, evaluation=evaluation)
    if not role:
        raise Http404
    return evaluation, role


def _sample_page(request, evaluation, role, *, draw_form=None, revealed=None, status=200):
    sample = selectors.evaluation_sample(evaluation)
    rows = []
    if sample is not None:
        for sampled in selectors.sampled_cases(sample):
            shown = (revealed or {}).get(sampled.pk)
            client = shown or (services.sampled_client_masked(sampled) if role == "evaluator" else None)
            rows.append((sampled, client, bool(shown)))
    return render(
        request,
        "casework/evaluation_sample.html",
        {
            "evaluation": evaluation,
            "role": role,
            "sample": sample,
            "rows": rows,
            "figures": selectors.evaluation_satisfaction_figures(evaluation),
            "draw_form": draw_form or SampleDrawForm(),
        },
        status=status,
    )


def evaluation_sample(request, pk):
    """The evaluation's sample: draw it (or again, with a reason), who is in it by station and
    how to reach them (evaluators), what was recorded, and the sample's satisfaction figures."""
    evaluation, role = _evaluation_for(request, pk)
    if request.method != "POST":
        return _sample_page(request, evaluation, role)
    form = SampleDrawForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_sample_draw(actor=request.user, evaluation=evaluation, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The sample was drawn."))
            return redirect("casework:evaluation_sample", evaluation.pk)
    return _sample_page(request, evaluation, role, draw_form=form, status=400)


def _sampled_for(request, pk, sampled_pk):
    evaluation, role = _evaluation_for(request, pk)
    if role != "evaluator":
        raise Http404
    sampled = get_object_or_404(
        SampledCase.objects.select_related("case", "follow_up"),
        pk=sampled_pk, sample__evaluation=evaluation, sample__current=True,
    )  # fmt: skip
    return evaluation, sampled


@require_POST
def sampled_reveal(request, pk, sampled_pk):
    """The sampled client's name and phone in full, for the evaluator about to call (audited)."""
    evaluation, sampled = _sampled_for(request, pk, sampled_pk)
    shown = services.sampled_client_reveal(actor=request.user, sampled=sampled)
    if request.htmx:
        return render(
            request,
            "casework/evaluation_sample.html#client",
            {"evaluation": evaluation, "sampled": sampled, "client": shown, "shown": True},
        )
    return _sample_page(request, evaluation, "evaluator", revealed={sampled.pk: shown})


def sampled_call(request, pk, sampled_pk):
    """An evaluator records the call or visit of a sampled case, with the questionnaire."""
    evaluation, sampled = _sampled_for(request, pk, sampled_pk)
    if sampled.follow_up_id:
        return redirect("casework:evaluation_sample", evaluation.pk)
    form = QuestionnaireForm(
        request.POST or None, questions=selectors.satisfaction_questions(), with_method=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sampled_call_record(actor=request.user, sampled=sampled, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The call was recorded."))
            return redirect("casework:evaluation_sample", evaluation.pk)
    return render(
        request,
        "casework/sampled_call.html",
        {
            "evaluation": evaluation,
            "sampled": sampled,
            "form": form,
            "client": services.sampled_client_masked(sampled),
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("follow-ups/<int:pk>/record/", follow_up_record, name="follow_up_record"),
    path("evaluations/<int:pk>/sample/", evaluation_sample, name="evaluation_sample"),
    path("evaluations/<int:pk>/sample/<int:sampled_pk>/reveal/", sampled_reveal, name="sampled_reveal"),
    path("evaluations/<int:pk>/sample/<int:sampled_pk>/record/", sampled_call, name="sampled_call"),
]
