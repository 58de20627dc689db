"""How ID numbers and phone numbers appear in lists and exports: enough to tell people apart,
never the whole number. Detail pages show the full values to those who may see the record."""

from socialwork import idnumbers


def mask_phone(value: str | None) -> str:
    """138****5678: the first three and the last four characters, the middle hidden."""
    value = "".join((value or "").split())
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def mask_id_number(value: str | None) -> str:
    """420506********123X (see socialwork.idnumbers.mask)."""
    return idnumbers.mask(value) if value else ""
