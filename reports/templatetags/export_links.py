"""{% export_links "key" %}: the "Export: Excel · CSV" links of a list page, with its filters."""

from django import template

from reports import exports

register = template.Library()


@register.inclusion_tag("reports/export_links.html", takes_context=True)
def export_links(context, key: str):
    request = context["request"]
    export = exports.get(key)
    if export is None or not export.allowed(request.user):
        return {"key": None}
    query = request.GET.copy()
    query.pop("page", None)
    return {"key": key, "query": query.urlencode()}
