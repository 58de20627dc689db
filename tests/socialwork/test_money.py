import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
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


def test_a_negative_amount_reads_minus_then_the_yuan_sign():
    assert format_yuan("-100") == "-¥100.00"
    assert Template("{% load money %}{{ amount|yuan }}").render(
        Context({"amount": Decimal("-1290000.5")})
    ) == ("-¥1,290,000.50")


# Every amount on a page goes through the one filter. The names that hold money: every MoneyField
# of every model, and the sums the projects' selectors compute (overview, contract_money). "total" is left out: it is
# also a score and a count on other pages (the allowance roll's total is piped, and checked by
# its own tests).
OVERVIEW_SUMS = {"budget", "committed", "uncommitted", "spent", "approved", "paid", "unpaid", "due", "held_back",
                 "final_share"}  # fmt: skip
AMBIGUOUS = {"total"}
# Form fields, which render an input, not an amount.
FORM_FIELDS = {("projects/application_form.html", "line.amount")}
EXPRESSION = re.compile(r"{{\s*([\w.]+)\s*((?:\|[^}]*)?)}}|with\s+([\w]+)=([\w.]+)((?:\|\S*)?)")


def money_names() -> set[str]:
    fields = {
        field.name
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, MoneyField)
    }
    return (fields | OVERVIEW_SUMS) - AMBIGUOUS


def templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path
        for pattern in ("templates/**/*.html", "*/templates/**/*.html")
        for path in root.glob(pattern)
        if ".venv" not in path.parts
    ]


def test_every_amount_in_a_template_goes_through_the_yuan_filter():
    names, unformatted = money_names(), []
    for path in templates():
        name = "/".join(path.parts[path.parts.index("templates") + 1 :])
        for match in EXPRESSION.finditer(path.read_text()):
            expression = match.group(1) or match.group(4)
            filters = match.group(2) if match.group(1) else match.group(5)
            if "." not in expression or (name, expression) in FORM_FIELDS:
                continue
            if expression.rsplit(".", 1)[1] in names and "yuan" not in (filters or ""):
                unformatted.append(f"{name}: {expression}{filters or ''}")
    assert unformatted == []
