"""The phone's own pages of field work: the outbox (what waits on the phone to be sent, what was
sent, refused or met a conflict) and the offline page a phone shows for a page it does not keep.

Neither page reads a record: the outbox's lists are filled on the phone by static/js/field.js from
its IndexedDB, and the offline page says only why nothing can be shown. Both are kept by the
service worker (static/js/sw.js), the outbox with the worker's field pages, the offline page with
the static shell.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from casework.field_selectors import field_pages


@require_GET
def field_outbox(request):
    """What this phone keeps to send, in the order it will be sent."""
    return render(request, "casework/field_outbox.html")


@login_not_required
@require_GET
def field_offline(request):
    """The page a phone shows for a page it does not keep, or, with `?reason=expired`, once the
    district's offline limit has passed and the case pages were deleted from the phone. Open to
    anyone: the service worker may keep it before the person logs in; it holds nothing personal."""
    expired = request.GET.get("reason") == "expired"
    return render(request, "casework/field_offline.html", {"expired": expired})


@field_pages
def outbox_pages(*, user, cases):
    """The outbox opens offline too."""
    return [reverse("casework:field_outbox")]


urlpatterns = [
    path("field/outbox/", field_outbox, name="field_outbox"),
    path("field/offline/", field_offline, name="field_offline"),
]
