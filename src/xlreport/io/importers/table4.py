"""Importer: table 四, the fifteen values of 行政复议 and 行政诉讼."""

from __future__ import annotations

from xlreport.io.importers.document import Table
from xlreport.io.importers.tables import Imported, Place, _put, _rows
from xlreport.io.importers.values import parse_value
from xlreport.model.spec import ReportFormat


def match_t4(table: Table, out: Imported, target: ReportFormat) -> bool:
    place = Place(table)
    t4 = target.table("t4")
    keys = [c.key for c in sorted(t4.value_cells(), key=lambda c: c.col) if c.key is not None]
    best_row, best = None, -1
    rows = _rows(table)
    for r, cells in enumerate(rows):
        if len(cells) < len(keys):
            continue
        numbers = sum(1 for c in cells[-len(keys):] if parse_value(c.text).status == "number")
        if numbers > best:
            best_row, best = r, numbers
    if best_row is None or best <= 0:
        return False
    cells = rows[best_row][-len(keys):]
    for extra in rows[best_row][:-len(keys)]:
        if extra.text.strip():
            out.notes.append(f"表四 数据行开头的“{extra.text}”不是数值列，未读入")
    for key, cell in zip(keys, cells):
        _put(out, key, cell, place(best_row, f"表四 {' '.join(target.field(key).column)}"))
    for r, cells_ in enumerate(rows):
        if r > best_row and any(parse_value(c.text).status == "number" for c in cells_):
            out.notes.append(f"表四 第{table.index}张表第{r + 1}行（数据行之后）未读入："
                             f"{' | '.join(c.text for c in cells_)[:60]}")
    return True


