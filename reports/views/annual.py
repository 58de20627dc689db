"""Pages of the annual report: request one, follow its progress, download its files."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from positions.models import Region
from reports import annual, figures, services
from reports.models import AnnualReport
from socialwork.files import file_response
from socialwork.progress import task_state

CONTENT_TYPES = {"xlsx": annual.XLSX_CONTENT_TYPE, "pdf": annual.PDF_CONTENT_TYPE}
LIST_LENGTH = 50


class AnnualReportForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=services.FIRST_YEAR)
    part = forms.ModelChoiceField(
        label=gettext_lazy("town or street"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole of my place"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["year"].max_value = timezone.localdate().year
        # A city administrator's districts, a district administrator's towns and streets.
        self.fields["part"].queryset = figures.parts_for(user=user)
        self.fields["part"].label = figures.part_heading(user=user)


def _reports_of(user):
    return AnnualReport.objects.visible_to(user).select_related(
        "town", "requested_by", "scope_unit", "scope_region"
    )


def annual_list(request):
    """The annual reports the person may see; district-wide people and station managers start one here."""
    can_request = services.can_request_reports(request.user)
    form = AnnualReportForm(request.POST or None, user=request.user) if can_request else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.report_request(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.info(request, _("The report is being prepared."))
                return redirect(report)
    reports = _reports_of(request.user)
    followed = None
    if request.GET.get("report", "").isdigit():
        followed = reports.filter(pk=request.GET["report"]).first()
    context = {
        "form": form,
        "reports": reports[:LIST_LENGTH],
        "followed": followed,
        "task": task_state(followed.task_id) if followed and followed.task_id else None,
    }
    return render(request, "reports/annual_list.html", context)


def annual_status(request, pk):
    """The state of one report, polled by the list page until its files are ready."""
    report = get_object_or_404(_reports_of(request.user), pk=pk)
    return render(request, "reports/annual_status.html", {"report": report})


def annual_download(request, pk, kind):
    report = get_object_or_404(_reports_of(request.user), pk=pk)
    file = getattr(report, kind)
    if report.status != AnnualReport.Status.DONE or not file:
        raise Http404
    return annual_file_response(report, kind)


def annual_file_response(report: AnnualReport, kind: str):
    """One of a report's files. They hold counts only, no one's name or number: they are kept
    as the district's record and their downloads are not audited (the request is)."""
    return file_response(
        getattr(report, kind).name,
        filename=f"annual-report-{report.year}.{kind}",
        content_type=CONTENT_TYPES[kind],
    )


urlpatterns = [
    path("annual/", annual_list, name="annual_list"),
    path("annual/<int:pk>/status/", annual_status, name="annual_status"),
    re_path(r"^annual/(?P<pk>[0-9]+)/(?P<kind>xlsx|pdf)/$", annual_download, name="annual_download"),
]
