"""The audit administrator's door to the audit log, beside its list (socialwork.admin.AuditEntryAdmin):
the search by person, record and time; the export of what the search found, itself audited; the
state of the chain (socialwork.audit_chain); and the retention policy.

Only the audit administrator (the auditor role) reaches any of it: under MLPS 2.0's separation of
the three administrators, the one who reads the log also decides how long it is kept.
"""

import json
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook

from .admin_base import PolicyAdmin
from .audit_actions import AUDIT_EXPORTED, action_shown
from .audit_chain import BREAK_KINDS, audit_policy_set
from .models import AuditArchive, AuditChainCheck, AuditEntry, AuditPolicy
from .roles import Role
from .services import audit_record
from .spreadsheets import SafeLabels, csv_chunks, safe_row
from .widgets import DateInput

EXPORT_FORMATS = ("csv", "xlsx")
# A workbook holds at most this many rows (Excel's sheet limit, less the header); CSV has none.
XLSX_MAX_ROWS = 1_048_575


def is_audit_administrator(request) -> bool:
    user = request.user
    return user.is_active and user.has_role(Role.AUDITOR) and user.has_perm("socialwork.view_auditentry")


class AuditSearchForm(forms.Form):
    """The search of the sidebar: who acted (username or name, exactly), which record (its id;
    its type is the filter beside), from and to which day (both included, the installation's
    time zone)."""

    actor = forms.CharField(label=_("actor"), required=False, max_length=150)
    target_id = forms.CharField(label=_("record id"), required=False, max_length=64)
    at_from = forms.DateField(label=pgettext_lazy("date range", "from"), required=False, widget=DateInput())
    at_to = forms.DateField(label=pgettext_lazy("date range", "to"), required=False, widget=DateInput())


class AuditSearchFilter(admin.ListFilter):
    """The search form as a filter of the list, so that it combines with the others (action,
    record type) and the export takes the same rows."""

    title = _("person, record and time")
    template = "admin/socialwork/auditentry/search_filter.html"
    parameters = tuple(AuditSearchForm.base_fields)

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.values = {}
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.values[name] = value[-1] if isinstance(value, list) else value
        self.form = AuditSearchForm(self.values or None)
        self.other_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in self.parameters and name not in ("p", "e")
            for value in values
        ]

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def choices(self, changelist):
        return []

    def queryset(self, request, queryset):
        if not self.values:
            return queryset
        if not self.form.is_valid():
            raise IncorrectLookupParameters(self.form.errors)
        data = self.form.cleaned_data
        if actor := data["actor"].strip():
            queryset = queryset.filter(Q(actor_username=actor) | Q(actor_name=actor))
        if target_id := data["target_id"].strip():
            queryset = queryset.filter(target_id=target_id)
        if data["at_from"]:
            queryset = queryset.filter(
                at__gte=timezone.make_aware(datetime.combine(data["at_from"], time.min))
            )
        if data["at_to"]:
            end = datetime.combine(data["at_to"] + timedelta(days=1), time.min)
            queryset = queryset.filter(at__lt=timezone.make_aware(end))
        return queryset


def chain_status() -> dict:
    """What the audit log's page says of the chain: the last verification and archive, the policy."""
    check = AuditChainCheck.objects.order_by("-at", "-id").first()
    return {
        "check": check,
        "break_kind": BREAK_KINDS.get(check.first_break_kind, "") if check else "",
        "archive": AuditArchive.objects.order_by("-last_id").first(),
        "policy": AuditPolicy.current(),
    }


# The export.


def export_header() -> list:
    return [
        _("time"), _("actor"), _("actor's username"), _("action"), _("action code"), _("record type"),
        _("record id"), _("summary"), _("from address"), _("changes"), _("seal"),
    ]  # fmt: skip


def export_rows(queryset, record_kind):
    """The rows of the export, read in chunks, each cell made safe for a spreadsheet."""
    actions = SafeLabels(action_shown)
    kinds = SafeLabels(record_kind)
    columns = ("id", "at", "actor_id", "actor_name", "actor_username", "action", "target_type", "target_id",
               "summary", "address", "changes", "chain_hash")  # fmt: skip
    ordered = queryset.order_by("-at", "-id").values_list(*columns)
    for row in ordered.iterator(chunk_size=2000):
        (
            _id,
            at,
            actor_id,
            name,
            username,
            action,
            target_type,
            target_id,
            summary,
            address,
            changes,
            seal,
        ) = row
        yield [
            f"{timezone.localtime(at):%Y-%m-%d %H:%M:%S}",
            *safe_row([name or username or (f"#{actor_id}" if actor_id else ""), username]),
            actions[action],
            *safe_row([action]),
            kinds[target_type],
            *safe_row([target_id, summary, address or ""]),
            *safe_row([json.dumps(changes, ensure_ascii=False, sort_keys=True)]),
            seal,
        ]


def audit_export(*, request, queryset, fmt: str, record_kind, filters: dict):
    """The filtered rows as CSV (streamed) or a workbook; the export itself is an audit row with
    the filters and the number of rows, written before the file."""
    count = queryset.count()
    audit_record(
        actor=request.user,
        action=AUDIT_EXPORTED,
        target_type=AuditEntry._meta.label_lower,
        summary=f"{count} rows, {fmt}",
        changes={"count": count, "format": fmt, "filters": filters},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    header = safe_row(export_header())
    rows = export_rows(queryset, record_kind)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(_chain([header], rows)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="audit")
    sheet.append(header)
    for number, row in enumerate(rows):
        if number >= XLSX_MAX_ROWS:
            break
        sheet.append(row)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.xlsx"'
    workbook.save(response)
    return response


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


# The retention policy.


@admin.register(AuditPolicy)
class AuditPolicyAdmin(PolicyAdmin):
    """The one policy row: how long the audit log is kept live (never under 180 days). The audit
    administrator's alone; saving it is audited (socialwork.audit_chain.audit_policy_set)."""

    fields = ("retention_days", "updated_at")

    def has_module_permission(self, request):
        return is_audit_administrator(request)

    def has_view_permission(self, request, obj=None):
        return is_audit_administrator(request)

    def has_change_permission(self, request, obj=None):
        return is_audit_administrator(request)

    def save_model(self, request, obj, form, change):
        audit_policy_set(actor=request.user, retention_days=obj.retention_days)
