"""xlreport.excel: the 「生成报告」 button and the UDFs, driven at the xlwings boundary.

Excel is replaced by a small stand-in for the calling book (`FakeBook`): it
holds the cell values of a real workbook written by `write_workbook` (read
with calamine, then shaped like xlwings values: numbers as float, blanks as
None), records message boxes, the selected cell and the opened file. Every
edit a test makes goes to the stand-in only — as an unsaved edit in Excel
would — so the tests also show that the open workbook, not the file, is read.
Everything behind the boundary is real: reader, checker, Word rendering.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xlwings as xw
from python_calamine import CalamineWorkbook

from conftest import REPO
from factories import consistent_data
from xlreport import excel
from xlreport.checks import check
from xlreport.model.formats import V2019, V2021
from xlreport.model.layout import SHEET_MARKER, workbook_layout
from xlreport.workbook.macros import sheet_extent, udf_sheets
from xlreport.workbook.reader import read_workbook
from xlreport.workbook.writer import write_workbook

FORMATS = [V2019, V2021]


# --------------------------------------------------------------------------
# the stand-in


def _xlwings_value(value):
    """calamine -> what xlwings gives: empty cells None, numbers float."""
    if value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _rowcol(cell: str) -> tuple[int, int]:
    """"D7" -> (7, 4), 1-based like xlwings' (row, col) tuples."""
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
    return int(row), sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(col)))


class FakeRange:
    def __init__(self, sheet, first, last, address=None):
        self.sheet, self.first, self.last, self.address = sheet, first, last, address

    def options(self, **kw):
        assert kw == {"ndim": 2}
        return self

    @property
    def value(self):
        (r0, c0), (r1, c1) = self.first, self.last
        grid = self.sheet.grid
        return [[grid[r][c] if r < len(grid) and c < len(grid[r]) else None for c in range(c0 - 1, c1)]
                for r in range(r0 - 1, r1)]

    def select(self):
        assert self.sheet.book.active == self.sheet.name, "Excel selects only on the active sheet"
        self.sheet.book.selected = f"{self.sheet.name}!{self.address}"


class FakeSheet:
    def __init__(self, book, name, grid):
        self.book, self.name, self.grid = book, name, grid

    def range(self, first, last=None):
        if isinstance(first, str):  # "D7"
            return FakeRange(self, _rowcol(first), _rowcol(first), first)
        return FakeRange(self, first, last or first)

    def activate(self):
        self.book.active = self.name

    def set(self, cell: str, value):
        """An (unsaved) edit in the open workbook."""
        r, c = (n - 1 for n in _rowcol(cell))
        while len(self.grid) <= r:
            self.grid.append([])
        while len(self.grid[r]) <= c:
            self.grid[r].append(None)
        self.grid[r][c] = value


class FakeApp:
    def __init__(self):
        self.alerts: list[tuple[str, str, str]] = []

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title, mode))
        return "ok"


class FakeBook:
    def __init__(self, path: Path):
        self.fullname = str(path)
        self.app = FakeApp()
        self.selected = None
        self.active = None
        book = CalamineWorkbook.from_path(str(path))
        self.sheets = {name: FakeSheet(self, name, [[_xlwings_value(v) for v in row] for row in
                                                    book.get_sheet_by_name(name).to_python(skip_empty_area=False)])
                       for name in book.sheet_names}

    def cell(self, key: str) -> tuple[FakeSheet, str]:
        pos = workbook_layout(self.fmt).positions[key]
        return self.sheets[pos.sheet], pos.cell

    def set(self, key: str, value):
        sheet, cell = self.cell(key)
        sheet.set(cell, value)


def full_data(fmt):
    data = consistent_data(fmt, 3, with_totals=False)
    data["text.other"] = "本年度没有其他需要报告的事项。"  # the fee sentence is generated from fee.*
    return data


def make_book(folder: Path, fmt=V2021, data=None, name="填报.xlsx") -> FakeBook:
    path = folder / name
    write_workbook(path, fmt, full_data(fmt) if data is None else data)
    book = FakeBook(path)
    book.fmt = fmt
    return book


class Opened:
    def __init__(self):
        self.paths: list[Path] = []

    def __call__(self, path):
        self.paths.append(Path(path))


def docx_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.docx"))


# --------------------------------------------------------------------------
# the button


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_button_writes_the_report_beside_the_workbook_and_opens_it(tmp_path, fmt):
    book = make_book(tmp_path, fmt)
    assert check(read_workbook(book.fullname).data, fmt) == []
    opened = Opened()
    path = excel.run_button(book, open_file=opened)
    year = full_data(fmt)["meta.year"]
    assert path == tmp_path / f"某市某局{year}年政府信息公开工作年度报告.docx"
    assert path.is_file() and path.stat().st_size > 5000
    assert opened.paths == [path]
    [(prompt, title, mode)] = book.app.alerts
    assert str(path) in prompt and mode == "info" and title == "生成报告"
    assert book.selected is None

    from docx import Document

    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "某市某局" in text and f"{year}年政府信息公开工作年度报告" in text
    assert "存在的问题是人员不足" in text


def test_button_reads_unsaved_edits_and_never_overwrites(tmp_path):
    book = make_book(tmp_path)
    book.set("meta.agency", "某县某办")  # typed in Excel, not saved
    stem = "某县某办2024年政府信息公开工作年度报告"
    (tmp_path / f"{stem}.docx").write_bytes(b"first")
    (tmp_path / f"{stem}(2).docx").write_bytes(b"second")
    path = excel.run_button(book, open_file=Opened())
    assert path == tmp_path / f"{stem}(3).docx"
    assert (tmp_path / f"{stem}.docx").read_bytes() == b"first"
    assert (tmp_path / f"{stem}(2).docx").read_bytes() == b"second"
    again = excel.run_button(book, open_file=Opened())
    assert again == tmp_path / f"{stem}(4).docx"


def test_errors_block_the_report_list_the_first_problems_and_select_the_first_cell(tmp_path):
    book = make_book(tmp_path)
    book.set("t3.carried_forward.business", 1000.0)  # breaks t3-balance and t3-row-sum … in column 商业企业
    book.set("t4.review.upheld", "五")  # value-not-integer
    book.set("meta.agency", None)  # meta-missing
    for key in [f.key for f in V2021.input_fields if f.key.startswith("t2.")][:8]:
        book.set(key, None)  # value-missing, one each
    opened = Opened()
    assert excel.run_button(book, open_file=opened) is None
    assert docx_files(tmp_path) == [] and opened.paths == []
    [(prompt, title, mode)] = book.app.alerts
    assert mode == "critical" and "未生成报告" in prompt

    expected = [p for p in check(excel.report_from_book(book).data, V2021, workbook_layout(V2021).cells())]
    errors = [p for p in expected if p.severity == "error"]
    assert len(errors) > excel.SHOWN_PROBLEMS
    assert f"数据有 {len(errors)} 个错误" in prompt
    shown = [line for line in prompt.splitlines() if line.startswith("· ")]
    assert len(shown) == excel.SHOWN_PROBLEMS
    assert shown[0].startswith("· [错误] " + errors[0].message[:40])
    assert f"还有 {len(expected) - excel.SHOWN_PROBLEMS} 个问题" in prompt
    first_cell = errors[0].cells[0]
    assert book.selected == first_cell and book.active == first_cell.split("!")[0]
    assert first_cell in prompt


def test_a_single_error_is_reported_with_its_cell(tmp_path):
    book = make_book(tmp_path)
    sheet, cell = book.cell("t3.new.natural_person")
    value = sheet.range(cell).value[0][0]
    sheet.set(cell, value + 1)
    assert excel.run_button(book, open_file=Opened()) is None
    [(prompt, _, _)] = book.app.alerts
    rules = {p.rule for p in check(excel.report_from_book(book).data, V2021)}
    assert "t3-balance" in rules
    assert "还有" not in prompt  # nothing left out
    assert book.selected is not None and book.selected.startswith("表三!")
    assert docx_files(tmp_path) == []


def test_warnings_do_not_block_and_are_mentioned(tmp_path):
    book = make_book(tmp_path)
    book.set("text.overview.platform", "")  # one aspect of 一 missing: a warning
    path = excel.run_button(book, open_file=Opened())
    assert path is not None and path.exists()
    [(prompt, _, mode)] = book.app.alerts
    assert mode == "info" and "请注意" in prompt and "平台建设" in prompt


def test_a_changed_structure_is_told_not_crashed(tmp_path):
    book = make_book(tmp_path)
    pos, label = workbook_layout(V2021).labels[-1]
    book.sheets[pos.sheet].set(pos.cell, "别的字")
    assert excel.run_button(book, open_file=Opened()) is None
    [(prompt, _, mode)] = book.app.alerts
    assert mode == "critical" and "表格结构被改动" in prompt and pos.a1.split("!")[1] in prompt
    assert docx_files(tmp_path) == []


def test_a_missing_sheet_is_told(tmp_path):
    book = make_book(tmp_path)
    del book.sheets["表四"]
    assert excel.run_button(book, open_file=Opened()) is None
    assert "缺少工作表“表四”" in book.app.alerts[0][0]


def test_not_an_xlreport_workbook(tmp_path):
    book = make_book(tmp_path)
    book.sheets[SHEET_MARKER].set("A1", "something else")
    assert excel.run_button(book, open_file=Opened()) is None
    assert "标记已损坏" in book.app.alerts[0][0]
    del book.sheets[SHEET_MARKER]
    assert excel.run_button(book, open_file=Opened()) is None
    assert "不是用 xlreport 生成的" in book.app.alerts[1][0]


@pytest.mark.parametrize("fullname", ["工作簿1", "https://example.sharepoint.com/sites/x/填报.xlsm"])
def test_a_workbook_not_in_a_local_folder_is_told(tmp_path, fullname):
    book = make_book(tmp_path)
    book.fullname = fullname
    assert excel.run_button(book, open_file=Opened()) is None
    assert "另存为" in book.app.alerts[0][0]
    assert docx_files(tmp_path) == []


def test_any_exception_becomes_a_chinese_alert(tmp_path):
    book = make_book(tmp_path)

    def broken_render(data, fmt, target):
        raise RuntimeError("boom")

    assert excel.run_button(book, render=broken_render, open_file=Opened()) is None
    [(prompt, _, mode)] = book.app.alerts
    assert mode == "critical" and "程序内部错误" in prompt and "RuntimeError: boom" in prompt


def test_a_failing_open_is_told_after_the_report_is_written(tmp_path):
    book = make_book(tmp_path)

    def cannot_open(path):
        raise OSError("no application is associated")

    path = excel.run_button(book, open_file=cannot_open)
    assert path.exists()
    assert len(book.app.alerts) == 2 and "无法自动打开" in book.app.alerts[1][0] and str(path) in book.app.alerts[1][0]


def test_render_warnings_are_passed_on(tmp_path):
    book = make_book(tmp_path)

    class Result:
        def __init__(self, path):
            self.path, self.warnings = path, ["“总体情况”中有 1 个无法写入 Word 的控制字符"]

    def render(data, fmt, target):
        Path(target).write_bytes(b"docx")
        return Result(target)

    excel.run_button(book, render=render, open_file=Opened())
    assert "控制字符" in book.app.alerts[0][0]


def test_generate_report_uses_the_calling_book(tmp_path, monkeypatch):
    book = make_book(tmp_path)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    monkeypatch.setattr(excel, "open_document", Opened())
    excel.generate_report()
    assert docx_files(tmp_path) == ["某市某局2024年政府信息公开工作年度报告.docx"]
    assert excel.open_document.paths == [tmp_path / docx_files(tmp_path)[0]]


def test_generate_report_without_a_calling_book_raises_for_xlwings_to_show(monkeypatch):
    def no_caller():
        raise xw.XlwingsError("not called from Excel")

    shown = []
    monkeypatch.setattr(xw.Book, "caller", staticmethod(no_caller))
    monkeypatch.setattr(excel, "_last_resort_alert", shown.append)
    with pytest.raises(xw.XlwingsError):
        excel.generate_report()
    assert shown and "未能连接到 Excel 工作簿" in shown[0]


# --------------------------------------------------------------------------
# names


def test_next_free_name(tmp_path):
    assert excel.next_free_name(tmp_path, "报告") == tmp_path / "报告.docx"
    (tmp_path / "报告.docx").write_bytes(b"")
    assert excel.next_free_name(tmp_path, "报告") == tmp_path / "报告(2).docx"
    (tmp_path / "报告(2).docx").write_bytes(b"")
    (tmp_path / "报告(3).docx").write_bytes(b"")
    assert excel.next_free_name(tmp_path, "报告") == tmp_path / "报告(4).docx"
    assert excel.next_free_name(tmp_path, "报告", ".pdf") == tmp_path / "报告.pdf"


def test_report_stem_is_a_safe_file_name():
    assert excel.report_stem({"meta.agency": "某市某局", "meta.year": 2024}) == "某市某局2024年政府信息公开工作年度报告"
    assert excel.report_stem({"meta.agency": "某市/某局:办公室*", "meta.year": 2024.0}) == \
        "某市_某局_办公室_2024年政府信息公开工作年度报告"
    assert "\n" not in excel.report_stem({"meta.agency": "甲\n乙", "meta.year": 2024})


# --------------------------------------------------------------------------
# UDFs, called as the xlwings decorators leave them: plain functions of plain lists


def udf_args(book: FakeBook) -> list:
    """What Excel passes: the marker block, then each data sheet's block from A1 (ndim=2)."""
    layout = workbook_layout(book.fmt)
    blocks = [book.sheets[SHEET_MARKER].range((1, 1), (3, 2)).value]
    for sheet in udf_sheets(layout):
        rows, cols = sheet_extent(layout, sheet)
        blocks.append(book.sheets[sheet].range((1, 1), (rows, cols)).value)
    return blocks


def test_udf_signatures_take_the_marker_and_every_data_sheet():
    import inspect

    for fmt in FORMATS:
        sheets = udf_sheets(workbook_layout(fmt))
        assert sheets == ("封面", "总体情况", "表二", "表三", "表四", "问题和其他", "上年数据")
        for f in (excel.XLREPORT_VERDICT, excel.XLREPORT_CHECK, excel.XLREPORT_STATUS):  # STATUS: 0.1.0's name
            assert list(inspect.signature(f).parameters) == [
                "marker", "cover", "overview", "table2", "table3", "table4", "problems_other", "last_year"]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_udfs_on_a_clean_workbook(tmp_path, fmt):
    book = make_book(tmp_path, fmt)
    args = udf_args(book)
    assert excel.XLREPORT_VERDICT(*args) == "通过"
    assert excel.XLREPORT_STATUS(*args) == "通过"  # what workbooks made by 0.1.0 call
    assert excel.XLREPORT_CHECK(*args) == [["规则", "单元格", "说明"]]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.version)
def test_udfs_agree_with_the_file_checker(tmp_path, fmt):
    data = full_data(fmt)
    data["t3.new.business"] += 2
    data["t4.review.upheld"] = "3件"
    data["meta.agency_kind"] = "government"  # with no word of 考核/评议/追究: a text-missing warning
    book = make_book(tmp_path, fmt, data)
    report = read_workbook(book.fullname)
    expected = check(report.data, report.fmt, report.cells)
    errors = sum(p.severity == "error" for p in expected)
    assert errors and len(expected) > errors
    args = udf_args(book)
    assert excel.XLREPORT_VERDICT(*args) == f"{errors} 个错误，{len(expected) - errors} 个警告"
    assert excel.XLREPORT_STATUS(*args) == excel.XLREPORT_VERDICT(*args)
    table = excel.XLREPORT_CHECK(*args)
    assert table[0] == ["规则", "单元格", "说明"]
    assert table[1:] == [[p.rule, " ".join(p.cells), p.message] for p in expected]
    assert all(len(row) == 3 for row in table)


def test_udfs_follow_an_edit(tmp_path):
    book = make_book(tmp_path)
    assert excel.XLREPORT_VERDICT(*udf_args(book)) == "通过"
    book.set("t4.review.upheld", -1.0)
    rules = [row[0] for row in excel.XLREPORT_CHECK(*udf_args(book))[1:]]
    assert "value-negative" in rules
    problems = check(excel.report_from_book(book).data, V2021)
    errors = sum(p.severity == "error" for p in problems)
    assert excel.XLREPORT_VERDICT(*udf_args(book)) == f"{errors} 个错误，{len(problems) - errors} 个警告"


def test_udfs_answer_in_text_when_the_workbook_cannot_be_read(tmp_path):
    book = make_book(tmp_path)
    args = udf_args(book)
    args[4][0][0] = "改过的标题"  # the heading of 表三, a fixed label
    assert excel.XLREPORT_VERDICT(*args).startswith("无法校验：")
    assert excel.XLREPORT_CHECK(*args)[1][2].startswith("无法校验：")
    assert excel.XLREPORT_VERDICT([["x"]], *args[1:]).startswith("无法校验：")
    assert excel.udf_status(*args[:3]).startswith("无法校验：")  # too few ranges


def test_as_grid_accepts_what_xlwings_may_pass():
    assert excel.as_grid(5.0) == [[5.0]]
    assert excel.as_grid(None) == [[None]]
    assert excel.as_grid([1.0, 2.0]) == [[1.0, 2.0]]
    assert excel.as_grid([[1.0], [2.0]]) == [[1.0], [2.0]]


def test_message_lists_errors_before_warnings():
    from xlreport.model.report import Problem

    warning = Problem("text-missing", "warning", ("text.problems",), "五为空", ("问题和其他!B3",))
    error = Problem("t4-sum", "error", ("t4.review.upheld",), "表四不平", ("表四!A6",))
    text = excel.problems_message([warning, error])
    shown = [line for line in text.splitlines() if line.startswith("· ")]
    assert shown == ["· [错误] 表四不平（表四!A6）", "· [警告] 五为空（问题和其他!B3）"]
    assert text.startswith("数据有 1 个错误、1 个警告，未生成报告") and text.endswith("表四!A6")


# --------------------------------------------------------------------------
# boundaries


SRC = REPO / "src" / "xlreport"


def test_only_excel_py_imports_xlwings_and_nothing_imports_excel_py():
    importers, users = [], []
    for path in SRC.rglob("*.py"):
        text = path.read_text("utf-8")
        if re.search(r"^\s*(import xlwings|from xlwings)", text, re.M):
            importers.append(path.name)
        if re.search(r"^\s*(from \.excel |from \. import excel|import xlreport\.excel|from xlreport\.excel |"
                     r"from xlreport import excel)", text, re.M):
            users.append(path.name)
    assert importers == ["excel.py"] and users == []


def test_making_a_macro_workbook_does_not_import_xlwings(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from xlreport.cli.main import main; "
            f"assert main(['new', '--year', '2024', '--macros', '-o', {str(tmp_path / 'a.xlsm')!r}]) == 0; "
            "print('xlwings' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
