"""The two kinds of domain model in the admin.

A record a service writes (workflow records, money, appointments, allowance rolls, exams,
enrolments, cases, projects and their contracts and payments, units, positions, workers…) is
changed only on its pages, where the service checks its rules and writes the audit row: in the
admin it is `ReadOnlyAdmin`, for every role, superusers included, until the admin itself becomes
a door that calls the services. Reference data the district keeps with no service and no page
(host institutions, trainers, practice bases…) stays editable in the admin through
`AuditedAdmin`, which writes every add, change and delete to the audit log with its values
before and after. tests/security/test_admin_matrix.py holds every domain model to one of the two.
"""

from functools import cache

from django.contrib import admin
from django.db import transaction

from .services import audit_record


class ReadOnlyPermissions:
    """No add, change or delete, whoever asks: the change page shows the record read-only with no
    save button, its POST is refused, and the bulk delete action disappears."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@cache
def read_only_inline(inline_class):
    """The inline as it shows inside a read-only record: read-only too, whatever its own class."""
    return type(inline_class.__name__, (ReadOnlyPermissions, inline_class), {"__module__": __name__})


class ReadOnlyAdmin(ReadOnlyPermissions):
    """Mix in first: `class PaymentAdmin(ReadOnlyAdmin, admin.ModelAdmin)`."""

    def get_inlines(self, request, obj):
        return [read_only_inline(inline) for inline in super().get_inlines(request, obj)]


def _values(obj) -> dict[str, str]:
    """The record's editable values as text, as the audit row keeps them."""
    return {
        field.name: "" if (value := field.value_from_object(obj)) is None else str(value)
        for field in obj._meta.concrete_fields
        if field.editable and not field.primary_key
    }


def _diff(before: dict, after: dict) -> dict:
    return {
        name: [before.get(name, ""), value] for name, value in after.items() if before.get(name, "") != value
    }


def _removed(before: dict) -> dict:
    return {name: [value, ""] for name, value in before.items()}


class AuditedAdmin:
    """Reference data edited in the admin: every add, change and delete, in the form or in an inline,
    is an audit row (`<audit_name>.create|update|delete`) with the values before and after.

    The admin's views already run each save in one transaction, so the row and the change commit
    together; the bulk delete deletes one record at a time, each with its row.
    """

    audit_name = ""  # the audit action's prefix; the model's name if empty

    def _audit(self, request, obj, verb: str, changes: dict) -> None:
        prefix = self.audit_name or obj._meta.model_name
        if obj._meta.model is not self.model:
            prefix = obj._meta.model_name
        audit_record(
            actor=request.user, action=f"{prefix}.{verb}", target=obj, summary=str(obj), changes=changes
        )

    @staticmethod
    def _stored(obj) -> dict:
        return _values(type(obj)._default_manager.get(pk=obj.pk)) if obj.pk else {}

    def save_model(self, request, obj, form, change):
        before = self._stored(obj) if change else {}
        super().save_model(request, obj, form, change)
        changes = _diff(before, _values(obj))
        if changes or not change:
            self._audit(request, obj, "update" if change else "create", changes)

    def delete_model(self, request, obj):
        self._audit(request, obj, "delete", _removed(self._stored(obj)))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        before = {f.instance.pk: self._stored(f.instance) for f in formset.initial_forms if f.instance.pk}
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                self._audit(request, deleted.instance, "delete", _removed(before[deleted.instance.pk]))
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._audit(request, obj, "create", _diff({}, _values(obj)))
        for obj, _fields in formset.changed_objects:
            if changes := _diff(before.get(obj.pk, {}), _values(obj)):
                self._audit(request, obj, "update", changes)


class PolicyAdmin(admin.ModelAdmin):
    """A policy of one row (pk 1): its list is that row's page, made with its defaults when a
    flushed database lacks it; nobody adds or deletes it. Subclasses save through their service
    (`save_model`), so that each change is audited."""

    readonly_fields = ("updated_at",)

    def changelist_view(self, request, extra_context=None):
        return self.change_view(request, "1", extra_context=extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.has_view_or_change_permission(request):
            self.model.objects.get_or_create(pk=1)
        return super().change_view(request, object_id, form_url=form_url, extra_context=extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LocalRuleAdmin:
    """A rule a district keeps for itself (socialwork.local_rules), mix in first: the rows of the
    person's place, of the regions above it (the defaults it may follow) and of the districts
    under it (a city's view of its districts), with their owner. Where the admin edits the rule,
    a new row is the person's place's own and only its own rows change; a change of a city's
    default tells the districts following it."""

    def get_list_display(self, request):
        return ("region", *super().get_list_display(request))

    def get_exclude(self, request, obj=None):
        return ("region", *(super().get_exclude(request, obj) or ()))

    def get_form(self, request, obj=None, **kwargs):
        from socialwork.local_rules import rule_place

        form = super().get_form(request, obj, **kwargs)
        place = rule_place(request.user)

        class Owned(form):
            # The owner is not on the form: set it before validation, so that the unique
            # constraints (region, key) are checked with it and speak on the key's field.
            def _post_clean(self):
                if self.instance.pk is None:
                    self.instance.region = place
                super()._post_clean()

            def _get_validation_exclusions(self):
                exclude = super()._get_validation_exclusions()
                exclude.discard("region")
                return exclude

        return Owned

    def get_queryset(self, request):
        from socialwork.local_rules import rule_place, rules_in_reach_q

        rows = super().get_queryset(request).select_related("region")
        place = rule_place(request.user)
        if place is None:
            return rows if request.user.is_superuser else rows.none()
        return rows.filter(rules_in_reach_q(request.user, place))

    def _own(self, request, obj) -> bool:
        from socialwork.local_rules import rule_place

        place = rule_place(request.user)
        if obj is None:
            return True
        if obj.region_id is None:  # nobody's row, the installation-wide default: its root's to change
            return place is not None and place.depth == 1
        return place is not None and obj.region_id == place.pk

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own(request, obj)

    def save_model(self, request, obj, form, change):
        from socialwork.local_rules import rule_changed_notify, rule_of_model, rule_place

        if not change and obj.region_id is None:
            obj.region = rule_place(request.user)
        super().save_model(request, obj, form, change)
        rule = rule_of_model(type(obj))
        key = {name: getattr(obj, name) for name in rule.keys}
        transaction.on_commit(lambda: rule_changed_notify(rule=rule, region=obj.region, **key))
