"""Pages of the monthly qualification allowance: rolls, their Excel export, and the policy table."""

import io
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from positions import pdf as paper
from positions.forms_allowance import AllowancePolicyForm, AllowanceRollGenerateForm
from positions.models import AllowancePolicy, AllowanceRoll, AllowanceRollRun
from positions.selectors import allowance as selectors
from positions.selectors.network import districts_under
from positions.services import allowance as services
from positions.workflow import actions_for
from socialwork.local_rules import rule_place
from socialwork.local_rules_views import rule_context
from socialwork.pages import confirmation
from socialwork.pdf import PDF_CONTENT_TYPE
from socialwork.progress import task_state


def _month(month) -> str:
    """A month as the reader's language writes it (2025年3月, March 2025), as on the roll's PDF."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _require_view(user) -> None:
    if not selectors.can_view_allowances(user):
        raise PermissionDenied


def _generation(user, task_id) -> dict:
    """What the rolls page shows of a month's generation: its progress, then the roll it made."""
    run = AllowanceRollRun.objects.filter(pk=task_id).first()
    if run is None:
        return {}
    task = task_state(str(task_id))
    rolls = selectors.allowance_rolls_visible_to(user=user)
    done = task["ready"] and not task["failed"]
    return {
        "task": task,
        "task_month": _month(run.month),
        "generated": rolls.filter(month=run.month).first() if done else None,
    }


def _generation_asked(request) -> dict:
    try:
        return _generation(request.user, UUID(request.GET["task"]))
    except (KeyError, ValueError):
        return {}


def allowance_rolls(request):
    """The monthly rolls; district administrators generate a month's roll from here (the action
    `generate` of a month not generated yet; the service checks it for the month typed)."""
    _require_view(request.user)
    can_generate = "generate" in actions_for(request.user, AllowanceRoll())
    place = rule_place(request.user)
    districts = districts_under(place) if place is not None and place.is_above_district else None
    form = AllowanceRollGenerateForm(request.POST or None, districts=districts) if can_generate else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                task_id = services.allowance_roll_schedule(
                    actor=request.user, month=month, region=form.cleaned_data.get("region")
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.info(
                    request,
                    _("The roll for %(month)s is being generated.") % {"month": _month(month)},
                )
                query = urlencode({"task": task_id, "month": f"{month:%Y-%m}"})
                return redirect(f"{reverse('positions:allowance_rolls')}?{query}")
    context = {
        "rolls": selectors.allowance_rolls_visible_to(user=request.user),
        "form": form,
        **_generation_asked(request),
    }
    return render(request, "positions/allowance/rolls.html", context)


def allowance_roll_progress(request, task_id):
    """The generation block of the rolls page, which htmx asks for every two seconds while a
    month is generated: its progress, then the roll it made (and the list, brought up to date)."""
    _require_view(request.user)
    generation = _generation(request.user, task_id)
    if not generation:
        raise Http404
    context = {
        **generation,
        "rolls": selectors.allowance_rolls_visible_to(user=request.user),
        "refresh_list": generation["task"]["ready"],
    }
    return render(request, "positions/allowance/rolls.html#generation", context)


def allowance_roll_detail(request, pk):
    _require_view(request.user)
    try:
        page = selectors.allowance_roll_page(user=request.user, pk=pk)
    except AllowanceRoll.DoesNotExist:
        raise Http404 from None
    context = {
        "page": page,
        "roll": page.roll,
        "actions": actions_for(request.user, page.roll),
    }
    return render(request, "positions/allowance/roll_detail.html", context)


@require_POST
def allowance_roll_close(request, pk):
    roll = get_object_or_404(selectors.allowance_rolls_visible_to(user=request.user), pk=pk)
    subject = _("The allowance roll for %(month)s") % {"month": _month(roll.month)}
    asked = confirmation(request, actions_for(request.user, roll).get("close"), subject=subject, back=roll)
    if asked:
        return asked
    try:
        services.allowance_roll_close(actor=request.user, roll=roll)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The roll for %(month)s is closed.") % {"month": _month(roll.month)})
    return redirect(roll)


def allowance_roll_export(request, pk):
    roll = get_object_or_404(selectors.allowance_rolls_visible_to(user=request.user), pk=pk)
    workbook = selectors.allowance_roll_workbook(user=request.user, roll=roll)
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=f"allowance-{roll.month:%Y-%m}.xlsx",
        content_type=selectors.XLSX_CONTENT_TYPE,
    )


def allowance_roll_pdf(request, pk):
    """The roll on paper, as the person sees it on the page (their lines, their totals)."""
    _require_view(request.user)
    try:
        page = selectors.allowance_roll_page(user=request.user, pk=pk)
    except AllowanceRoll.DoesNotExist:
        raise Http404 from None
    return FileResponse(
        io.BytesIO(paper.allowance_roll_pdf(user=request.user, page=page)),
        as_attachment=True,
        filename=f"allowance-{page.roll.month:%Y-%m}.pdf",
        content_type=PDF_CONTENT_TYPE,
    )


def allowance_policies(request):
    """The amount per level and from when in the person's place (their district's own table, or
    the city's default it follows); district administrators add a new amount to their district's
    table here, a city administrator to the city's default, seeing each district's state."""
    _require_view(request.user)
    place = rule_place(request.user) or (request.user.unit.region if request.user.unit_id else None)
    can_add = request.user.is_district_wide and request.user.has_perm("positions.add_allowancepolicy")
    form = AllowancePolicyForm(request.POST or None) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                policy = services.allowance_policy_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(policy)s was added.") % {"policy": policy})
                return redirect("positions:allowance_policies")
    context = {
        "policies": selectors.allowance_policies(place=place),
        "form": form,
        **rule_context(request.user, AllowancePolicy),
    }
    return render(request, "positions/allowance/policies.html", context)


urlpatterns = [
    path("allowances/", allowance_rolls, name="allowance_rolls"),
    path("allowances/policies/", allowance_policies, name="allowance_policies"),
    path("allowances/progress/<uuid:task_id>/", allowance_roll_progress, name="allowance_roll_progress"),
    path("allowances/<int:pk>/", allowance_roll_detail, name="allowance_roll_detail"),
    path("allowances/<int:pk>/close/", allowance_roll_close, name="allowance_roll_close"),
    path("allowances/<int:pk>/export/", allowance_roll_export, name="allowance_roll_export"),
    path("allowances/<int:pk>/pdf/", allowance_roll_pdf, name="allowance_roll_pdf"),
]
