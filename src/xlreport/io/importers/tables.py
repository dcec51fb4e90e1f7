"""Importer stage 3, tables: the result being built, where a cell was printed, and which table is which."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from xlreport.io.importers.document import Cell, Table
from xlreport.io.importers.labels import T4_VALUES, parse_label, prepared, similarity
from xlreport.io.importers.values import parse_value
from xlreport.model.report import Problem
from xlreport.model.spec import ReportFormat

# ---------------------------------------------------------------------------
# The result


@dataclass
class Imported:
    fmt: ReportFormat
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)  # the stage that wrote each note (`--explain`)
    problems: list[Problem] = field(default_factory=list)
    # table → version → [(printed label, where)]: rows and columns of the other version
    versions: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)  # the tables recognised (t2, t3, t4), filled in or not
    notice: str = ""  # the report's title, read from a notice's (「关于公布《…》的公告」): name.AgencyName.notice
    twice: set[int] = field(default_factory=set)  # tables 二 and 四 already reported as printed a second time


def tag(out: Imported, stage: str) -> None:
    """The notes added since the last tag were written by `stage` (封面, 表三, 正文 …)."""
    out.stages += [stage] * (len(out.notes) - len(out.stages))


def _rows(table: Table) -> list[list[Cell]]:
    """Each grid row as its distinct cells, left to right (a merged cell once per row)."""
    out = []
    for row in table.grid():
        cells: list[Cell] = []
        for c in row:
            if c is not None and (not cells or cells[-1] is not c):
                cells.append(c)
        out.append(cells)
    return out


class Place:
    """Provenance strings: 「第3页 表四 行政复议 总计」 or 「表三 “…” 商业企业（第2张表第9行）」."""

    def __init__(self, table: Table):
        self.table = table

    def __call__(self, row: int, text: str) -> str:
        page = None
        if self.table.row_pages and row < len(self.table.row_pages):
            page = self.table.row_pages[row]
        page = page if page is not None else self.table.page
        if page is not None:
            return f"第{page}页 {text}"
        return f"{text}（第{self.table.index}张表第{row + 1}行）"


def _is_value_like(c: Cell) -> bool:
    return parse_value(c.text).status != "text"


# A total (a derived value) that the report printed blank. In the data (and the data file) it is "",
# not absent: an absent total is computed from its parts (a workbook's formula), a printed blank one is
# reported as value-missing (model/numbers.evaluate). Only a workbook's own formulas are derived values.
PRINTED_BLANK = ""


# (the unit printed in a cell, the unit of its column) → the factor that gives the column's unit
_FACTORS = {("元", "万元"): 0.0001, ("万元", "元"): 10000}


def _plain(number: float) -> str:
    """961716000.0 → 「961716000」, 96171.6 → 「96171.6」 (no exponent, no trailing zeros)."""
    return f"{number:.6f}".rstrip("0").rstrip(".")


def _put(out: Imported, key: str, cell: Cell | None, where: str, add: bool = False, column_unit: str = "") -> None:
    """`column_unit`: the unit the table's header gives the column (「本年收费金额（单位：元）」), where
    the cell has none."""
    v = parse_value(cell.text if cell else "")
    if column_unit and not v.unit and isinstance(v.value, (int, float)):
        v = replace(v, unit=column_unit)
    if add and isinstance(out.data.get(key), (int, float)) and isinstance(v.value, (int, float)):
        out.data[key] += v.value  # a V2021 sub-row summed into the V2019 single row
        out.cells[key] += f"、{where}"
        return
    out.cells[key] = where
    out.data[key] = v.value
    if v.value is None and out.fmt.has(key) and out.fmt.field(key).derived:
        out.data[key] = PRINTED_BLANK  # a total printed blank stays blank: it is reported, never computed
    unit = out.fmt.field(key).unit if out.fmt.has(key) else ""
    factor = _FACTORS.get((v.unit, unit)) if isinstance(v.value, (int, float)) else None
    if factor is not None and isinstance(v.value, (int, float)):  # 「961716000元」 under 本年收费金额（单位：万元）
        out.data[key] = round(v.value * factor, 6)
        printed = f"表头的单位是“{v.unit}”，官方格式" if column_unit == v.unit else "表头"
        out.notes.append(f"{where}：写的是“{_plain(v.value)}{v.unit}”，{printed}的单位是“{unit}”，"
                         f"已换算为 {_plain(out.data[key])}{unit}，请核对")
    elif v.unit and unit and v.unit != unit:
        out.notes.append(f"{where}：写的单位是“{v.unit}”，表头的单位是“{unit}”，数值未换算，请核对")
    elif v.status in ("empty-mark", "text") or v.note:
        out.notes.append(f"{where}：{v.note}")
    elif v.status == "blank":
        out.notes.append(f"{where}：空白（没有的应填 0）")


# ---------------------------------------------------------------------------
# Which table is which


def blank_values(cells: list[Cell]) -> bool:
    """A data row of table 四 printed without a figure: as wide as the table, every cell blank or a
    mark such as 「—」 (each is read as blank and reported: 没有的应填 0)."""
    return len(cells) >= T4_VALUES and all(parse_value(c.text).status in ("blank", "empty-mark") for c in cells)


def _classify(table: Table, expect_t3: bool = False) -> str:
    """"t2", "t3", "t4" or "". `expect_t3`: table 三 has begun and is not finished (its next part
    may be a one-row table under a heading)."""
    rows = prepared()["rows"]
    items = prepared()["items"]
    cells_text = "".join(c.text for c in table.cells)
    t3_words = {label.words for s in rows for label in s.path}
    t3_hits = 0
    t2_hits = 0
    long_numeric = False
    blank_row = False
    for cells in _rows(table):
        texts = [c for c in cells if c.text.strip()]
        blank_row = blank_row or blank_values(cells)
        if not texts:
            continue
        if len(cells) >= T4_VALUES:
            statuses = [parse_value(c.text).status for c in cells]
            numbers = statuses.count("number")
            # ten numbers, or table 四 printed with blanks for 0 (「5 |  |  | 2 | 7 | 8 |  |  | 1 | 9 …」)
            if numbers >= 10 or (numbers and statuses.count("text") <= len(cells) - T4_VALUES):
                long_numeric = True
        lab = parse_label(texts[0].text)
        # cheap tests only (this runs on every table): a numbered or official label on a
        # row as wide as table 三; an item label of table 二
        if len(cells) >= 8 and (lab.kind or lab.words in t3_words):
            t3_hits += 1
        if not lab.kind and len(lab.words) >= 2 and any(similarity(lab, i.label) >= 0.8 for i in items):
            t2_hits += 1
    # table 三's own header (自然人, 法人或其他组织) over a row of it: its first part, where the table
    # is split into several after its first rows (an HTML page's <table> per page)
    if t3_hits >= 3 or (t3_hits and (expect_t3 or ("自然人" in cells_text and "法人或其他组织" in cells_text))):
        return "t3"
    if "结果维持" in cells_text and "尚未审结" in cells_text and (blank_row or any(
            parse_value(c.text).status == "number" for c in table.cells)):  # table 四, or one group's part
        return "t4"
    if long_numeric and ("复议" in cells_text or "诉讼" in cells_text):
        return "t4"
    if t2_hits:
        return "t2"
    if long_numeric:
        return "t4"
    return ""




def printed_twice(out: Imported, told: set[int], index: int, keys: list[str], again: list, where: str,
                  name: str = "表三") -> None:
    """A row printed a second time with other figures (two reports, or this year's table and last
    year's for comparison, in one file): which one is the report's cannot be told, so it is a
    problem (once per table), not a silent choice."""
    from xlreport.model.report import problem

    first = [out.data.get(k) for k in keys]
    if all(b in (None, "") or a == b for a, b in zip(first, again, strict=True)):
        return  # the same figures, or none (the rest of a label a page break cut: 「…公开出」 / 「版物」)

    def shown(values: list) -> str:
        return "、".join("空白" if v in (None, "") else str(v) for v in values)

    p = problem("table-incomplete", keys,
                f"{where}又印了一次，数值（{shown(again)}）与先读到的（{shown(first)}，{out.cells.get(keys[0], '')}）"
                f"不同：无法确定哪一个是本报告的数值，只读入了第一次的；如文件中有两份报告或两张{name}（如上年的对比表），"
                f"请分开保存或删去多余的一份后再检查（第{index}张表其他行的不同不再逐行列出）", None)
    out.problems.append(replace(p, cells=(out.cells.get(keys[0], ""), where)))
    told.add(index)


def label_altered(out: Imported, keys: list[str], where: str, what: str) -> None:
    """A row printed under a label other than the official one (a typo, other words, another
    numbering), read as the official row it matches: one warning at its place (format RV.3)."""
    from xlreport.model.report import problem

    p = problem("label-altered", keys, f"{what}（已按官方的这一行读入并核对其数字）；请按官方格式更正", None)
    out.problems.append(replace(p, cells=(where,)))


def unplaced(out: Imported, keys: list[str], where: str, why: str) -> None:
    """A row whose cells cannot be placed under the header: one problem with its place, no guess."""
    from xlreport.model.report import problem

    p = problem("table-incomplete", keys, f"{where}：{why}，本行未读入；请核对该行是否多了或少了格"
                                         f"（空白格、备注等），按官方表格的列填写", None)
    out.problems.append(replace(p, cells=(where,)))
