"""The district archive page: a district administrator asks for all of their district's data
with a passphrase (typed twice), follows its progress, and downloads it; nobody else sees the page.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from reports.archive import services
from reports.export_tasks import ExportExpired
from socialwork.exceptions import RETRY_AFTER, BackgroundUnavailable
from socialwork.files import file_response

LIST_LENGTH = 20


class ArchiveForm(forms.Form):
    passphrase = forms.CharField(
        label=gettext_lazy("Passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    passphrase_again = forms.CharField(
        label=gettext_lazy("Passphrase again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passphrase"].help_text = _(
            "At least %(count)s characters. Keep it apart from the file: without it nobody, "
            "the bureau included, can open the archive."
        ) % {"count": services.passphrase_min_length()}

    def clean_passphrase(self):
        passphrase = self.cleaned_data["passphrase"]
        services.passphrase_check(passphrase)
        return passphrase

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("passphrase") != data.get("passphrase_again"):
            self.add_error("passphrase_again", _("The two passphrases differ."))
        return data


def archive_page(request):
    if not services.archive_allowed(request.user):
        raise PermissionDenied
    form = ArchiveForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_request(user=request.user, passphrase=form.cleaned_data["passphrase"])
        except ValidationError as error:
            form.add_error("passphrase", error)
        except BackgroundUnavailable as unavailable:
            form.add_error(None, str(unavailable))
            status = 503
        else:
            messages.info(
                request, _("The archive is being written. You will find the link in your inbox too.")
            )
            return redirect("reports:archive")
    archives = list(services.archives_of(request.user)[:LIST_LENGTH])
    for archive in archives:
        # One still being written polls its own progress (reports:export_status); the page
        # itself reads no task state, so its queries do not grow with the archives listed.
        waiting = archive.status in (archive.Status.QUEUED, archive.Status.RUNNING)
        archive.task = {"id": str(archive.pk), "percent": 0, "failed": False} if waiting else None
    context = {"form": form, "archives": archives, "region": request.user.region}
    response = render(request, "reports/archive.html", context, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER)
    return response


def archive_download(request, pk):
    """The archive, to the person who asked for it alone, until it expires (410 then)."""
    try:
        archive = services.archive_for_download(user=request.user, request_id=pk)
    except ExportExpired as expired:
        return render(request, "reports/export_expired.html", {"requested": expired.request}, status=410)
    if archive is None:
        raise Http404
    finished = timezone.localtime(archive.finished_at)
    word = pgettext("file name", "archive")
    return file_response(
        archive.file.name,
        filename=f"{request.user.region.name}-{word}-{finished:%Y%m%d-%H%M}.zip",
        content_type="application/zip",
    )


urlpatterns = [
    path("archive/", archive_page, name="archive"),
    path("archive/<uuid:pk>/download/", archive_download, name="archive_download"),
]
