"""Database constraints that speak to people.

Every CheckConstraint and UniqueConstraint of the project's models is declared with the two
classes below: Django's own, with the message the rule means (`violation_error_message`,
translated) and the field it concerns (`field`). Then no constraint's name reaches a person:

- the model's validation (a service's `full_clean`, a ModelForm, the admin) puts that message on
  that field, instead of Django's default "Constraint “name” is violated.";
- when the database itself refuses a row (two people saving at once, which no validation can see
  beforehand, or a write that skipped validation), `guard_connection`, installed on every
  database connection (socialwork/apps.py), raises a `ConstraintViolation` in place of the bare
  IntegrityError. It is still an IntegrityError, so code that expects one (get_or_create, a
  service that retries, the imports' rollback) works as before; and it is a ValidationError
  {field: message}, so every door that shows a service's errors shows it: a form page on the
  field, the API's handler as a 400 under the field, an import on the row.

PostgreSQL names the violated constraint (or unique index) in the error's diagnostics; SQLite
names a CHECK constraint in the message, and a UNIQUE one by its table and columns.
"""

import functools
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models

__all__ = ["CheckConstraint", "ConstraintViolation", "UniqueConstraint", "guard_connection", "violation_of"]


class _SpeakingConstraint:
    """What both classes add to Django's: `field`, the field the message lands on (None: the
    record as a whole; required, so that each new constraint says where its message goes), and a
    `violation_error_code`, the constraint's name unless given."""

    def __init__(self, *expressions, field: str | None, **kwargs):
        kwargs.setdefault("violation_error_code", kwargs.get("name"))
        super().__init__(*expressions, **kwargs)
        self.field = field

    def violation(self, exclude=None) -> ValidationError:
        """The error a person reads: the message, on the field unless the field is not being
        validated (a form without it shows the message on top)."""
        error = ValidationError(self.get_violation_error_message(), code=self.violation_error_code)
        if self.field is None or (exclude and self.field in exclude):
            return error
        return ValidationError({self.field: error})

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError:
            raise self.violation(exclude) from None

    def deconstruct(self):
        # Migrations record Django's own class: which field a message lands on is a matter for
        # the forms, not the database, and changing a message is then an AlterConstraint (no SQL)
        # rather than dropping and re-creating the constraint.
        path, args, kwargs = super().deconstruct()
        return path.replace(f"{__name__}.", "django.db.models."), args, kwargs

    def clone(self):
        _, args, kwargs = self.deconstruct()
        return self.__class__(*args, field=self.field, **kwargs)


class CheckConstraint(_SpeakingConstraint, models.CheckConstraint):
    """`CheckConstraint(condition=Q(quota__gte=1), name=..., field="quota",
    violation_error_message=_("..."))`."""


class UniqueConstraint(_SpeakingConstraint, models.UniqueConstraint):
    """`UniqueConstraint(fields=[...], name=..., field="credit_code",
    violation_error_message=_("..."))`."""


# When the database refuses a row


class ConstraintViolation(IntegrityError, ValidationError):
    """The database refused a row for a named constraint: an IntegrityError that reads, to
    whoever shows ValidationErrors, as the constraint's message on its field."""

    def __init__(self, constraint: _SpeakingConstraint):
        ValidationError.__init__(self, constraint.violation().update_error_dict({}))
        self.constraint = constraint

    def __str__(self):
        return "; ".join(self.messages)


@functools.cache
def _constraints() -> tuple[
    dict[str, models.BaseConstraint], dict[tuple[str, frozenset], models.BaseConstraint]
]:
    """Every model's named constraints: by name, and the unique ones by (table, columns)."""
    by_name, by_columns = {}, {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            by_name[constraint.name] = constraint
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                columns = frozenset(model._meta.get_field(name).column for name in constraint.fields)
                by_columns.setdefault((model._meta.db_table, columns), constraint)
    return by_name, by_columns


SQLITE_CHECK = re.compile(r"^CHECK constraint failed: (\w+)")
SQLITE_UNIQUE_INDEX = re.compile(r"^UNIQUE constraint failed: index '(\w+)'")
SQLITE_UNIQUE = re.compile(r"^UNIQUE constraint failed: (.+)$")


def violated_constraint(error: IntegrityError) -> models.BaseConstraint | None:
    """The model constraint the database names in `error`, if it is one of ours."""
    by_name, by_columns = _constraints()
    diagnostics = getattr(error.__cause__, "diag", None)  # PostgreSQL, psycopg 2 and 3
    if diagnostics is not None:
        return by_name.get(diagnostics.constraint_name or "")
    text = str(error)
    if match := SQLITE_CHECK.match(text) or SQLITE_UNIQUE_INDEX.match(text):
        return by_name.get(match[1])
    if match := SQLITE_UNIQUE.match(text):  # "table.column, table.column"
        pairs = [column.strip().split(".", 1) for column in match[1].split(",")]
        if all(len(pair) == 2 for pair in pairs) and len({table for table, _ in pairs}) == 1:
            return by_columns.get((pairs[0][0], frozenset(column for _, column in pairs)))
    return None


def violation_of(error: IntegrityError) -> ConstraintViolation | None:
    """The error to show a person for the database's `error`: None when it names no constraint
    that has something to say (then it stays a fault, for the logs)."""
    constraint = violated_constraint(error)
    if isinstance(constraint, _SpeakingConstraint):
        return ConstraintViolation(constraint)
    return None


def _speak(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    except ConstraintViolation:
        raise
    except IntegrityError as error:
        violation = violation_of(error)
        if violation is None:
            raise
        raise violation from error


def guard_connection(sender, connection, **kwargs) -> None:
    """On `connection_created`: every statement of the connection turns a named constraint's
    IntegrityError into a ConstraintViolation. First in the list, so it wraps every other
    wrapper and survives their `execute_wrapper()` blocks, which pop the last one."""
    if _speak not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _speak)
