from django.contrib import admin

from .models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    """Read only: reports are requested on their page and built by the worker."""

    list_display = ("year", "town", "requested_by", "status", "created_at", "finished_at")
    list_filter = ("status", "year")
    list_select_related = ("town", "requested_by")
    readonly_fields = [field.name for field in AnnualReport._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
