"""Lookups the project adds to Django's, registered when the app is ready."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`pk__in=[...]` holding a number no column of the field's type can hold: that number matches
    nothing, as Django's own exact, gt and lt lookups already treat it. Without this, a 20-digit id
    in a filter (`?categories=…`) reached SQLite's driver and raised OverflowError, a server error;
    PostgreSQL compared it and found nothing. A form or filter then refuses it as an unknown choice."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            except KeyError:  # a custom field with a type of its own
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
