"""What a page tells static/js/field.js: the names of the kinds of field entries, in the reader's
language (the outbox labels an entry with them)."""

import json

from django import template

from casework.models import FieldEntry

register = template.Library()


@register.simple_tag
def field_entry_kinds() -> str:
    """{kind: its name}, as JSON for a data- attribute (the template escapes it)."""
    return json.dumps({kind: str(label) for kind, label in FieldEntry.Kind.choices}, ensure_ascii=False)
