"""Money is Decimal in yuan, two places, everywhere: in the database, in code and on the page."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")


def yuan(value) -> Decimal:
    """A Decimal amount in yuan rounded to the fen, from an int, str or Decimal (never a float)."""
    if isinstance(value, float):
        raise TypeError("money must not pass through float; give a str, int or Decimal")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_yuan(value) -> str:
    """¥1,290,000.00: grouped by thousands, two places, as Chinese financial statements write it;
    a negative amount is -¥100.00, the sign before the currency."""
    amount = yuan(value)
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"


class MoneyField(models.DecimalField):
    """An amount in yuan: up to a trillion, to the fen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
