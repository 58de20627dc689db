"""Unified social credit codes (GB 32100-2015): 18 characters with a check character."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The code's alphabet: digits and capital letters without I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Raise ValidationError unless `value` is an 18-character code with the right check character."""
    value = (value or "").strip().upper()
    if len(value) != 18 or any(char not in ALPHABET for char in value):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters except I, O, Z, S, V."
            ),
            code="format",
        )
    if check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of this credit code is wrong; please check it."), code="check"
        )
