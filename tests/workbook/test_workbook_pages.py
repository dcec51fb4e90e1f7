"""The workbook's pages as a clerk sees and prints them (issue 9, items 11-15), and the
registry of released layouts. LibreOffice's view of the same: test_workbook_libreoffice.py."""

from __future__ import annotations

import math
import unicodedata

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from factories import consistent_data, edited_copy
from xlreport.checks import check
from xlreport.io.readers import load_report
from xlreport.io.jsonfile import parse_document
from xlreport.cli.demo import demo_document
from xlreport.model.formats import FORMATS as ALL_FORMATS, V2019, V2021
from xlreport.model.layout import (
    LAYOUT_REVISIONS,
    RELEASED_FINGERPRINTS,
    SHEET_CHECKS,
    SHEET_COVER,
    SHEET_OVERVIEW,
    SHEET_TEXT,
    known_layouts,
    workbook_layout,
)
from xlreport.checks import all_lines
from xlreport.checks.formula import python_count
from xlreport.workbook.checksheet import CHECK_HEADER_ROW, FAILS_FIRST_ROW, FAILS_MORE_ROW, FAILS_SHOWN, rule_label
from xlreport.workbook.reader import read_workbook
from xlreport.workbook.writer import write_workbook

FORMATS = [V2019, V2021]


def units(text: str) -> int:  # independent of workbook.text_units on purpose
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def needed_lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(units(p) / (width - 1))) for p in str(text).split("\n"))


def col_dim(ws, col: int):
    return next((d for d in ws.column_dimensions.values() if d.min and d.min <= col <= d.max), None)


def col_width(ws, col: int) -> float:
    dim = col_dim(ws, col)
    return dim.width if dim is not None and dim.width else 8.43


def col_hidden(ws, col: int) -> bool:
    dim = col_dim(ws, col)
    return bool(dim is not None and dim.hidden)


def cell_width(ws, cell) -> float:
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            c0, _, c1, _ = range_boundaries(str(rng))
            return sum(col_width(ws, c) for c in range(c0, c1 + 1) if not col_hidden(ws, c))
    return col_width(ws, cell.column)


def row_pt(ws, row: int) -> float:
    dim = ws.row_dimensions.get(row)
    return dim.height if dim is not None and dim.height else 15.0


def demo_data():
    fmt, data, _ = parse_document(demo_document(), "demo")
    return fmt, data


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    fmt, data = demo_data()
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    write_workbook(path, fmt, data)
    return path


# --- 11: prefilled multi-paragraph text shows whole --------------------------------------

def test_prefilled_text_rows_are_as_high_as_their_text(demo_book, tmp_path):
    fmt, data = demo_data()
    v2021 = consistent_data(V2021, 3)
    v2021["text.problems"] = "一是" + "政务公开工作人员力量不足，" * 12 + "\n二是平台建设滞后。\n\n三是培训不够。"
    book2021 = tmp_path / "2021.xlsx"
    write_workbook(book2021, V2021, v2021)
    checked = 0
    for path, fmt, data in ((demo_book, fmt, data), (book2021, V2021, v2021)):
        wb = openpyxl.load_workbook(path)
        for sheet in (SHEET_OVERVIEW, SHEET_TEXT):
            ws = wb[sheet]
            for row in workbook_layout(fmt).forms[sheet]:
                text = data.get(row.field_key)
                if not isinstance(text, str) or not text:
                    continue
                cell = ws[row.pos.cell]
                assert cell.value == text
                lines = needed_lines(text, cell_width(ws, cell))
                assert row_pt(ws, row.pos.row + 1) >= 14 * lines, (sheet, row.label, lines)
                checked += 1
    assert checked >= 3


# --- 12: leading zeros --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_every_text_input_is_formatted_as_text(tmp_path, fmt):
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, {"meta.year": fmt.first_year})
    wb = openpyxl.load_workbook(path)
    layout = workbook_layout(fmt)
    texts = [k for k in layout.positions if not fmt.has(k) or fmt.field(k).type == "text"]
    assert {"meta.postcode", "meta.phone", "text.problems"} <= set(texts)
    for key in texts:
        pos = layout.positions[key]
        assert wb[pos.sheet][pos.cell].number_format == "@", key


def test_numbers_typed_before_the_text_format_keep_their_zeros(tmp_path):
    """A postcode or telephone number that still arrives as a number (typed into a cell
    without the Text format, pasted as a value) reads back with its leading zero."""
    fmt = V2021
    data = consistent_data(fmt, 2)
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, data)
    layout = workbook_layout(fmt)
    cases = [("010020", 10020, "05271234567", 5271234567),  # 邮编 with 0; 区号 0527
             ("100000", 100000, "13912345678", 13912345678),  # a mobile number has no leading zero
             ("000000", 0, "8056787", 8056787)]  # a local number without area code
    for i, (postcode, typed_postcode, phone, typed_phone) in enumerate(cases):
        def change(wb):
            for key, value in (("meta.postcode", typed_postcode), ("meta.phone", typed_phone)):
                pos = layout.positions[key]
                wb[pos.sheet][pos.cell] = value
        book = tmp_path / f"typed{i}.xlsx"
        edited_copy(path, book, change)
        report = read_workbook(book)
        assert (report.data["meta.postcode"], report.data["meta.phone"]) == (postcode, phone)


def test_written_leading_zeros_round_trip(tmp_path):
    data = consistent_data(V2021, 2)
    data.update({"meta.postcode": "010020", "meta.phone": "0527-1234567", "meta.office": "0"})
    path = tmp_path / "b.xlsx"
    write_workbook(path, V2021, data)
    got = read_workbook(path).data
    assert (got["meta.postcode"], got["meta.phone"], got["meta.office"]) == ("010020", "0527-1234567", "0")


# --- 13: cosmetics -------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_headers_fit_their_columns_and_break_between_words(tmp_path, fmt):
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, {})
    wb = openpyxl.load_workbook(path)
    layout = workbook_layout(fmt)
    broken = 0
    for table in fmt.tables:
        ws = wb[table.name]
        origin = layout.table_origin[table.id]
        for c in table.cells:
            if c.role != "header":
                continue
            cell = ws.cell(origin.row + c.row + 1, origin.col + c.col + 1)
            width = sum(table.col_widths[c.col:c.col + c.colspan])
            lines = cell.value.split("\n")
            assert "".join(lines) == c.text
            for line in lines:  # each line fits; the 4 CJK characters of 商业企业 fit a width of 9
                assert units(line) <= width - 1, (table.id, c.text, width)
            if len(lines) > 1:
                broken += 1
                assert [len(x) for x in lines] in ([2, 2], [4, 2]), c.text  # 结果|维持, 社会公益|组织
                assert row_pt(ws, cell.row) >= 2 * 14
    assert broken


def test_check_sheet_rows_have_room_for_their_text(demo_book):
    ws = openpyxl.load_workbook(demo_book)[SHEET_CHECKS]
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        for cell in row:
            if not isinstance(cell.value, str) or cell.value.startswith("=") or cell.row == 1:
                continue
            if col_hidden(ws, cell.column):
                continue
            lines = needed_lines(cell.value, cell_width(ws, cell))
            assert row_pt(ws, cell.row) >= 13 * lines, (cell.coordinate, cell.value[:30])


def test_printed_pages_name_the_agency_the_sheet_and_the_page(tmp_path):
    fmt, data = demo_data()
    data["meta.agency"] = "某市A&B局"
    with_agency, without = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(with_agency, fmt, data)
    write_workbook(without, fmt, {"meta.year": 2020})
    for path, agency in ((with_agency, "某市A&&B局"), (without, None)):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            assert ws.oddHeader.right.text == "&A", ws.title
            assert ws.oddHeader.left.text == agency
            assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_amounts_show_as_entered(tmp_path, fmt):
    """96171.6 shows as 96171.6 and 0 as 0 (General), the way the report prints them."""
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, {})
    wb = openpyxl.load_workbook(path)
    layout = workbook_layout(fmt)
    amounts = [f for f in (*fmt.value_fields, *fmt.previous) if f.type == "decimal"]
    assert amounts
    for f in amounts:
        pos = layout.positions[f.key]
        assert wb[pos.sheet][pos.cell].number_format == "General", f.key


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_cover_prompts_name_headings_of_their_own_format(tmp_path, fmt):
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, {})
    ws = openpyxl.load_workbook(path)[SHEET_COVER]
    hints = " ".join(str(c.value) for c in ws["C"] if c.value)
    required = {"2019": "“一、总体情况”", "2021": "“（五）监督保障”"}[fmt.version]
    assert required in hints
    if fmt is V2019:  # the 试行 format has no required sub-headings
        assert "（五）" not in hints


# --- 15: the clerk sees what is wrong first -------------------------------------------------

def planted(fmt):
    data = consistent_data(fmt, 11)
    data["t3.carried_forward.business"] += 3  # t3-balance
    data["t4.review.upheld"] = -1  # value-negative (+ t4 sums stay formulas)
    data.pop("meta.agency")
    return data


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_failing_block_lists_the_failing_lines_first(tmp_path, fmt):
    """Cached values (what a previewer shows); LibreOffice recalculates the same formulas in
    test_workbook_libreoffice."""
    data = planted(fmt)
    path = tmp_path / "b.xlsx"
    write_workbook(path, fmt, data)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path, data_only=True)[SHEET_CHECKS].iter_rows()]
    lines = all_lines(fmt, workbook_layout(fmt))
    problems = check(data, fmt)
    failing = [line for line in lines if python_count(line, problems)]
    assert len(failing) >= 3
    block = [r for r in rows[FAILS_FIRST_ROW:FAILS_FIRST_ROW + FAILS_SHOWN] if r[0]]
    assert [(r[0], r[2]) for r in block] == [(rule_label(line.rule), line.description) for line in failing]
    assert block[0][3].startswith("封面!B") and rows[CHECK_HEADER_ROW][8] == "涉及格子"
    wb = openpyxl.load_workbook(path)
    formula = wb[SHEET_CHECKS].cell(FAILS_FIRST_ROW + 1, 4).value
    assert "HYPERLINK(" in formula and "MATCH(1," in formula
    for banned in ("FILTER(", "TEXTJOIN(", "LET(", "AGGREGATE(", "_xlfn"):
        assert all(banned not in str(c.value) for r in wb[SHEET_CHECKS].iter_rows() for c in r)
    # a table sheet says whether it passes, at its top
    for table in fmt.tables:
        status = openpyxl.load_workbook(path, data_only=True)[table.name]["A2"].value
        mine = [line for line in failing if any(k.startswith(table.id + ".") for k in line.keys)]
        n = sum(python_count(line, problems) for line in mine)
        assert status == ("本表校验：通过" if n == 0 else f"本表有 {n} 处问题，见校验表"), table.id


def test_failing_block_says_when_all_pass_and_when_there_are_more(tmp_path):
    ok, blank = tmp_path / "ok.xlsx", tmp_path / "blank.xlsx"
    write_workbook(ok, V2021, consistent_data(V2021, 4))
    # 13 failing lines: 一 has its opening text only, so each of its five aspects is missing
    write_workbook(blank, V2021, {"meta.year": 2024, "meta.agency_kind": "某某", "text.overview": "总体情况。"})
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(ok, data_only=True)[SHEET_CHECKS].iter_rows()]
    assert rows[FAILS_FIRST_ROW][2] == "没有未通过的检查。" and rows[FAILS_MORE_ROW][0] in (None, "")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(blank, data_only=True)[SHEET_CHECKS].iter_rows()]
    assert all(rows[FAILS_FIRST_ROW + k][0] for k in range(FAILS_SHOWN))
    assert rows[FAILS_MORE_ROW][0].startswith("另有 ")


def test_defined_names_keep_their_cells_and_meaning(tmp_path):
    path = tmp_path / "b.xlsx"
    write_workbook(path, V2021, planted(V2021))
    wb = openpyxl.load_workbook(path, data_only=True)
    names = {n: wb.defined_names[n].attr_text for n in ("xlreport_status", "xlreport_errors", "xlreport_warnings")}
    assert names == {"xlreport_status": "'校验'!$B$3", "xlreport_errors": "'校验'!$B$4",
                     "xlreport_warnings": "'校验'!$B$5"}
    errors = sum(p.severity == "error" for p in check(planted(V2021), V2021))
    assert wb[SHEET_CHECKS]["B4"].value == errors and wb[SHEET_CHECKS]["B3"].value == f"未通过：{errors} 个错误"


# --- the registry of released layouts -----------------------------------------------------

@pytest.mark.parametrize("fmt", list(ALL_FORMATS.values()), ids=lambda f: f.version)
def test_released_fingerprints_never_change(fmt):
    for revision, by_version in RELEASED_FINGERPRINTS.items():
        assert workbook_layout(fmt, revision).fingerprint == by_version[fmt.version]
    layouts = known_layouts(fmt)
    assert len(layouts) == len(LAYOUT_REVISIONS)  # every revision distinct
    assert workbook_layout(fmt) in layouts.values()


def test_a_layout_never_released_is_refused(tmp_path):
    path = tmp_path / "b.xlsx"
    write_workbook(path, V2021, {})
    edited_copy(path, path, lambda wb: wb["_xlreport"].__setitem__("B2", "0123456789abcdef"))
    with pytest.raises(Exception, match="另一版本的 xlreport"):
        load_report(path)
