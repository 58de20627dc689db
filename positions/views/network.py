from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from positions.forms import RegionForm, ServiceUnitForm
from positions.models import Region, ServiceUnit
from positions.selectors import network as selectors
from positions.services import network as services
from socialwork.pages import form_page


def network(request):
    rows, totals = selectors.network_tree(user=request.user)
    return render(request, "positions/network.html", {"rows": rows, "totals": totals})


def region_tree(request):
    return render(
        request,
        "positions/region_tree.html",
        {"rows": selectors.region_tree(user=request.user), "town_levels": Region.TOWN_LEVELS},
    )


def unit_detail(request, pk):
    try:
        page = selectors.unit_page(user=request.user, pk=pk)
    except ServiceUnit.DoesNotExist:
        raise Http404 from None
    satisfaction = None
    if page.unit.level == ServiceUnit.Level.STATION:
        from casework import selectors as casework_selectors
        from casework.models import Case

        # Counts only, named by no one: whoever sees the station's page sees them.
        cases = Case.objects.filter(station=page.unit, removed_at__isnull=True)
        satisfaction = casework_selectors.satisfaction_figures(cases)
    return render(
        request, "positions/unit_detail.html", {"page": page, "unit": page.unit, "satisfaction": satisfaction}
    )


def coverage(request):
    return render(request, "positions/coverage.html", {"coverage": selectors.coverage(user=request.user)})


@permission_required("positions.add_serviceunit", raise_exception=True)
def unit_create(request):
    initial = {}
    if parent_id := request.GET.get("parent"):
        parent = selectors.units_visible_to(user=request.user).filter(pk=parent_id).first()
        if parent:
            initial = {"parent": parent, "region": parent.region}
    form = ServiceUnitForm(request.POST or None, user=request.user, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.unit_create(actor=request.user, **form.service_kwargs()),
        message=lambda unit: _("%(unit)s was added to the network.") % {"unit": unit},
        title=_("New service unit"),
    )


@permission_required("positions.change_serviceunit", raise_exception=True)
def unit_update(request, pk):
    unit = get_object_or_404(selectors.units_visible_to(user=request.user), pk=pk)
    form = ServiceUnitForm(request.POST or None, instance=unit, user=request.user)
    return form_page(
        request,
        form,
        save=lambda data: services.unit_update(actor=request.user, unit=unit, **form.service_kwargs()),
        message=lambda saved: _("%(unit)s was saved.") % {"unit": saved},
        title=_("Edit %(unit)s") % {"unit": unit},
        cancel=unit,
    )


@permission_required("positions.add_region", raise_exception=True)
def region_create(request):
    return form_page(
        request,
        RegionForm(request.POST or None, user=request.user),
        save=lambda data: services.region_create(actor=request.user, **data),
        message=lambda region: _("%(region)s was added.") % {"region": region},
        title=_("New region"),
    )


@permission_required("positions.change_region", raise_exception=True)
def region_update(request, pk):
    region = get_object_or_404(selectors.regions_visible_to(user=request.user), pk=pk)
    return form_page(
        request,
        RegionForm(request.POST or None, instance=region, user=request.user),
        save=lambda data: services.region_update(actor=request.user, region=region, **data),
        message=lambda saved: _("%(region)s was saved.") % {"region": saved},
        title=_("Edit %(region)s") % {"region": region},
    )


urlpatterns = [
    path("network/", network, name="network"),
    path("network/coverage/", coverage, name="coverage"),
    path("network/regions/", region_tree, name="region_tree"),
    path("network/units/new/", unit_create, name="unit_create"),
    path("network/units/<int:pk>/", unit_detail, name="unit_detail"),
    path("network/units/<int:pk>/edit/", unit_update, name="unit_update"),
    path("network/regions/new/", region_create, name="region_create"),
    path("network/regions/<int:pk>/edit/", region_update, name="region_update"),
]
