"""Cells as a bureau's spreadsheets hold them: full-width digits, dates written every way, Excel's
serial numbers, amounts in 万, a title row above the headers."""

from datetime import date
from decimal import Decimal

import pytest

from socialwork.imports import cells, reading
from socialwork.imports.registry import get


@pytest.mark.parametrize(
    "written",
    [
        "2015-03-01",
        "2015/3/1",
        "2015.3.1",
        "2015年3月1日",
        "20150301",
        "２０１５．３．１",
        42064,
        42064.0,
        "42064",
    ],
)
def test_a_date_is_read_however_it_was_written(written):
    assert cells.parse_date(cells.cell(written)) == date(2015, 3, 1)


@pytest.mark.parametrize("written", ["2015-02-30", "3/1/2015", "明年", 5])
def test_what_is_not_a_date_says_how_to_write_one(written):
    with pytest.raises(ValueError, match="2024-03-01"):
        cells.parse_date(written)


def test_full_width_digits_and_trailing_spaces_are_read_as_typed_by_hand():
    assert cells.cell("  ９１３２０１００ＭＡ１ＡＢＣＤＥ７Ｘ　") == "91320100MA1ABCDE7X"
    assert cells.cell("张丽（社区）") == "张丽（社区）"  # Chinese punctuation stays as written
    assert cells.parse_number("１，２００") == 1200


@pytest.mark.parametrize(
    ("written", "amount"),
    [("12,000.50", "12000.50"), ("￥8000元", "8000"), ("1.2万", "12000.0"), (300000, "300000")],
)
def test_amounts_as_budgets_write_them(written, amount):
    assert cells.parse_decimal(written) == Decimal(amount)


def test_an_id_number_excel_made_a_number_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="lost digits"):
        cells.parse_id_number(cells.cell(4.20506199001011e16))
    assert cells.parse_id_number(" 42050619900101124x ") == "42050619900101124X"


def test_a_title_row_in_merged_cells_above_the_headers_is_passed_over():
    records = [
        ("某某区岗位名录（2024年）", None, None),
        (None, None, None),
        ("编码", "名称 ", "*服务单位编码*"),
        ("P-1", "岗位一", "U-1"),
    ]
    columns = get("positions").columns
    with pytest.raises(Exception, match="依托单位|host"):  # the header row is found; required columns missing
        reading.rows_from_records(iter(records), columns)
    records = [
        (*row, *(["民政", "grid", "contract"] if index == 3 else [None] * 3))
        for index, row in enumerate(records)
    ]
    records[2] = ("编码", "名称 ", "*服务单位编码*", "依托单位", "类别", "设岗方式")
    rows = reading.rows_from_records(iter(records), columns)
    assert [(row["code"], row[cells.ROW]) for row in rows] == [("P-1", 4)]


def test_the_registers_own_line_numbers_are_read_past():
    records = [
        ("序号", "编码", "名称", "服务单位编码", "依托单位", "类别", "设岗方式"),
        (1, "P-1", "岗位一", "U-1", "民政", "grid", "contract"),
    ]
    [row] = reading.rows_from_records(iter(records), get("positions").columns)
    assert row["code"] == "P-1" and "序号" not in row
