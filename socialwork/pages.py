"""What every page shares."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render


def form_page(
    request, form, *, save: Callable[[dict], object], message: Callable[[object], str], title, cancel=None
):
    """A create or edit page. On a valid POST, `save(cleaned_data)` calls the service; a
    ValidationError it raises lands on the form, field by field; on success the person sees
    `message(saved)` and goes to the saved object's page."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message(saved))
            return redirect(saved)
    return render(request, "partials/form_page.html", {"form": form, "title": title, "object": cancel})
