from decimal import Decimal

import pytest
from django.template import Context, Template

from socialwork.money import MoneyField, format_yuan, yuan


def test_amounts_are_decimal_yuan_to_the_fen():
    assert yuan("1290000") == Decimal("1290000.00")
    assert yuan("0.005") == Decimal("0.01")  # half up, as a bursar rounds
    assert yuan(200) + yuan(100) == Decimal("300.00")


def test_money_never_passes_through_float():
    with pytest.raises(TypeError):
        yuan(0.1)


def test_amounts_are_shown_grouped_in_yuan():
    assert format_yuan("660000") == "¥660,000.00"
    assert Template("{% load money %}{{ amount|yuan }}").render(Context({"amount": Decimal("1290000")})) == (
        "¥1,290,000.00"
    )


def test_money_field_holds_two_places():
    field = MoneyField()
    assert (field.max_digits, field.decimal_places) == (14, 2)
