from django import template

from socialwork.money import format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    """{{ amount|yuan }} → ¥1,290,000.00; empty for no amount."""
    return "" if value in (None, "") else format_yuan(value)


@register.filter
def grouped(value) -> str:
    """{{ count|grouped }} → 1,180: a head count or any whole number, grouped like the money
    beside it; empty for none."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}"
