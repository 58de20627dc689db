from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from socialwork.admin_base import ReadOnlyAdmin

from .dossiers.selectors import dossiers_visible_to
from .models import AnnualReport, Dossier, StatisticalForm, StatisticalReturn, StatisticalReturnStep
from .upward import selectors as upward_selectors

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


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read only: dossiers are asked for on a project's or a station's page and built by the
    worker. Their files are linked to the dossier's download view (audited), scoped as the pages."""

    list_display = ("__str__", "kind", "requested_by", "status", "created_at", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("project", "station", "requested_by")
    exclude = FILE_FIELDS + ("figures",)
    readonly_fields = [
        field.name for field in Dossier._meta.fields if field.name not in (*FILE_FIELDS, "figures")
    ] + ["files"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(pk__in=dossiers_visible_to(user=request.user).values("pk"))
        )

    @admin.display(description=_("files"))
    def files(self, dossier):
        if dossier.status != Dossier.Status.DONE:
            return "—"
        links = [(dossier.download_url(kind), kind) for kind in FILE_FIELDS if getattr(dossier, kind)]
        return format_html_join(format_html(" · "), '<a href="{}">{}</a>', links) or "—"


@admin.register(StatisticalForm)
class StatisticalFormAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read only: forms are defined on the statistical reports page, scoped as its pages."""

    list_display = ("name", "owner", "period", "created_at")
    list_select_related = ("owner",)
    readonly_fields = [field.name for field in StatisticalForm._meta.fields]

    def get_queryset(self, request):
        visible = upward_selectors.forms_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)


class StatisticalReturnStepInline(admin.TabularInline):
    model = StatisticalReturnStep
    fields = readonly_fields = ("at", "action", "actor", "comment")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatisticalReturn)
class StatisticalReturnAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read only: a return moves only through its page's steps (reports.upward.services); a
    district sees its own, the city its districts'."""

    list_display = ("form", "region", "period_start", "status", "submitted_at", "approved_at")
    list_filter = ("status",)
    list_select_related = ("form", "region")
    readonly_fields = [field.name for field in StatisticalReturn._meta.fields]
    inlines = [StatisticalReturnStepInline]

    def get_queryset(self, request):
        visible = upward_selectors.returns_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)
