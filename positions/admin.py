from django.contrib import admin

from socialwork.scoping import region_scope, unit_scope

from .forms import RegionForm, ServiceUnitForm
from .models import Region, ServiceUnit
from .services import network as services


class PlaceFormMixin:
    """Admin forms are the pages' forms, given the person so choices stay in their place."""

    place_form = None

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = self.place_form
        kwargs["fields"] = None
        base = super().get_form(request, obj, **kwargs)

        class PlaceForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, user=request.user, **form_kwargs)

        return PlaceForm

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": list(self.get_form(request, obj).base_fields)})]

    @staticmethod
    def _adopt(obj, saved) -> None:
        # The admin redirects using the object it passed in; give it the saved row's identity.
        obj.pk, obj.path, obj.depth, obj.numchild = saved.pk, saved.path, saved.depth, saved.numchild


@admin.register(Region)
class RegionAdmin(PlaceFormMixin, admin.ModelAdmin):
    place_form = RegionForm
    list_display = ("name", "code", "level", "depth")
    list_filter = ("level",)
    search_fields = ("name", "code")
    ordering = ("path",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(region_scope(request.user))

    def get_fieldsets(self, request, obj=None):
        # A region keeps its place once made: only its name and code are edited.
        fields = ["name", "code"] if obj else ["name", "code", "level", "parent"]
        return [(None, {"fields": fields})]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.region_update(actor=request.user, region=obj, name=data["name"], code=data["code"])
        else:
            self._adopt(obj, services.region_create(actor=request.user, **data))


@admin.register(ServiceUnit)
class ServiceUnitAdmin(PlaceFormMixin, admin.ModelAdmin):
    place_form = ServiceUnitForm
    list_display = ("name", "code", "level", "region", "host", "established_on", "is_model")
    list_filter = ("level", "is_model", "region__level")
    list_select_related = ("region",)
    search_fields = ("name", "code", "host", "address")
    ordering = ("path",)
    date_hierarchy = "established_on"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit_scope(request.user))

    def save_model(self, request, obj, form, change):
        kwargs = form.service_kwargs()
        if change:
            services.unit_update(actor=request.user, unit=obj, **kwargs)
        else:
            self._adopt(obj, services.unit_create(actor=request.user, **kwargs))
