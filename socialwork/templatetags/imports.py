"""`{% import_sources obj %}`: where a record came from, on its page's history (one query)."""

from django import template

from socialwork.imports.selectors import import_sources

register = template.Library()


@register.inclusion_tag("imports/_sources.html")
def import_sources_of(obj):
    return {"sources": import_sources(obj)}
