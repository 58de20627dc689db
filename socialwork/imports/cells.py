"""The columns of a register and reading one cell. Each parser raises ValueError with a message
for the person; the checks of a row live in its register (`registry.Register.check`)."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

ROW = "_row"  # the key under which each row dict carries its row number in the file (header = 1)

TEXT, DATE, NUMBER, DECIMAL, CHOICE, CODE, ID_NUMBER = (
    "text", "date", "number", "decimal", "choice", "code", "id_number",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of an import file: the key it becomes, its Chinese and English headers (and the
    other headers bureaus give it), and how its cells are read. `choices` names the model choices
    a CHOICE column takes, `aliases` the bureau's own words for each stored value."""

    key: str
    zh: str
    en: str
    value_type: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    headers: tuple[str, ...] = ()

    def header(self) -> str:
        """The header in the language of the request: Chinese first, English otherwise."""
        return self.zh if is_chinese() else self.en

    def all_headers(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.headers)


def is_chinese() -> bool:
    return (translation.get_language() or "zh").startswith("zh")


def listing(items) -> str:
    """Items joined as the language of the request writes a list."""
    separator = "、" if is_chinese() else ", "
    return separator.join(str(item) for item in items)


def fold(text) -> str:
    """Text compared as people mean it: full-width letters and digits as half-width (NFKC), no
    spaces, no case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


def choice_lookup(column: Column) -> dict[str, str]:
    """Every accepted spelling of each choice (folded) → its stored value: the column's aliases,
    the labels in both languages and the stored values."""
    lookup = {}
    for value, aliases in column.aliases.items():
        lookup.update({fold(alias): value for alias in aliases})
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lookup.update({fold(label): value for value, label in column.choices.choices})
    lookup.update({fold(value): value for value in column.choices.values})
    return lookup


def short(text: str, length: int = 40) -> str:
    """A header or value as an error message names it: a long or garbled one cut short."""
    return text if len(text) <= length else text[: length - 1] + "…"


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell(value):
    """A cell as text (stripped, full-width digits and letters made half-width), a date, or a
    number; empty cells as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        return _half_width(value.strip().replace("\u3000", " ").strip())
    return value


# Full-width digits, letters, and the hyphen, full stop and slash of dates and codes.
HALF_WIDTH = {
    code: code - 0xFEE0
    for code in (
        *range(0xFF10, 0xFF1A),
        *range(0xFF21, 0xFF3B),
        *range(0xFF41, 0xFF5B),
        0xFF0D,
        0xFF0E,
        0xFF0F,
    )
}


def _half_width(text: str) -> str:
    """Full-width digits and letters (１２３, ＡＢＣ) as half-width; the rest of the text as written
    (Chinese punctuation such as ， and （ stays)."""
    return text.translate(HALF_WIDTH)


# Reading one value


EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value) -> date:
    """A date as the bureau writes it: a real date, 2024-03-01, 2024/3/1, 2015.3.1, 2024年3月1日,
    20240301, or the Excel serial number a date becomes when its cell lost its format."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 <= value <= 80000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = _half_width(str(value).strip())
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    if re.fullmatch(r"\d{5}(\.0+)?", text) and 20000 <= float(text) <= 80000:
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    raise ValueError(_("“%(value)s” is not a date; write it as 2024-03-01.") % {"value": short(text)})


def parse_number(value) -> int:
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _half_width(str(value).strip()).replace(",", "").replace("，", "")
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise ValueError(_("“%(value)s” is not a whole number.") % {"value": short(text)})


def parse_decimal(value) -> Decimal:
    """A number with decimals, or an amount: 12,000.50, ￥12000, 1.2万 (ten thousands, as budgets
    are written)."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = (
        _half_width(str(value).strip()).replace(",", "").replace("，", "").lstrip("¥￥").rstrip("元").strip()
    )
    scale = Decimal(1)
    if text.endswith("万"):
        text, scale = text[:-1].strip(), Decimal(10000)
    try:
        amount = Decimal(text) * scale
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": short(str(value))}) from None
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": short(str(value))})
    return amount


def parse_code(value) -> str:
    """Codes, phone and certificate numbers are text even when Excel stored them as numbers."""
    if isinstance(value, float):
        raise ValueError(_("This number lost digits in Excel; format the column as text and type it again."))
    return _half_width(str(value).strip())


def parse_id_number(value) -> str:
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        # 18 digits do not fit a double: Excel kept 15 and the last one (often an X) is gone.
        raise ValueError(
            _(
                "Excel stored this ID number as a number and lost digits; format the column as text and type it again."
            )
        )
    return _half_width(str(value).strip()).upper().replace(" ", "")


def parse_choice(value, lookup: dict[str, str], column: Column) -> str:
    found = lookup.get(fold(value))
    if found is None:
        allowed = listing(label for _value, label in column.choices.choices)
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": short(str(value)), "allowed": allowed}
        )
    return found


PARSERS = {
    DATE: parse_date,
    NUMBER: parse_number,
    DECIMAL: parse_decimal,
    CODE: parse_code,
    ID_NUMBER: parse_id_number,
}
