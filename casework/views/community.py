"""Pages of community work: activities, volunteers with their hours, and their pairings with
clients. Activities and volunteers name no client and are read across the person's place. A
pairing names its client only to people who can see that client; others read "paired with a
client". A volunteer's page that names a client is written to the audit log."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import selectors, services
from casework.forms_groups import (
    ActivityForm,
    PairingEndForm,
    PairingForm,
    VolunteerForm,
    VolunteerHoursForm,
)
from casework.masking import mask_phone
from casework.models import CommunityActivity, Volunteer, VolunteerHours, VolunteerPairing
from socialwork.pages import form_page, page_of, show_errors


def _at_a_station(user) -> bool:
    return selectors.station_of(user.unit) is not None


# Activities


def activity_list(request):
    filters = selectors.activities_list(user=request.user, params=request.GET)
    shown = filters.qs
    return render(
        request,
        "casework/activity_list.html",
        {
            "filter": filters,
            "page": page_of(request, shown),
            "participants": shown.aggregate(n=Sum("participants"))["n"] or 0,
            "can_add": request.user.has_perm("casework.add_communityactivity")
            and _at_a_station(request.user),
        },
    )


def _visible_activity(request, pk) -> CommunityActivity:
    return get_object_or_404(selectors.activities_visible_to(user=request.user), pk=pk)


def activity_detail(request, pk):
    activity = _visible_activity(request, pk)
    hours = (
        VolunteerHours.objects.filter(
            activity=activity, volunteer__in=selectors.volunteers_visible_to(user=request.user).values("pk")
        )
        .select_related("volunteer")
        .order_by("-served_on", "pk")
    )
    return render(
        request,
        "casework/activity_detail.html",
        {
            "activity": activity,
            "hours": hours,
            "total_hours": sum((entry.hours for entry in hours), Decimal(0)),
            "writer": services.activity_may_write(request.user, activity),
        },
    )


@permission_required("casework.add_communityactivity", raise_exception=True)
def activity_create(request):
    return form_page(
        request,
        ActivityForm(request.POST or None, user=request.user),
        save=lambda data: services.activity_save(actor=request.user, **data),
        message=lambda saved: _("The activity %(theme)s was recorded.") % {"theme": saved.theme},
        title=_("New community activity"),
    )


def activity_update(request, pk):
    activity = _visible_activity(request, pk)
    if not services.activity_may_write(request.user, activity):
        raise PermissionDenied
    title = _("Edit %(activity)s") % {"activity": activity}
    return form_page(
        request,
        ActivityForm(request.POST or None, instance=activity, user=request.user),
        save=lambda data: services.activity_save(actor=request.user, activity=activity, **data),
        message=lambda saved: _("The activity %(theme)s was saved.") % {"theme": saved.theme},
        title=title,
        cancel=activity,
    )


# Volunteers


def volunteer_list(request):
    filters = selectors.volunteers_list(user=request.user, params=request.GET)
    page = page_of(request, filters.qs)
    for volunteer in page:
        volunteer.masked_phone = mask_phone(volunteer.phone)
    return render(
        request,
        "casework/volunteer_list.html",
        {
            "filter": filters,
            "page": page,
            "can_add": request.user.has_perm("casework.add_volunteer") and _at_a_station(request.user),
        },
    )


def _visible_volunteer(request, pk) -> Volunteer:
    return get_object_or_404(selectors.volunteers_visible_to(user=request.user), pk=pk)


def _volunteer_page(request, volunteer: Volunteer, **bound):
    """The volunteer's page: their record, hours with totals by year, pairings, and the forms
    the people of their station may use; `bound` holds a form that failed (status 400)."""
    hours = list(volunteer.hours.select_related("activity").order_by("-served_on", "-pk"))
    by_year = (
        volunteer.hours.annotate(year=ExtractYear("served_on"))
        .values("year")
        .annotate(total=Sum("hours"))
        .order_by("-year")
    )
    pairings = list(volunteer.pairings.select_related("client").order_by("-starts_on", "pk"))
    seen = set(
        selectors.clients_visible_to(user=request.user)
        .filter(pk__in=[pairing.client_id for pairing in pairings])
        .values_list("pk", flat=True)
    )
    for pairing in pairings:
        pairing.client_visible = pairing.client_id in seen
    if seen:
        services.access_record(
            actor=request.user, target=volunteer, action="volunteer.view", ids=sorted(seen)
        )
    writer = services.volunteer_may_write(request.user, volunteer)

    def form(name, build, show):
        return bound.get(name) or (build() if show else None)

    return render(
        request,
        "casework/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "hours": hours,
            "by_year": by_year,
            "total_hours": sum((entry.hours for entry in hours), Decimal(0)),
            "pairings": pairings,
            "writer": writer,
            "hours_form": form(
                "hours_form",
                lambda: VolunteerHoursForm(user=request.user, volunteer=volunteer, prefix="hours"),
                writer,
            ),
            "pairing_form": form(
                "pairing_form",
                lambda: PairingForm(user=request.user, prefix="pairing"),
                writer and volunteer.active,
            ),
            "end_form": PairingEndForm(prefix="end") if writer else None,
        },
        status=400 if bound else 200,
    )


def volunteer_detail(request, pk):
    return _volunteer_page(request, _visible_volunteer(request, pk))


@permission_required("casework.add_volunteer", raise_exception=True)
def volunteer_create(request):
    return form_page(
        request,
        VolunteerForm(request.POST or None, initial={"active": True}),
        save=lambda data: services.volunteer_save(actor=request.user, **data),
        message=lambda saved: _("The volunteer %(name)s was registered.") % {"name": saved.name},
        title=_("New volunteer"),
    )


def volunteer_update(request, pk):
    volunteer = _visible_volunteer(request, pk)
    if not services.volunteer_may_write(request.user, volunteer):
        raise PermissionDenied
    title = _("Edit %(volunteer)s") % {"volunteer": volunteer}
    return form_page(
        request,
        VolunteerForm(request.POST or None, instance=volunteer),
        save=lambda data: services.volunteer_save(actor=request.user, volunteer=volunteer, **data),
        message=lambda saved: _("The volunteer %(name)s was saved.") % {"name": saved.name},
        title=title,
        cancel=volunteer,
    )


def _step(request, pk, *, build, name: str, service, message: str):
    """A POST of one of the volunteer page's forms: call the service, back to the page; on bad
    input or a refusal, the page again with the form's errors."""
    volunteer = _visible_volunteer(request, pk)
    if not services.volunteer_may_write(request.user, volunteer):
        raise PermissionDenied  # before the form: someone who may only read gets no form errors
    form = build(volunteer)
    if form.is_valid():
        try:
            service(volunteer, form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(volunteer)
    return _volunteer_page(request, volunteer, **{name: form})


@require_POST
def volunteer_hours_add(request, pk):
    return _step(
        request, pk, name="hours_form", message=_("The hours were recorded."),
        build=lambda volunteer: VolunteerHoursForm(
            request.POST, user=request.user, volunteer=volunteer, prefix="hours"
        ),
        service=lambda volunteer, data: services.volunteer_hours_add(
            actor=request.user, volunteer=volunteer, **data
        ),
    )  # fmt: skip


@require_POST
def pairing_start(request, pk):
    return _step(
        request, pk, name="pairing_form", message=_("The volunteer was paired."),
        build=lambda volunteer: PairingForm(request.POST, user=request.user, prefix="pairing"),
        service=lambda volunteer, data: services.pairing_start(actor=request.user, volunteer=volunteer, **data),
    )  # fmt: skip


@require_POST
def pairing_end(request, pk, pairing_pk):
    volunteer = _visible_volunteer(request, pk)
    if not services.volunteer_may_write(request.user, volunteer):
        raise PermissionDenied
    pairing = get_object_or_404(VolunteerPairing, pk=pairing_pk, volunteer=volunteer)
    form = PairingEndForm(request.POST, prefix="end")
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the day the pairing ended."))
        services.pairing_end(actor=request.user, pairing=pairing, ends_on=form.cleaned_data["ends_on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The pairing ended."))
    return redirect(volunteer)


urlpatterns = [
    path("activities/", activity_list, name="activity_list"),
    path("activities/new/", activity_create, name="activity_create"),
    path("activities/<int:pk>/", activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activity_update, name="activity_update"),
    path("volunteers/", volunteer_list, name="volunteer_list"),
    path("volunteers/new/", volunteer_create, name="volunteer_create"),
    path("volunteers/<int:pk>/", volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/edit/", volunteer_update, name="volunteer_update"),
    path("volunteers/<int:pk>/hours/", volunteer_hours_add, name="volunteer_hours_add"),
    path("volunteers/<int:pk>/pairings/", pairing_start, name="volunteer_pairing_start"),
    path("volunteers/<int:pk>/pairings/<int:pairing_pk>/end/", pairing_end, name="volunteer_pairing_end"),
]
