"""The browser's own inputs (date, date and time, month, time, number), written in the one format
each of them keeps, whatever the language of the page.

A browser empties an `<input type="date">` whose value is not `YYYY-MM-DD`, and Django otherwise
writes the first of the language's input formats (`2014/11/01` in Chinese): the form then looks
blank and saving it unchanged stores no date. Numbers likewise: a localized `1,290,000.00` is
no number to `<input type="number">`. Every form of the application takes these widgets from
here (`tests/socialwork/test_form_widgets.py` walks every form and holds it to that); what the
person types back is parsed by the field as before, ISO formats included.
"""

from decimal import Decimal

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_MONTH = "%Y-%m"
ISO_TIME = "%H:%M"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """`<input type="date">`, filled as 2014-11-01."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class MonthInput(forms.DateInput):
    """`<input type="month">`, filled as 2026-05 (the field must accept `%Y-%m`)."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_MONTH)


class TimeInput(forms.TimeInput):
    """`<input type="time">`, filled as 14:30."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_TIME)


class DateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">`, filled as 2026-05-01T14:30 in the current time zone
    (Django's DateTimeField reads that back as ISO 8601)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME)


class NumberInput(forms.NumberInput):
    """`<input type="number">`, filled with plain digits and a point (1290000.00), never with the
    language's grouping or decimal mark, even for a field that is localized."""

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, Decimal):
            return format(value, "f")
        return str(value)


# The HTML5 input types whose value the browser parses, and the formats it keeps.
HTML5_VALUE = {
    "date": r"\d{4}-\d{2}-\d{2}",
    "month": r"\d{4}-\d{2}",
    "time": r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
    "datetime-local": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?",
    "week": r"\d{4}-W\d{2}",
    "number": r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?",
    "range": r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?",
}


class Textarea(forms.Textarea):
    """A text of several lines, read back with the line breaks it was shown with: a browser sends
    them as CRLF, and a text written through the API or an import (LF) would otherwise change
    each time its page is saved unchanged."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value
