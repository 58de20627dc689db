"""An attachment of a case, decrypted for whoever sees the case (404 for anyone else), each opening
audited; and the page where a client signs consent on the worker's phone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from casework import selectors, services, workflow
from casework.field_selectors import field_pages
from casework.forms_attachments import ConsentForm
from casework.models import Attachment, Client, FieldEntry
from casework.views import field_sync
from socialwork.actions import ActionNotAllowed
from socialwork.crypto.stored import file_read
from socialwork.files import bytes_response
from socialwork.pages import show_errors


def attachment(request, pk):
    """The file, as a download: found through the cases this person sees, decrypted here (what is
    stored is ciphertext, so the web server never sends it from its path), audited each time."""
    found = get_object_or_404(
        Attachment.objects.filter(case__in=selectors.cases_visible_to(user=request.user)).select_related(
            "case"
        ),
        pk=pk,
    )
    try:
        data = file_read(found.stored)
    except FileNotFoundError:
        raise Http404 from None
    services.attachment_open(actor=request.user, attachment=found)
    return bytes_response(data, filename=found.original_name, content_type=found.content_type)


def consent_sign(request, pk):
    """A client, or their guardian, signs consent on the phone's screen (static/js/signature.js
    draws it and puts the PNG in the form). Who may write the case may take it. The page is one a
    phone keeps: signed without a connection, the consent waits on the phone and is sent once
    (casework.services.entry_once), answering the phone as casework.views.field_sync says."""
    sync = field_sync.is_sync(request) and request.method == "POST"
    case = selectors.cases_visible_to(user=request.user).filter(pk=pk).first()
    if case is None or "note_add" not in workflow.actions_for(request.user, case):
        if sync:
            return field_sync.refused(
                message=_("This case is no longer in your hands: the entry was not saved.")
            )
        if case is None:
            raise Http404
        raise PermissionDenied
    clients = Client.objects.filter(case_links__case=case).order_by("-case_links__primary", "pk")
    status = 200
    if request.method == "POST":
        form = ConsentForm(request.POST, request.FILES, clients=clients)
        if form.is_valid():
            data = form.cleaned_data

            def save():
                return services.consent_sign(
                    actor=request.user, client=data["client"], case=case,
                    consents_to_services=data["consents_to_services"],
                    consents_to_data_processing=data["consents_to_data_processing"],
                    signer_name=data["signer_name"], relationship=data["relationship"],
                    signature=data["signature"], files=data["attachments"],
                )  # fmt: skip

            try:
                record, _entry = services.entry_once(
                    actor=request.user,
                    key=request.POST.get("entry_key"),
                    kind=FieldEntry.Kind.CONSENT,
                    save=save,
                )
            except (ValidationError, ActionNotAllowed) as error:
                if sync:
                    return field_sync.refused_by(error, form=form)
                show_errors(form, error)
            else:
                if sync:
                    return field_sync.saved(url=case.get_absolute_url(), repeat=record is None)
                messages.success(request, _("The signed consent was kept."))
                return redirect(case)
        elif sync:
            return field_sync.refused(
                message=_("Some fields need correcting."), errors=form.errors, form=form
            )
        status = 400
    else:
        form = ConsentForm(clients=clients, initial={"client": clients.first()})
    services.access_record(actor=request.user, target=case, action="case.view")
    return render(request, "casework/consent_sign.html", {"case": case, "form": form}, status=status)


@field_pages
def consent_pages(*, user, cases):
    """The consent page of each case the worker holds: a client may sign where there is no signal."""
    return [reverse("casework:consent_sign", args=[case.pk]) for case in cases]


urlpatterns = [
    path("attachments/<int:pk>/", attachment, name="attachment"),
    path("cases/<int:pk>/consent/", consent_sign, name="consent_sign"),
]
