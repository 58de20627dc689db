from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from socialwork.admin_base import ReadOnlyAdmin

from .models import AnnualReport

FILE_FIELDS = ("xlsx", "pdf")


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read only: reports are requested on their page and built by the worker. Their files are
    linked to the report's download view, never to their place in the storage."""

    list_display = ("year", "town", "requested_by", "status", "created_at", "finished_at")
    list_filter = ("status", "year")
    list_select_related = ("town", "requested_by")
    exclude = FILE_FIELDS
    readonly_fields = [field.name for field in AnnualReport._meta.fields if field.name not in FILE_FIELDS] + [
        "files"
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("files"))
    def files(self, report):
        if report.status != AnnualReport.Status.DONE:
            return "—"
        links = [(report.download_url(kind), kind) for kind in FILE_FIELDS if getattr(report, kind)]
        return format_html_join(format_html(" · "), '<a href="{}">{}</a>', links) or "—"
