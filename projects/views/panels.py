"""Pages of review panels: the district sets one up and reads its results and decision packs; a
reviewer reads the applications of their panels, declares any conflict of interest and scores.
Every read goes through projects.selectors.panels; every write through projects.services.panels."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects.forms_panels import DeclarationForm, PanelForm, ScoreForm
from projects.pdf_panels import decision_pack_pdf
from projects.selectors import panels as selectors
from projects.services import panels as services
from socialwork.pages import show_errors
from socialwork.pdf import PDF_CONTENT_TYPE
from socialwork.services import audit_record


def panel_list(request):
    return render(
        request,
        "projects/panel_list.html",
        {
            "panels": selectors.panels_list(user=request.user),
            "can_create": selectors.manages_panels(request.user),
        },
    )


def _panel_form_page(request, panel=None):
    if not selectors.manages_panels(request.user):
        raise PermissionDenied
    initial = {}
    if panel is not None:
        initial = {
            "name": panel.name, "call": panel.call_id, "threshold": panel.threshold,
            "members": [m.user_id for m in panel.memberships.all()],
            "applications": [e.project_id for e in panel.entries.all()],
        }  # fmt: skip
    form = PanelForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.panel_save(actor=request.user, panel=panel, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The review panel %(name)s was saved.") % {"name": saved.name})
            return redirect(saved)
    title = _("Edit %(panel)s") % {"panel": panel} if panel else _("New review panel")
    return render(
        request,
        "projects/panel_form.html",
        {"form": form, "title": title, "panel": panel},
        status=400 if request.method == "POST" else 200,
    )


def panel_create(request):
    return _panel_form_page(request)


def _panel(request, pk):
    return get_object_or_404(selectors.panels_visible_to(user=request.user), pk=pk)


def panel_update(request, pk):
    return _panel_form_page(request, _panel(request, pk))


def panel_detail(request, pk):
    """The district: each application's scores, average, spread, conflicts and recommendation. A
    reviewer: their applications and where they stand on each."""
    panel = _panel(request, pk)
    projects = selectors.panel_applications(user=request.user, panel=panel)
    member = selectors.sits_on(user=request.user, panel=panel)
    results = selectors.application_results(panel=panel, projects=projects)
    if not request.user.is_district_wide:  # a reviewer reads only their own row of each
        for result in results:
            result.rows = [row for row in result.rows if row.reviewer.pk == request.user.pk]
    return render(
        request,
        "projects/panel_detail.html",
        {
            "panel": panel,
            "results": results,
            "member": member,
            "district": request.user.is_district_wide,
            "members": [m.user for m in panel.memberships.select_related("user")],
            "can_edit": selectors.manages_panels(request.user),
        },
    )


def _application(request, pk, project_pk):
    panel = _panel(request, pk)
    project = selectors.panel_application(user=request.user, panel=panel, pk=project_pk)
    if project is None:
        raise Http404
    return panel, project


def _application_page(request, panel, project, *, status=200, **bound):
    member = selectors.sits_on(user=request.user, panel=panel)
    row = selectors.member_row(panel=panel, project=project, user=request.user) if member else None
    actions = selectors.panel_actions_for(user=request.user, panel=panel, project=project, row=row)
    result = None
    if request.user.is_district_wide:
        result = selectors.application_results(panel=panel, projects=[project])[0]
    withdrawing = bool(row and row.declaration)
    declaration_form = bound.get("declaration_form") or (
        DeclarationForm(prefix="declare", withdrawing=withdrawing) if "declare" in actions else None
    )
    score_form = bound.get("score_form")
    if score_form is None and ("score" in actions or "revise" in actions):
        initial = {"score": row.review.score, "comment": row.review.comment} if row and row.review else {}
        score_form = ScoreForm(prefix="score", revising="revise" in actions, initial=initial)
    return render(
        request,
        "projects/panel_application.html",
        {
            "panel": panel,
            "project": project,
            "organization": project.organization,
            "row": row,
            "actions": actions,
            "result": result,
            "declaration_form": declaration_form,
            "score_form": score_form,
            "revising": "revise" in actions,
            "withdrawing": withdrawing,
        },
        status=status,
    )


def panel_application(request, pk, project_pk):
    panel, project = _application(request, pk, project_pk)
    return _application_page(request, panel, project)


@require_POST
def panel_declare(request, pk, project_pk):
    panel, project = _application(request, pk, project_pk)
    if not selectors.sits_on(user=request.user, panel=panel):
        raise PermissionDenied
    row = selectors.member_row(panel=panel, project=project, user=request.user)
    form = DeclarationForm(request.POST, prefix="declare", withdrawing=row.declaration is not None)
    if form.is_valid():
        has_conflict = form.cleaned_data["conflict"] == DeclarationForm.YES
        try:
            services.conflict_declare(
                actor=request.user, panel=panel, project=project, has_conflict=has_conflict,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("You withdrew from this application: the district is told why.")
                if has_conflict
                else _("You declared no conflict of interest: you may score the application."),
            )
            return redirect("projects:panel_application", panel.pk, project.pk)
    return _application_page(request, panel, project, status=400, declaration_form=form)


@require_POST
def panel_score(request, pk, project_pk):
    panel, project = _application(request, pk, project_pk)
    if not selectors.sits_on(user=request.user, panel=panel):
        raise PermissionDenied
    row = selectors.member_row(panel=panel, project=project, user=request.user)
    form = ScoreForm(request.POST, prefix="score", revising=row.review is not None)
    if form.is_valid():
        try:
            services.review_score(actor=request.user, panel=panel, project=project, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Your score was recorded."))
            return redirect("projects:panel_application", panel.pk, project.pk)
    return _application_page(request, panel, project, status=400, score_form=form)


def _pack_response(request, panel, projects, filename: str):
    if not request.user.is_district_wide:  # other reviewers' scores: the district's paper
        raise PermissionDenied
    results = selectors.application_results(panel=panel, projects=projects)
    content = decision_pack_pdf(panel=panel, results=results, user=request.user)
    audit_record(
        actor=request.user,
        action="panel.pack_download",
        target=panel,
        summary=", ".join(result.project.title for result in results)[:200],
    )
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def panel_pack(request, pk, project_pk):
    """The decision pack of one application: summary, budget, each reviewer's score and comments,
    conflicts, average and spread, and the recommendation."""
    panel, project = _application(request, pk, project_pk)
    project = (
        type(project).objects.select_related("organization", "community", "call")
        .prefetch_related("budget_lines").get(pk=project.pk)
    )  # fmt: skip
    return _pack_response(request, panel, [project], f"decision-pack-{panel.pk}-{project.pk}.pdf")


def panel_pack_all(request, pk):
    """The decision pack of every application of the panel, one after the other."""
    panel = _panel(request, pk)
    projects = selectors.panel_applications(user=request.user, panel=panel).prefetch_related("budget_lines")
    return _pack_response(request, panel, projects, f"decision-pack-{panel.pk}.pdf")


urlpatterns = [
    path("panels/", panel_list, name="panel_list"),
    path("panels/new/", panel_create, name="panel_create"),
    path("panels/<int:pk>/", panel_detail, name="panel_detail"),
    path("panels/<int:pk>/edit/", panel_update, name="panel_update"),
    path("panels/<int:pk>/pack/", panel_pack_all, name="panel_pack_all"),
    path("panels/<int:pk>/applications/<int:project_pk>/", panel_application, name="panel_application"),
    path("panels/<int:pk>/applications/<int:project_pk>/declare/", panel_declare, name="panel_declare"),
    path("panels/<int:pk>/applications/<int:project_pk>/score/", panel_score, name="panel_score"),
    path("panels/<int:pk>/applications/<int:project_pk>/pack/", panel_pack, name="panel_pack"),
]
