"""Where every key lives in the workbook — derived from the format declarations.

The writer lays the sheets out from this, the reader maps cells back to keys
through it, and the checks' formula forms name cells by it, so none can disagree.
Pure data, no I/O: it sits on the model floor (moved from workbook/ in 0.2). Positions are 0-based
(row, col); `Pos.a1` gives the 表三!D7 form used in messages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from xlreport.model.spec import Field, ReportFormat

SHEET_COVER = "封面"
SHEET_OVERVIEW = "总体情况"
SHEET_TEXT = "问题和其他"
SHEET_PREVIOUS = "上年数据"
SHEET_CHECKS = "校验"
SHEET_MARKER = "_xlreport"
MARKER_TAG = "xlreport-workbook"
# The very hidden marker sheet: rows 1-3, labels in column A; in column B the format
# version, the layout's fingerprint and the generator (writer.py writes them,
# reader.layout_from_marker and the Excel UDFs read them).
MARKER_LABELS = (MARKER_TAG, "layout", "generator")
MARKER_EXTENT = (len(MARKER_LABELS), 2)  # (rows, columns) from A1

FORM_FIRST_ROW = 2  # forms: row 1 the title, row 2 a hint

# Every layout a released xlreport wrote, oldest first; the last one is written.
# A workbook records its layout's fingerprint (`_xlreport`!B2) and is read through
# the layout with that fingerprint, so a workbook handed out stays readable after
# the layout changes. Add a revision (never edit one) when positions or labels move,
# and pin its fingerprints in RELEASED_FINGERPRINTS once it is released.
#   1: xlreport 0.1.0 — tables: row 1 the heading, row 2 a hint, the grid from row 3.
#   2: tables: row 1 the heading, row 2 the table's check status, row 3 a hint, the grid from row 4.
LAYOUT_REVISIONS = (1, 2)
CURRENT_REVISION = LAYOUT_REVISIONS[-1]
TABLE_FIRST_ROWS = {1: 2, 2: 3}
TABLE_STATUS_ROW = 1  # revision 2 on: the table's check status (A2)
RELEASED_FINGERPRINTS = {  # revision -> format version -> fingerprint, as written by that release
    1: {"2019": "90922930ffc6f863", "2021": "9caa3bc227d51f85"},
}
TABLE_FIRST_ROW = TABLE_FIRST_ROWS[CURRENT_REVISION]


def col_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Pos:
    sheet: str
    row: int
    col: int

    @property
    def cell(self) -> str:
        return f"{col_letter(self.col)}{self.row + 1}"

    @property
    def a1(self) -> str:
        """表三!D7 — how cells are named to people and in `Problem.cells`."""
        return f"{self.sheet}!{self.cell}"

    @property
    def ref(self) -> str:
        """'表三'!$D$7 — how cells are named inside formulas."""
        return f"'{self.sheet}'!${col_letter(self.col)}${self.row + 1}"


@dataclass(frozen=True)
class FormRow:
    """A labelled input on a form sheet (cover, texts, fees, last year's figures)."""

    field_key: str
    label: str
    hint: str
    pos: Pos


@dataclass(frozen=True, eq=False)
class Layout:
    fmt: ReportFormat
    sheets: tuple[str, ...]
    positions: dict[str, Pos]  # every key -> its cell (inputs, derived, meta, text, previous)
    table_origin: dict[str, Pos]  # table id -> top-left cell of its grid
    forms: dict[str, tuple[FormRow, ...]]  # sheet -> its form rows
    labels: tuple[tuple[Pos, str], ...]  # fixed label cells; a reader verifies them
    revision: int = CURRENT_REVISION

    @cached_property
    def fingerprint(self) -> str:
        # version, positions and labels only: revision 1's fingerprints must never change
        h = hashlib.sha256(self.fmt.version.encode())
        for key, pos in sorted(self.positions.items()):
            h.update(f"{key}={pos.a1};".encode())
        for pos, text in self.labels:
            h.update(f"{pos.a1}={text};".encode())
        return h.hexdigest()[:16]

    def cells(self) -> dict[str, str]:
        return dict(self._cells)

    @cached_property
    def _cells(self) -> dict[str, str]:
        return {k: p.a1 for k, p in self.positions.items()}


def _form(sheet: str, rows: list[tuple[Field | None, str, str, str]]) -> tuple[FormRow, ...]:
    out = []
    for i, (_, key, label, hint) in enumerate(rows):
        out.append(FormRow(key, label, hint, Pos(sheet, FORM_FIRST_ROW + i, 1)))
    return tuple(out)


def _supervision_heading(fmt: ReportFormat) -> str:
    """Where a government reports 工作考核、社会评议和责任追究: V2021 requires the sub-heading
    （五）监督保障 (国办公开办函〔2021〕30号); the V2019 试行 format only requires 一、总体情况."""
    key = "text.overview.supervision" if fmt.overview_subheadings == "always" else "text.overview"
    return next(t.label for t in fmt.texts if t.key == key)


def known_layouts(fmt: ReportFormat) -> dict[str, Layout]:
    """Fingerprint -> layout, for every layout revision of `fmt` (the reader's registry)."""
    return {lay.fingerprint: lay for lay in (workbook_layout(fmt, r) for r in LAYOUT_REVISIONS)}


def workbook_layout(fmt: ReportFormat, revision: int = CURRENT_REVISION) -> Layout:
    """The layout of `fmt` in `revision` (the one written by default); one object per pair."""
    return _layout(fmt, revision)


@lru_cache(maxsize=None)
def _layout(fmt: ReportFormat, revision: int) -> Layout:
    positions: dict[str, Pos] = {}
    origins: dict[str, Pos] = {}
    labels: list[tuple[Pos, str]] = []
    forms: dict[str, tuple[FormRow, ...]] = {}

    cover_hints = {
        "meta.agency": "填写机关全称，与报告标题一致，如“某市某局”",
        "meta.office": "联系机构全称，如“某市某局办公室”；只填“办公室”时，报告写作“机关全称+办公室”",
        "meta.year": f"四位数年份；本工作簿为 {fmt.version} 版格式（{fmt.first_year}"
                     f"{'—' + str(fmt.last_year) if fmt.last_year else ' 年起'}）",
        "meta.agency_kind": f"下拉选择；各级人民政府还须在“{_supervision_heading(fmt)}”中报告工作考核、社会评议和责任追究结果",
        "meta.can_make_rules": "国务院部门、省级政府、设区的市和自治州政府选“是”",
        "meta.address": "报告第一段写明的联系地址",
        "meta.postcode": "六位数字，如“223001”",
        "meta.phone": "含区号，如“0517-1234567”",
        "meta.email": "受理政府信息公开申请的电子邮箱，如“gk@example.gov.cn”",
    }
    forms[SHEET_COVER] = _form(SHEET_COVER, [
        (f, f.key, f.label, cover_hints.get(f.key, "")) for f in fmt.meta_fields])
    forms[SHEET_OVERVIEW] = _form(SHEET_OVERVIEW, [
        (None, t.key, t.label, t.hint) for t in fmt.texts if t.section == "一"])
    text_rows: list[tuple[Field | None, str, str, str]] = [(None, t.key, t.label, t.hint) for t in fmt.texts if t.section != "一"]
    text_rows += [(f, f.key, f.label, "没有的填 0") for f in fmt.value_fields if f.table == "fee"]
    forms[SHEET_TEXT] = _form(SHEET_TEXT, text_rows)
    forms[SHEET_PREVIOUS] = _form(SHEET_PREVIOUS, [
        (f, f.key, f.where.removeprefix("上年数据 "), "上年报告中的数字") for f in fmt.previous])
    for rows in forms.values():
        for r in rows:
            positions[r.field_key] = r.pos
            labels.append((Pos(r.pos.sheet, r.pos.row, 0), r.label))

    for table in fmt.tables:
        origin = Pos(table.name, TABLE_FIRST_ROWS[revision], 0)
        origins[table.id] = origin
        labels.append((Pos(table.name, 0, 0), table.heading))
        for c in table.cells:
            pos = Pos(table.name, origin.row + c.row, origin.col + c.col)
            if c.role == "value":
                assert c.key is not None, "a value cell has a key (spec.matrix_cells, sub_tables)"
                positions[c.key] = pos
            else:
                labels.append((pos, c.text))
        for i, key in enumerate(table.extras):
            f = fmt.field(key)
            pos = Pos(table.name, origin.row + table.n_rows + 1 + i, 1)
            positions[key] = pos
            labels.append((Pos(table.name, pos.row, 0), f.label))

    sheets = (SHEET_COVER, SHEET_OVERVIEW, *(t.name for t in fmt.tables), SHEET_TEXT, SHEET_PREVIOUS,
              SHEET_CHECKS, SHEET_MARKER)
    return Layout(fmt, sheets, positions, origins, forms, tuple(labels), revision)
