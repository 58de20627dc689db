from django import template

from socialwork.money import format_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    """{{ amount|yuan }} → ¥1,290,000.00; empty for no amount."""
    return "" if value in (None, "") else format_yuan(value)
