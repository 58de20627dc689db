"""Pages of project evaluation: the district's schemes, assigning an evaluation, the evaluation's
page (what the scheme needs of the project, the score sheet, findings, the rectification list and
the conclusion). Writes go through projects.services.evaluations; reads through the scoped
selectors (projects.selectors.evaluations)."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import selectors
from projects.forms_evaluations import (
    AssignForm,
    ConcludeForm,
    DomainFormSet,
    FindingsForm,
    RectificationForm,
    ResponseForm,
    ReviewForm,
    SchemeForm,
    domain_initial,
)
from projects.models import Evaluation, IndicatorScore, ProgressReport, RectificationItem
from projects.selectors import evaluations as evaluation_selectors
from projects.services import evaluations as services
from socialwork.pages import page_of, show_errors


def _district(request) -> None:
    if not (request.user.is_district_wide and request.user.has_perm("projects.change_project")):
        raise PermissionDenied


# Schemes


def scheme_list(request):
    schemes = evaluation_selectors.schemes_visible_to(user=request.user).select_related("call")
    if not request.user.is_district_wide:
        raise PermissionDenied
    return render(
        request,
        "projects/evaluation_scheme_list.html",
        {"page": page_of(request, schemes.order_by("-year", "title", "pk"))},
    )


def scheme_detail(request, pk):
    scheme = get_object_or_404(evaluation_selectors.schemes_visible_to(user=request.user), pk=pk)
    scheme = evaluation_selectors.scheme_loaded(scheme.pk)
    can_edit = request.user.is_district_wide and request.user.has_perm("projects.change_project")
    return render(request, "projects/evaluation_scheme_detail.html", {"scheme": scheme, "can_edit": can_edit})


def _scheme_page(request, scheme):
    _district(request)
    data = request.POST if request.method == "POST" else None
    form = SchemeForm(data, instance=scheme, prefix="scheme", user=request.user)
    initial = domain_initial(scheme) if data is None else []
    rows = DomainFormSet(data, prefix="domains", initial=initial)
    if data is None:  # room for more domains than the scheme has
        rows.extra = max(6 - len(initial), 1)
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        domains = [row.cleaned_data for row in rows if row.cleaned_data]
        fields = {name: form.cleaned_data[name] for name in SchemeForm.Meta.fields}
        try:
            saved = services.scheme_save(actor=request.user, scheme=scheme, domains=domains, **fields)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, _("The evaluation scheme %(title)s was saved.") % {"title": saved.title}
            )
            return redirect(saved)
    title = _("Edit %(scheme)s") % {"scheme": scheme} if scheme else _("New evaluation scheme")
    return render(
        request,
        "projects/evaluation_scheme_form.html",
        {"form": form, "rows": rows, "title": title, "scheme": scheme},
        status=400 if request.method == "POST" else 200,
    )


def scheme_create(request):
    return _scheme_page(request, None)


def scheme_update(request, pk):
    _district(request)
    return _scheme_page(request, evaluation_selectors.scheme_loaded(get_object_or_404(
        evaluation_selectors.schemes_visible_to(user=request.user), pk=pk
    ).pk))  # fmt: skip


# Evaluations


def evaluation_list(request):
    evaluations = evaluation_selectors.evaluations_visible_to(user=request.user).order_by(
        "due_on", "-created_at", "pk"
    )
    return render(
        request,
        "projects/evaluation_list.html",
        {"page": page_of(request, evaluations), "can_schemes": request.user.is_district_wide},
    )


def evaluation_assign(request, pk):
    """The district assigns an evaluation of one of its projects."""
    _district(request)
    project = get_object_or_404(selectors.projects_visible_to(user=request.user), pk=pk)
    organizations = evaluation_selectors.evaluation_organizations(user=request.user)
    evaluators = evaluation_selectors.evaluator_accounts()
    form = AssignForm(
        request.POST or None, evaluators=evaluators, organizations=organizations, prefix="assign",
        initial={"stage": Evaluation.Stage.FINAL},
    )  # fmt: skip
    scheme = evaluation_selectors.scheme_for(project)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_assign(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The evaluation was assigned."))
            return redirect(evaluation)
    return render(
        request,
        "projects/evaluation_assign.html",
        {"form": form, "project": project, "scheme": scheme},
        status=400 if request.method == "POST" else 200,
    )


def _evaluation(request, pk) -> Evaluation:
    return get_object_or_404(
        evaluation_selectors.evaluations_visible_to(user=request.user)
        .select_related("project__call", "project__contract", "assigned_by")
        .prefetch_related(
            "evaluators",
            Prefetch("scores", queryset=IndicatorScore.objects.select_related("scored_by")),
            Prefetch("rectifications", queryset=RectificationItem.objects.select_related("responded_by")),
        ),
        pk=pk,
    )


def evaluation_detail(request, pk, **bound):
    evaluation = _evaluation(request, pk)
    sides = evaluation_selectors.evaluation_sides(request.user, evaluation)
    actions = evaluation_selectors.evaluation_actions(request.user, evaluation)
    project = evaluation.project
    scheme = evaluation_selectors.scheme_loaded(evaluation.scheme_id)
    results, total, complete = evaluation_selectors.score_sheet(scheme=scheme, scores=evaluation.scores.all())
    typed = bound.get("typed")
    if typed:  # a refused score sheet shows again what was typed, not what was saved before
        for result in results:
            result.rows = [
                (indicator, SimpleNamespace(score=typed[indicator.pk][0], comment=typed[indicator.pk][1]))
                if indicator.pk in typed
                else (indicator, score)
                for indicator, score in result.rows
            ]
    # Scores in progress are the evaluators' and the district's; the provider sees the result.
    show_scores = bool(sides & {"district", "evaluator"}) or evaluation.status == Evaluation.Status.CONCLUDED
    contract = getattr(project, "contract", None)
    context = {
        "evaluation": evaluation,
        "project": project,
        "scheme": scheme,
        "results": results if show_scores else [],
        "total": total,
        "complete": complete,
        "show_scores": show_scores,
        "actions": actions,
        "sides": sides,
        "facts": evaluation_selectors.project_facts(project) if show_scores else None,
        "contract": contract,
        "contract_shown": contract is not None
        and selectors.contracts_visible_to(user=request.user).filter(pk=contract.pk).exists(),
        "reports": ProgressReport.objects.filter(project=project)
        .select_related("submitted_by")
        .order_by("created_at"),
        "visits": project.supervision_visits.order_by("visited_on", "pk"),
        "findings_form": bound.get("findings_form")
        or FindingsForm(initial={"findings": evaluation.findings}),
        "rectification_form": bound.get("rectification_form") or RectificationForm(prefix="item"),
        "conclude_form": bound.get("conclude_form") or ConcludeForm(prefix="conclude"),
        "response_form": ResponseForm(prefix="response"),
        "review_form": ReviewForm(prefix="review"),
        "error": bound.get("error"),
    }
    return render(request, "projects/evaluation_detail.html", context, status=400 if bound else 200)


def _refuse_unless(request, evaluation, action):
    if action not in evaluation_selectors.evaluation_actions(request.user, evaluation):
        raise PermissionDenied


@require_POST
def evaluation_score(request, pk):
    evaluation = _evaluation(request, pk)
    _refuse_unless(request, evaluation, "score")
    scheme = evaluation_selectors.scheme_loaded(evaluation.scheme_id)
    scores = {
        indicator.pk: (
            request.POST.get(f"score-{indicator.pk}", ""),
            request.POST.get(f"comment-{indicator.pk}", ""),
        )
        for domain in scheme.domains.all()
        for indicator in domain.indicators.all()
    }
    form = FindingsForm(request.POST)
    form.is_valid()
    try:
        services.evaluation_score(
            actor=request.user,
            evaluation=evaluation,
            scores=scores,
            findings=form.cleaned_data.get("findings", ""),
        )
    except ValidationError as error:
        return evaluation_detail(
            request, pk, error=" ".join(error.messages), findings_form=form, typed=scores
        )
    messages.success(request, _("The scores were saved."))
    return redirect(evaluation)


@require_POST
def rectification_add(request, pk):
    evaluation = _evaluation(request, pk)
    _refuse_unless(request, evaluation, "rectification_add")
    form = RectificationForm(request.POST, prefix="item")
    if form.is_valid():
        try:
            services.rectification_add(actor=request.user, evaluation=evaluation, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The rectification item was added; the provider was told."))
            return redirect(evaluation)
    return evaluation_detail(request, pk, rectification_form=form)


def _item(request, pk, item_pk, action):
    evaluation = _evaluation(request, pk)
    _refuse_unless(request, evaluation, action)
    return evaluation, get_object_or_404(RectificationItem, pk=item_pk, evaluation=evaluation)


@require_POST
def rectification_respond(request, pk, item_pk):
    evaluation, item = _item(request, pk, item_pk, "rectification_respond")
    form = ResponseForm(request.POST, prefix="response")
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what was done."))
        services.rectification_respond(actor=request.user, item=item, response=form.cleaned_data["response"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your response was sent to the evaluators."))
    return redirect(evaluation)


@require_POST
def rectification_review(request, pk, item_pk):
    evaluation, item = _item(request, pk, item_pk, "rectification_review")
    form = ReviewForm(request.POST, prefix="review")
    try:
        if not form.is_valid():
            raise ValidationError(_("Accept or return the response."))
        accept = form.cleaned_data["decision"] == "accept"
        services.rectification_review(
            actor=request.user, item=item, accept=accept, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The response was accepted.") if accept else _("The response was returned.")
        )
    return redirect(evaluation)


@require_POST
def evaluation_conclude(request, pk):
    evaluation = _evaluation(request, pk)
    _refuse_unless(request, evaluation, "conclude")
    form = ConcludeForm(request.POST, prefix="conclude")
    if form.is_valid():
        try:
            services.evaluation_conclude(
                actor=request.user, evaluation=evaluation, conclusion=form.cleaned_data["conclusion"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The evaluation was concluded."))
            return redirect(evaluation)
    return evaluation_detail(request, pk, conclude_form=form)


urlpatterns = [
    path("evaluations/", evaluation_list, name="evaluation_list"),
    path("evaluations/<int:pk>/", evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/scores/", evaluation_score, name="evaluation_score"),
    path("evaluations/<int:pk>/rectifications/", rectification_add, name="rectification_add"),
    path(
        "evaluations/<int:pk>/rectifications/<int:item_pk>/respond/",
        rectification_respond,
        name="rectification_respond",
    ),
    path(
        "evaluations/<int:pk>/rectifications/<int:item_pk>/review/",
        rectification_review,
        name="rectification_review",
    ),
    path("evaluations/<int:pk>/conclude/", evaluation_conclude, name="evaluation_conclude"),
    path("evaluation-schemes/", scheme_list, name="evaluation_scheme_list"),
    path("evaluation-schemes/new/", scheme_create, name="evaluation_scheme_create"),
    path("evaluation-schemes/<int:pk>/", scheme_detail, name="evaluation_scheme_detail"),
    path("evaluation-schemes/<int:pk>/edit/", scheme_update, name="evaluation_scheme_edit"),
    path("<int:pk>/evaluations/new/", evaluation_assign, name="evaluation_assign"),
]
