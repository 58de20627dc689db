"""Resident ID numbers (GB 11643-1999): the check digit, the birth date and gender inside, and
masking."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MALE, FEMALE = "male", "female"  # the values of every model's gender choices
GENDER_LABELS = {MALE: _("Male"), FEMALE: _("Female")}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def check_character(first17: str) -> str:
    """The 18th character that GB 11643 computes from the first 17 digits."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    """Raise ValidationError unless `value` is an 18-character ID number with a real birth date
    and the right check character."""
    value = normalize(value)
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(_("An ID number has 17 digits and a final digit or X."), code="format")
    try:
        born = birth_date(value)
    except ValueError:
        raise ValidationError(
            _("The birth date inside this ID number does not exist."), code="birth_date"
        ) from None
    if born > date.today():
        raise ValidationError(_("The birth date inside this ID number is in the future."), code="birth_date")
    if check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The check digit of this ID number is wrong; please check it."), code="check_digit"
        )


def birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value: str) -> str:
    """The 17th digit is odd for a man and even for a woman."""
    return MALE if int(normalize(value)[16]) % 2 else FEMALE


def _read(number: str) -> tuple[date, str]:
    return birth_date(number), gender(number)


def identity(id_number: str, *, birth_date: date | None = None, gender: str = "") -> dict:
    """The date of birth and gender a person's record holds, given their ID number: a blank one
    is read from the number, one that contradicts it is an error on that field. The one rule for
    every record that keeps them beside an ID number (social workers, clients) and every door to
    it (form, API, import), through the record's service. A missing or invalid number leaves
    both as given (the number's own check reports it)."""
    number = normalize(id_number)
    try:
        validate_id_number(number)
    except ValidationError:
        return {"birth_date": birth_date, "gender": gender}
    born, sex = _read(number)
    errors = {}
    if birth_date and birth_date != born:
        errors["birth_date"] = _("The ID number says %(date)s.") % {"date": born.isoformat()}
    if gender and gender != sex:
        errors["gender"] = _("The ID number says %(gender)s.") % {"gender": GENDER_LABELS[sex]}
    if errors:
        raise ValidationError(errors)
    return {"birth_date": born, "gender": sex}


def mask(value: str) -> str:
    """420506********123X: the area code and the last four characters only."""
    value = normalize(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}" if len(value) > 10 else "*" * len(value)
