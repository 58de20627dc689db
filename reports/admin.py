from django.contrib import admin

from socialwork.admin_base import ReadOnlyAdmin

from .models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read only: reports are requested on their page and built by the worker."""

    list_display = ("year", "town", "requested_by", "status", "created_at", "finished_at")
    list_filter = ("status", "year")
    list_select_related = ("town", "requested_by")
    readonly_fields = [field.name for field in AnnualReport._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)
