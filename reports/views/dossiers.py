"""Pages of the dossier (台账): ask for a project's or a station's dossier, follow its progress,
download its files. Who may is `reports.dossiers.selectors`; the work is its services'."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.dossiers import selectors, services
from reports.dossiers.xlsx import XLSX_CONTENT_TYPE
from socialwork.files import file_response

CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "pdf": services.PDF_CONTENT_TYPE}
LIST_LENGTH = 50


def dossier_list(request):
    """The dossiers the person may download, newest first; `?dossier=` follows one being built."""
    dossiers = selectors.dossiers_visible_to(user=request.user)
    followed = None
    if request.GET.get("dossier", "").isdigit():
        followed = dossiers.filter(pk=request.GET["dossier"]).first()
    stations = list(selectors.stations_for_dossier(user=request.user).order_by("path")[:200])
    context = {
        "dossiers": dossiers[:LIST_LENGTH],
        "followed": followed,
        "stations": stations,
        "year": timezone.localdate().year,
    }
    return render(request, "reports/dossier_list.html", context)


@require_POST
def dossier_request_project(request, pk):
    project = get_object_or_404(selectors.projects_for_dossier(user=request.user), pk=pk)
    dossier = services.dossier_request(actor=request.user, project=project)
    messages.info(request, _("The dossier is being built; this page shows its progress."))
    return redirect(dossier)


@require_POST
def dossier_request_station(request, pk=None):
    """From the station's page (its id in the path) or the dossiers page (chosen in the form)."""
    if pk is None:
        pk = request.POST.get("station", "")
        if not str(pk).isdigit():
            raise Http404
    station = get_object_or_404(selectors.stations_for_dossier(user=request.user), pk=pk)
    year = request.POST.get("year", "")
    try:
        dossier = services.dossier_request(
            actor=request.user, station=station, year=int(year) if year.isdigit() else None
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:dossier_list")
    messages.info(request, _("The dossier is being built; this page shows its progress."))
    return redirect(dossier)


def dossier_status(request, pk):
    """One dossier's state, polled by the list page until its files are ready."""
    dossier = get_object_or_404(selectors.dossiers_visible_to(user=request.user), pk=pk)
    return render(request, "reports/dossier_status.html", {"dossier": dossier})


def dossier_download(request, pk, kind):
    dossier = services.dossier_for_download(user=request.user, pk=pk, kind=kind)
    if dossier is None:
        raise Http404
    return file_response(
        getattr(dossier, kind).name, filename=f"dossier-{dossier.pk}.{kind}", content_type=CONTENT_TYPES[kind]
    )


urlpatterns = [
    path("dossiers/", dossier_list, name="dossier_list"),
    path("dossiers/project/<int:pk>/", dossier_request_project, name="dossier_request_project"),
    path("dossiers/station/", dossier_request_station, name="dossier_request_any_station"),
    path("dossiers/station/<int:pk>/", dossier_request_station, name="dossier_request_station"),
    path("dossiers/<int:pk>/status/", dossier_status, name="dossier_status"),
    re_path(r"^dossiers/(?P<pk>[0-9]+)/(?P<kind>xlsx|pdf)/$", dossier_download, name="dossier_download"),
]
