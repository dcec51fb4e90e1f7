"""Importer: table 四, the fifteen values of 行政复议 and 行政诉讼.

The values are placed under their printed headers (columns.py). Table 四 also comes in parts: a PDF
converter's Markdown often prints one table per group (行政复议 / 未经复议直接起诉 / 复议后起诉, five
columns each); a part's group is named by its header or the heading above it, else it is the next
group not yet read.
"""

from __future__ import annotations

import functools

from xlreport.io.importers.columns import Columns, Official
from xlreport.io.importers.document import Table
from xlreport.io.importers.labels import parse_label
from xlreport.io.importers.tables import Imported, Place, _put, _rows, blank_values, printed_twice, unplaced
from xlreport.io.importers.values import parse_value
from xlreport.model.spec import ReportFormat

GROUP_WORDS = (("suit_after_review", ("复议后起诉",)), ("suit_direct", ("未经复议", "直接起诉")), ("review", ("行政复议",)))


def t4_fields(fmt: ReportFormat) -> list:
    t4 = fmt.table("t4")
    keys = [c.key for c in sorted(t4.value_cells(), key=lambda c: c.col) if c.key is not None]
    return [fmt.field(k) for k in keys]


@functools.lru_cache(maxsize=32)  # per format version and group
def t4_official(fmt: ReportFormat, group: str = "") -> Official:
    """Table 四's value columns (all fifteen, or the five of one group) as the format declares them."""
    fields = [f for f in t4_fields(fmt) if not group or f.group == group]
    paths = tuple(tuple(parse_label(x) for x in (f.column if not group else f.column[-1:])) for f in fields)
    return Official(tuple(f.key for f in fields), paths)


def _is_number(c) -> bool:
    return bool(c.text.strip()) and parse_value(c.text).status == "number"


def _part_group(words: str, state: dict, fmt: ReportFormat) -> str | None:
    for group, marks in GROUP_WORDS:
        if any(m in words for m in marks) and group not in state.setdefault("t4_parts", []):
            return group
    groups = list(dict.fromkeys(f.group for f in t4_fields(fmt)))
    return next((g for g in groups if g not in state.setdefault("t4_parts", [])), None)


def match_t4(table: Table, out: Imported, target: ReportFormat, aligned: bool = True, caption: str = "",
             state: dict | None = None) -> bool:
    state = state if state is not None else {}
    grid = table.grid()
    best_row, best = None, 0
    for r, row in enumerate(grid):
        numbers = len({id(c) for c in row if c is not None and _is_number(c)})
        if numbers > best:
            best_row, best = r, numbers
    if best_row is None:  # no figure at all: the last row as wide as the table left all blank or 「—」
        rows = _rows(table)
        best_row = next((r for r in range(len(rows) - 1, 0, -1) if blank_values(rows[r])), None)
    if best_row is None:
        return False
    # rows of figures: this year's and last year's (for comparison) are told apart by a label naming
    # the report year; the header is what stands above the first of them
    figures = [r for r, row in enumerate(grid) if any(c is not None and _is_number(c) for c in row)]
    year = out.data.get("meta.year")
    by_year = [r for r in figures if year and str(year) in _label_text(grid[r])]
    if len(figures) > 1 and by_year:
        best_row = by_year[0]
    header = grid[:min([best_row, *figures])]
    full = t4_official(target)
    cols = Columns.from_header(header, full, aligned)
    width = len({id(c) for c in grid[best_row] if c is not None})
    group = ""
    later: list[tuple[int, str]] = []  # rows of other groups under the same header (表四 printed one group a row)
    if (cols is None or cols.problem) and width < len(full.keys):  # one group's part (five columns)
        words = caption + "".join(c.text for row in header for c in row if c is not None)
        found = _row_group(grid[best_row], state) or _part_group(words, state, target)
        if found is None:
            out.notes.append(f"表四 第{table.index}张表：表四的三组（行政复议、未经复议直接起诉、复议后起诉）都已读入，本表未读入")
            return False
        group = found
        state["t4_parts"].append(group)
        for r in range(best_row + 1, len(grid)):
            other = _row_group(grid[r], state) if any(c is not None and _is_number(c) for c in grid[r]) else None
            if other is not None:
                later.append((r, other))
                state["t4_parts"].append(other)
    elif cols is None:
        cols = Columns.official_order(full)
    for r, part in [(best_row, group), *later]:
        if part:
            official = t4_official(target, part)
            cols = Columns.from_header(header, official, aligned) or Columns.official_order(official)
        assert cols is not None
        _read_row(table, out, target, cols, grid, r, part, r == best_row)
    for r in figures:
        if r == best_row or r in dict(later):
            continue
        row = grid[r]
        cells = [c for i, c in enumerate(row) if c is not None and (i == 0 or row[i - 1] is not c)]
        again = cols.place(row, lambda c: True) if cols is not None and not group and not by_year else None
        if cols is not None and again is not None and again.values is not None:  # another row of fifteen: which is this year's?
            keys = list(cols.official.keys)
            printed_twice(out, out.twice, table.index, keys,
                          [parse_value(c.text if (c := again.values[k]) else "").value for k in keys],
                          Place(table)(r, "表四"), "表四")
        out.notes.append(f"表四 第{table.index}张表第{r + 1}行未读入"
                         f"{'（不是本报告年度的数字）' if by_year else ''}：{' | '.join(c.text for c in cells)[:60]}")
    return True


def _row_group(row: list, state: dict) -> str | None:
    """The group a data row's own label names (「行政复议」, 「复议后起诉」: 表四 printed one group a row),
    when not yet read; else None."""
    words = _label_text(row)
    for group, marks in GROUP_WORDS:
        if any(m in words for m in marks):
            return group if group not in state.setdefault("t4_parts", []) else None
    return None


def _read_row(table: Table, out: Imported, target: ReportFormat, cols: Columns, grid: list, r: int, group: str,
              first: bool) -> None:
    """The values of one data row of table 四 (all fifteen, or one group's five)."""
    place = Place(table)
    if first:
        out.notes.extend(f"表四 第{table.index}张表：{n}" for n in cols.header_notes())
    keys = list(cols.official.keys)
    placed = cols.place(grid[r], lambda c: True)
    heading = f"表四 {target.field(keys[0]).column[0]}" if group else "表四"
    if placed.values is None:
        unplaced(out, keys, place(r, heading), placed.problem)
        return
    for extra in placed.labels:
        if not group or not any(w in extra.text for w in ("复议", "诉讼")):  # a group's own label is no stray cell
            out.notes.append(f"表四 数据行开头的“{extra.text}”不是数值列，未读入")
    out.notes.extend(f"{place(r, heading)}：{note}" for note in placed.notes)
    if any(key in out.cells for key in keys):  # printed again (last year's table for comparison)
        out.notes.append(f"表四 第{table.index}张表：表四出现了不止一次，只读入第一次")
        printed_twice(out, out.twice, table.index, keys, [parse_value(c.text if (c := placed.values[k]) else "").value
                                                          for k in keys], place(r, heading), "表四")
        return
    for key in keys:
        _put(out, key, placed.values[key], place(r, f"表四 {' '.join(target.field(key).column)}"))


def _label_text(row: list) -> str:
    """The text of a row's cells that are not figures (its label: 「2024年」, 「行政复议」)."""
    return "".join(c.text for i, c in enumerate(row) if c is not None and not _is_number(c)
                   and (i == 0 or row[i - 1] is not c))
