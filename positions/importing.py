"""Reading spreadsheets of positions and workers: the columns of each kind, the file formats
(.xlsx, and CSV in UTF-8 or GB18030) and the conversion of one cell to a Python value.

Everything here is about the file; the rules a row must obey live in `services/imports.py`.
"""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from positions.models import CertificateLevel, HostInstitution, Position, SocialWorker
from socialwork import uploaded_sheets
from socialwork.spreadsheets import safe_row

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = uploaded_sheets.MAX_ROWS
ROW = "_row"  # the key under which each row dict carries its row number in the file (header = 1)

POSITIONS, WORKERS = "positions", "workers"
KINDS = {POSITIONS: gettext_lazy("Positions"), WORKERS: gettext_lazy("Social workers")}
PERMISSIONS = {POSITIONS: "positions.add_position", WORKERS: "positions.add_socialworker"}

TEXT, DATE, NUMBER, CHOICE, CODE, ID_NUMBER = "text", "date", "number", "choice", "code", "id_number"


@dataclass(frozen=True)
class Column:
    """One column of an import file: the key it becomes, its Chinese and English headers, and
    how its cells are read. `choices` names the model choices a CHOICE column takes."""

    key: str
    zh: str
    en: str
    value_type: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None

    def header(self) -> str:
        """The header in the language of the request: Chinese first, English otherwise."""
        return self.zh if (translation.get_language() or "zh").startswith("zh") else self.en


COLUMNS: dict[str, tuple[Column, ...]] = {
    POSITIONS: (
        Column("code", "编码", "code", CODE, required=True),
        Column("title", "名称", "title", required=True),
        Column("unit_code", "服务单位编码", "unit_code", CODE, required=True),
        Column("host", "依托单位", "host", required=True),
        Column("category", "类别", "category", CHOICE, required=True, choices=Position.Category),
        Column("setup_mode", "设岗方式", "setup_mode", CHOICE, required=True, choices=Position.SetupMode),
        Column("quota", "定编人数", "quota", NUMBER),
        Column("duties", "岗位职责", "duties"),
        Column("required_level", "持证要求", "required_level", CHOICE, choices=CertificateLevel),
        Column("established_on", "设立日期", "established_on", DATE),
        Column("policy_basis", "政策依据", "policy_basis"),
    ),
    WORKERS: (
        Column("name", "姓名", "name", required=True),
        Column("gender", "性别", "gender", CHOICE, choices=SocialWorker.Gender),
        Column("birth_date", "出生日期", "birth_date", DATE),
        Column("id_number", "身份证号", "id_number", ID_NUMBER, required=True),
        Column("phone", "电话", "phone", CODE),
        Column("education", "学历", "education", CHOICE, choices=SocialWorker.Education),
        Column("major", "专业", "major"),
        Column("employer_unit_code", "工作单位编码", "employer_unit_code", CODE),
        Column("certificate_level", "证书等级", "certificate_level", CHOICE, choices=CertificateLevel),
        Column("certificate_number", "证书编号", "certificate_number", CODE),
        Column("certificate_year", "取证年份", "certificate_year", NUMBER),
        Column("registration_number", "登记证号", "registration_number", CODE),
        Column("registered_on", "登记日期", "registered_on", DATE),
        Column("registration_valid_until", "登记有效期至", "registration_valid_until", DATE),
        Column("professional_title", "职称", "professional_title"),
    ),
}

# The words the bureau's own spreadsheets use for each choice. They are accepted beside the
# stored value and the labels in both languages, whatever the translation catalogue holds.
CHOICE_ALIASES: dict[type[models.TextChoices], dict[str, tuple[str, ...]]] = {
    Position.Category: {
        "standardized": ("事业单位专设岗位", "规范化岗位", "直接规范岗位"),
        "grid": ("网格岗位", "村（社区）网格岗位", "网格社工岗位"),
        "assistant": ("民政助理岗位", "民政社工助理岗位"),
        "correction": ("社区矫正岗位", "社区矫正社工岗位"),
        "anti_drug": ("社区禁毒岗位", "禁毒社工岗位"),
        "assistance": ("乡镇专职社会救助岗位", "社会救助岗位"),
        "station": ("服务站岗位", "社工站岗位"),
    },
    Position.SetupMode: {
        "direct": ("直接规范", "直接规范设岗"),
        "government_employee": ("政府雇员",),
        "contract": ("合同聘用", "合同制"),
        "purchased": ("政府购买岗位", "购买岗位"),
    },
    CertificateLevel: {
        "none": ("无", "无证书", "未持证", "不要求"),
        "assistant": ("助理社会工作师", "助理社工师", "初级"),
        "social_worker": ("社会工作师", "社工师", "中级"),
        "senior": ("高级社会工作师", "高级社工师", "高级"),
    },
    SocialWorker.Gender: {"female": ("女",), "male": ("男",)},
    SocialWorker.Education: {
        "secondary": ("高中及以下", "中专", "高中", "初中"),
        "junior_college": ("大专", "专科"),
        "bachelor": ("本科", "大学本科"),
        "master": ("研究生", "硕士", "博士", "硕士及以上"),
    },
}


def columns_for(kind: str) -> tuple[Column, ...]:
    try:
        return COLUMNS[kind]
    except KeyError:
        raise ValidationError(_("Unknown kind of import: %(kind)s.") % {"kind": kind}) from None


def listing(items) -> str:
    """Items joined as the language of the request writes a list."""
    separator = "、" if (translation.get_language() or "zh").startswith("zh") else ", "
    return separator.join(str(item) for item in items)


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).casefold()


def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every accepted spelling of each choice (folded) → its stored value."""
    lookup = {}
    for value, aliases in CHOICE_ALIASES.get(choices, {}).items():
        lookup.update({_fold(alias): value for alias in aliases})
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lookup.update({_fold(label): value for value, label in choices.choices})
    lookup.update({_fold(value): value for value in choices.values})
    return lookup


# Reading files


def read_rows(upload, *, kind: str) -> list[dict]:
    """The data rows of an uploaded .xlsx or .csv file, as dicts keyed by column key, each with
    its row number in the file under ROW. Blank rows are skipped.

    The file is checked before it is parsed and parsed in a child process with limits
    (`socialwork.uploaded_sheets`). Raises ValidationError for a file that is too large, of
    another format, unreadable or crafted, with unknown or missing columns, with more than
    MAX_ROWS rows, MAX_COLUMNS columns, or a cell longer than MAX_CELL_CHARS.
    """
    columns_for(kind)
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)d MB; split it into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)d MB; split it into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    fmt = uploaded_sheets.checked_format(data, name=getattr(upload, "name", "") or "")
    return uploaded_sheets.read_isolated(_parse, data, fmt, kind)


def _parse(data: bytes, fmt: str, kind: str) -> list[dict]:
    """In the reading child: the file's rows, in the language of the request that forked it."""
    return _rows_from_records(uploaded_sheets.records(data, fmt=fmt), columns_for(kind))


def _header_map(columns: tuple[Column, ...]) -> dict[str, Column]:
    headers = {}
    for column in columns:
        headers[_fold(column.zh)] = column
        headers[_fold(column.en)] = column
    return headers


def _rows_from_records(records, columns: tuple[Column, ...]) -> list[dict]:
    records = iter(records)
    header = next(records, None)
    if header is None or all(_blank(cell) for cell in header):
        raise ValidationError(
            _("The file is empty: the first row must hold the column headers."), code="empty"
        )

    by_header = _header_map(columns)
    keys, unknown, seen = [], [], set()
    for cell in header:
        text = "" if cell is None else str(cell).strip().lstrip("*").rstrip("*").strip()
        column = by_header.get(_fold(text)) if text else None
        if text and column is None:
            unknown.append(text)
        if column is not None and column.key in seen:
            raise ValidationError(
                _("The column “%(column)s” appears twice.") % {"column": _short(text)}, code="columns"
            )
        if column is not None:
            seen.add(column.key)
        keys.append(column.key if column else None)
    if unknown:
        raise ValidationError(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {
                "unknown": listing(_short(text) for text in unknown[:10]),
                "known": listing(c.header() for c in columns),
            },
            code="columns",
        )
    missing = [column.header() for column in columns if column.required and column.key not in seen]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(missing)s.") % {"missing": listing(missing)}, code="columns"
        )

    rows = []
    for number, record in enumerate(records, start=2):
        values = {key: _cell(value) for key, value in zip(keys, record, strict=False) if key}
        if all(value == "" for value in values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(limit)d rows; split it into smaller files.")
                % {"limit": MAX_ROWS},
                code="too_many_rows",
            )
        rows.append({**{key: "" for key in keys if key}, **values, ROW: number})
    return rows


def _short(text: str, length: int = 40) -> str:
    """A header as an error message names it: a long or garbled one cut short."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value):
    """A cell as text, a date, or a number; empty cells as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


# Reading one value. Each raises ValueError with a message for the person.


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(_("“%(value)s” is not a date; write it as 2024-03-01.") % {"value": text})


def parse_number(value) -> int:
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})


def parse_code(value) -> str:
    """Codes, phone and certificate numbers are text even when Excel stored them as numbers."""
    if isinstance(value, float):
        raise ValueError(_("This number lost digits in Excel; format the column as text and type it again."))
    return str(value).strip()


def parse_id_number(value) -> str:
    if isinstance(value, float):
        raise ValueError(
            _(
                "Excel stored this ID number as a number and lost digits; format the column as text and type it again."
            )
        )
    return str(value).strip().upper()


def parse_choice(value, lookup: dict[str, str], column: Column) -> str:
    found = lookup.get(_fold(value))
    if found is None:
        allowed = listing(label for _value, label in column.choices.choices)
        raise ValueError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed})
    return found


# The template


def template_workbook(*, kind: str) -> bytes:
    """An empty workbook with the headers of `kind` in the request's language, and a second sheet
    listing the values each choice column takes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = columns_for(kind)
    hosts = list(HostInstitution.objects.values_list("name", flat=True))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(KINDS[kind])
    sheet.append(safe_row(column.header() for column in columns))
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True, color="C00000" if column.required else None)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header()) * 2 + 2)
        if column.value_type in (CODE, ID_NUMBER):
            # Text, so that Excel keeps every digit of ID, phone and certificate numbers.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Allowed values"))
    notes.append(safe_row([_("Column"), pgettext("form field", "Required"), _("Allowed values")]))
    for column in columns:
        if column.choices is not None:
            allowed = listing(label for _value, label in column.choices.choices)
        elif column.key == "host":
            allowed = listing(hosts)
        elif column.value_type == DATE:
            allowed = "2024-03-01"
        else:
            allowed = ""
        # The host institutions are names people typed: written through the safe cell writer.
        notes.append(safe_row([column.header(), _("yes") if column.required else "", allowed]))
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["C"].width = 80

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
