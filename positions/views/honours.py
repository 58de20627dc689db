"""Pages of the honours register: awards to social workers and brand studios."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from positions.forms_honours import AwardForm, StudioForm, StudioProjectForm
from positions.selectors import workforce as selectors
from positions.services import honours as services
from socialwork.pages import form_page, page_of, show_errors


def award_list(request):
    awards = selectors.awards_list(user=request.user, params=request.GET)
    return render(
        request, "positions/honours/award_list.html", {"filter": awards, "page": page_of(request, awards.qs)}
    )


def award_detail(request, pk):
    award = get_object_or_404(selectors.awards_visible_to(user=request.user), pk=pk)
    return render(request, "positions/honours/award_detail.html", {"award": award})


@permission_required("positions.add_award", raise_exception=True)
def award_create(request):
    return form_page(
        request,
        AwardForm(request.POST or None, user=request.user),
        save=lambda data: services.award_save(actor=request.user, **data),
        message=lambda award: _("The award %(award)s was recorded.") % {"award": award},
        title=_("New award"),
    )


@permission_required("positions.change_award", raise_exception=True)
def award_update(request, pk):
    award = get_object_or_404(selectors.awards_visible_to(user=request.user), pk=pk)
    return form_page(
        request,
        AwardForm(request.POST or None, instance=award, user=request.user),
        save=lambda data: services.award_save(actor=request.user, award=award, **data),
        message=lambda saved: _("The award %(award)s was saved.") % {"award": saved},
        title=_("Edit %(award)s") % {"award": award},
        cancel=award,
    )


def studio_list(request):
    studios = selectors.studios_list(user=request.user, params=request.GET)
    return render(
        request,
        "positions/honours/studio_list.html",
        {"filter": studios, "page": page_of(request, studios.qs)},
    )


def studio_detail(request, pk):
    studio = get_object_or_404(selectors.studios_visible_to(user=request.user), pk=pk)
    return render(
        request,
        "positions/honours/studio_detail.html",
        {
            "studio": studio,
            "project_form": StudioProjectForm() if request.user.has_perm("positions.change_studio") else None,
        },
    )


@permission_required("positions.add_studio", raise_exception=True)
def studio_create(request):
    return form_page(
        request,
        StudioForm(request.POST or None, user=request.user),
        save=lambda data: services.studio_save(actor=request.user, **data),
        message=lambda studio: _("%(studio)s was set up.") % {"studio": studio},
        title=_("New studio"),
    )


@permission_required("positions.change_studio", raise_exception=True)
def studio_update(request, pk):
    studio = get_object_or_404(selectors.studios_visible_to(user=request.user), pk=pk)
    return form_page(
        request,
        StudioForm(request.POST or None, instance=studio, user=request.user),
        save=lambda data: services.studio_save(actor=request.user, studio=studio, **data),
        message=lambda saved: _("%(studio)s was saved.") % {"studio": saved},
        title=_("Edit %(studio)s") % {"studio": studio},
        cancel=studio,
    )


@require_POST
@permission_required("positions.change_studio", raise_exception=True)
def studio_project_add(request, pk):
    studio = get_object_or_404(selectors.studios_visible_to(user=request.user), pk=pk)
    form = StudioProjectForm(request.POST)
    if form.is_valid():
        try:
            services.studio_project_add(actor=request.user, studio=studio, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The project was added."))
            return redirect(studio)
    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(studio)


urlpatterns = [
    path("awards/", award_list, name="award_list"),
    path("awards/new/", award_create, name="award_create"),
    path("awards/<int:pk>/", award_detail, name="award_detail"),
    path("awards/<int:pk>/edit/", award_update, name="award_update"),
    path("studios/", studio_list, name="studio_list"),
    path("studios/new/", studio_create, name="studio_create"),
    path("studios/<int:pk>/", studio_detail, name="studio_detail"),
    path("studios/<int:pk>/edit/", studio_update, name="studio_update"),
    path("studios/<int:pk>/projects/", studio_project_add, name="studio_project_add"),
]
