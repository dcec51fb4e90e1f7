"""Importer stage: columns — which printed cell of a table row holds which official column.

The value columns of tables 三 and 四 are found from the table's own header rows, never counted
from the right end of a row (an empty cell at the end of a row, a 「备注」 column or a local note
column would otherwise shift every value by one column):

- **on the grid** (HTML, Word, PDF: header and data cells share grid columns): each official
  column header (自然人 … 总计; 结果维持 … 总计 three times) gives its grid column; a data row's
  value is the cell in that column. Header cells that are not official (备注, an empty spacer
  column) are extra columns: their cells are not read, with a note when they hold something.
- **in printed order** (text copied from a page, where a header line is not aligned with the
  value lines: 「| 自然人 | 法人或其他组织 | 总计」): the header line that names every official
  column in order (a group header such as 法人或其他组织 standing for its columns) gives the
  sequence of columns, extra ones included; a row's values are the cells after its labels. A row
  with more cells than the header has is read only where the surplus is empty at one end, as in
  the table's other rows; a row with fewer or otherwise more cells is not read, and the
  importer reports its place instead of guessing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from xlreport.io.importers.document import Cell
from xlreport.io.importers.labels import Label, parse_label, similarity
from xlreport.io.importers.values import parse_value

HEADER_MIN = 0.75  # a header cell is an official column header at this similarity


@dataclass(frozen=True, eq=False)  # one object per format (and group): identity is equality, hashing is cheap
class Official:
    """The value columns of a table as the format declares them."""

    keys: tuple[str, ...]  # column key per value column, in the official order
    paths: tuple[tuple[Label, ...], ...]  # the header path of each (申请人情况 › 法人或其他组织 › 商业企业)

    def groups(self) -> dict[str, tuple[int, ...]]:
        """Words of each group header → the columns under it (行政诉讼 → 10 columns)."""
        out: dict[str, tuple[int, ...]] = {}
        for i, path in enumerate(self.paths):
            for label in path[:-1]:
                out[label.words] = (*out.get(label.words, ()), i)
        return out


@dataclass
class Placed:
    """One data row: its label cells and the cell of each official column (None: not printed)."""

    labels: list[Cell]
    values: dict[str, Cell | None] | None  # None: the cells cannot be placed with certainty
    problem: str = ""  # why they cannot, in Chinese (without the place)
    notes: list[str] = field(default_factory=list)


def _cells(row: list[Cell | None]) -> list[Cell]:
    out: list[Cell] = []
    for c in row:
        if c is not None and (not out or out[-1] is not c):
            out.append(c)
    return out


def _is_number_like(c: Cell) -> bool:
    return bool(c.text.strip()) and parse_value(c.text).status != "text"


def _kind(label: Label, official: Official, groups: dict[str, tuple[int, ...]]) -> tuple[str, float]:
    """("group"/"leaf"/"", score) of a header cell."""
    return _kind_of(label, official)


# Words of a column of another year (「上年总计」, 「同比增减」 beside the report's own columns): never an
# official column, whose headers name none of them
_OTHER_YEAR = ("上年", "去年", "上一年", "同比", "增减", "对比")


# Other words for the 总计 column (「合计」 as some units print it), where no 总计 is printed
_TOTAL_WORDS = {"合计", "共计"}


def _totals_named(header: list[list[Cell | None]]) -> tuple[list[list[Cell | None]], str]:
    """The header with a 「合计」 read as 「总计」 where no 「总计」 is printed (the printed word, or "")."""
    cells = [c for row in header for c in row if c is not None]
    if any(parse_label(c.text).words == "总计" for c in cells):
        return header, ""  # a 合计 beside a 总计 is a column of its own (a grand total: an extra column)
    swap: dict[int, Cell] = {}
    out = [[swap.setdefault(id(c), replace(c, text="总计"))
            if c is not None and parse_label(c.text).words in _TOTAL_WORDS else c for c in row] for row in header]
    return out, next((c.text for c in cells if parse_label(c.text).words in _TOTAL_WORDS), "")


@functools.lru_cache(maxsize=4096)  # the same headers recur in every report
def _kind_of(label: Label, official: Official) -> tuple[str, float]:
    if any(w in label.words for w in _OTHER_YEAR):
        return "", 0.0
    groups = official.groups()
    best_group = max((similarity(label, parse_label(w)) for w in groups), default=0.0) if label.words else 0.0
    best_leaf = max((similarity(label, p[-1]) for p in official.paths), default=0.0) if label.words else 0.0
    if best_group >= HEADER_MIN and best_group > best_leaf:
        return "group", best_group
    if best_leaf >= HEADER_MIN:
        return "leaf", best_leaf
    return "", 0.0


class Columns:
    """How one table's value columns are placed (see the module's docstring)."""

    def __init__(self, official: Official, grid: dict[int, int] | None, first: int,
                 sequence: list[int | None], extras: dict[int, str]):
        self.official = official
        self.grid = grid  # grid column → index of the official column
        self.first = first  # first grid column of values (grid mode)
        self.sequence = sequence  # printed order: index of the official column, or None for an extra column
        self.extras = extras  # grid column → printed header of an extra column (grid mode)
        self.offsets: dict[int, int] = {}  # per number of surplus cells: where the unambiguous rows start
        self.problem = ""  # why no row can be placed (a header naming the columns in an order not understood)
        self.total_word = ""  # 「合计」 printed for 总计

    @property
    def n(self) -> int:
        return len(self.official.keys)

    @classmethod
    def from_header(cls, header: list[list[Cell | None]], official: Official, aligned: bool = True) -> Columns | None:
        """From the header rows (None when they name no official column); `aligned` is False for
        text, whose header lines do not line up with the value lines."""
        groups = official.groups()
        header, total_word = _totals_named(header)
        grid = _grid_columns(header, official, groups) if aligned else None
        sequence = _sequence(header, official, groups)
        # a line naming some columns next to a header that is none of them, a header naming columns out of
        # order or beside cells that are none of them: the official order would be a guess
        doubt = grid is None and ((None not in sequence and _stray(header, official, groups)) or (not sequence and (
            _out_of_order(header, official, groups) or _unread_header(header, official, groups))))
        if grid is None and not sequence and not doubt:
            return None
        if doubt:
            # The header names official columns in another order, and not every column can be told
            # from it: the official order would put figures under the wrong headers. No row is read.
            cols = cls(official, None, 0, list(range(len(official.keys))), {})
            cols.problem = "表头中的列与官方格式不同（列的顺序不同，或有的列不是官方的列），无法确定各数属于哪一列"
            return cols
        if grid is not None:
            columns, first, extras = grid
            found = cls(official, columns, first, sequence, extras)
        else:
            found = cls(official, None, 0, sequence, {})
        found.total_word = total_word
        return found

    @classmethod
    def official_order(cls, official: Official) -> Columns:
        """A table (part) without a header: the official columns in their order."""
        return cls(official, None, 0, list(range(len(official.keys))), {})

    def header_notes(self) -> list[str]:
        if self.problem:
            return []  # each row is reported (table-incomplete)
        order = [self.grid[k] for k in sorted(self.grid)] if self.grid is not None else \
            [s for s in self.sequence if s is not None]
        moved = [f"表头中各列的顺序与官方格式不同（{'、'.join(self.official.paths[i][-1].raw for i in order)}），已按表头读入各列"] \
            if list(dict.fromkeys(order)) != sorted(set(order)) else []
        if self.total_word:
            moved.append(f"表头中的“{self.total_word}”按官方的“总计”读入")
        shown = [h for h in self.extras.values() if h]
        if not shown and self.grid is None:
            n_extra = sum(1 for s in self.sequence if s is None)
            return moved + ([f"表头中有 {n_extra} 个不是官方的列，其中的内容未读入"] if n_extra else [])
        return moved + [f"表头中的“{h}”列不是官方的列，其中的内容未读入" for h in shown]

    # -- one row ---------------------------------------------------------------------------

    def place(self, row: list[Cell | None], is_label) -> Placed:
        """The cells of one grid row. `is_label(cell)` says whether a text cell is a row label."""
        if self.problem:
            as_printed = self._place_sequence(_cells(row), is_label)
            if as_printed.values is not None and not any(c is not None and c.text.strip() for c in as_printed.values.values()):
                return as_printed  # nothing to place: a group label on a line of its own, a blank row
            return Placed(as_printed.labels, None, self.problem)
        if self.grid is not None:
            placed = self._place_grid(row, is_label)
            if placed is not None:
                return placed
        return self._place_sequence(_cells(row), is_label)

    def _place_grid(self, row: list[Cell | None], is_label) -> Placed | None:
        labels = _cells(row[: self.first])
        values: dict[str, Cell | None] = {k: None for k in self.official.keys}
        assert self.grid is not None
        last = max(self.grid)
        if last >= len(row) or row[last] is None:
            return None  # no cell under the last header: the row is short (a cell left out, or a group label's
            #              rowspan too short moved its cells left): read in printed order, or reported
        notes = []
        for col in range(self.first, len(row)):
            c = row[col]
            if c is None or not c.text.strip():
                continue
            if c.col < self.first:
                return None  # a label cell reaching into the value columns
            if col in self.grid:
                if not _is_number_like(c) and is_label(c):
                    return None  # a row label in a value column: the row does not line up
                if c.col != col and self.grid.get(c.col) is not None and c.col >= self.first:
                    continue  # the same merged cell, already read at its first column
                key = self.official.keys[self.grid[col]]
                if values[key] is not None and values[key] is not c:
                    return None
                values[key] = c
            elif col in self.extras:
                if c.col == col:
                    notes.append(f"“{self.extras[col] or '（无表头）'}”列中的“{c.text}”不是官方的列，未读入")
            else:
                return None  # a cell where the header has no column: the row does not line up
        # a merged value cell spanning two official columns cannot be placed
        if any(c is not None and c.colspan > 1 and sum(1 for k in range(c.col, c.col + c.colspan) if k in self.grid) > 1
               for c in values.values()):
            return None
        return Placed(labels, values, notes=notes)

    def _place_sequence(self, cells: list[Cell], is_label) -> Placed:
        n_official = self.n
        # labels: the cells up to the last one that is an official row label (a remark is none)
        end = -1
        first_number = next((i for i, c in enumerate(cells) if _is_number_like(c)), len(cells))
        area = cells[:first_number]  # labels come before the values
        for i, c in enumerate(area):
            if c.text.strip() and not _is_number_like(c) and is_label(c):
                end = i
        if end < 0:  # no official label: the leading text cells (an unknown row, reported by its label)
            for i, c in enumerate(area):
                if c.text.strip() and _is_number_like(c):
                    break
                end = i if c.text.strip() else end
        labels = [c for c in cells[: end + 1] if c.text.strip()]
        tail = cells[end + 1:]
        sequence = self.sequence if len(self.sequence) >= n_official else list(range(n_official))
        trailing_extras = 0
        for s in reversed(sequence):
            if s is not None:
                break
            trailing_extras += 1
        notes: list[str] = []
        if len(tail) < len(sequence) and len(tail) >= len(sequence) - trailing_extras:
            sequence = sequence[: len(tail)]  # the row stops before the trailing extra columns
        surplus = len(tail) - len(sequence)
        if surplus < 0:
            if not any(c.text.strip() for c in tail):
                return Placed(labels, {k: None for k in self.official.keys})
            return Placed(labels, None, f"只有 {len(tail)} 个数值格，表头有 {len(sequence)} 列，无法确定各数属于哪一列")
        offset = 0
        if surplus:
            fits = [o for o in range(surplus + 1)
                    if not any(c.text.strip() for c in tail[:o] + tail[o + len(sequence):])]
            if len(fits) > 1 and self.offsets.get(surplus) in fits:
                fits = [self.offsets[surplus]]
            if len(fits) != 1:
                return Placed(labels, None, f"有 {len(tail)} 个数值格，表头只有 {len(sequence)} 列，"
                                            f"无法确定各数属于哪一列")
            offset = fits[0]
            self.offsets.setdefault(surplus, offset)
            notes.append(f"比表头多 {surplus} 个空白格，按表头的列读入")
        values: dict[str, Cell | None] = {k: None for k in self.official.keys}
        for s, c in zip(sequence, tail[offset:offset + len(sequence)]):
            if s is None:
                if c.text.strip():
                    notes.append(f"“{c.text}”不在官方的列中，未读入")
                continue
            values[self.official.keys[s]] = c
        return Placed(labels, values, notes=notes)


def _leaf_candidates(label: Label, official: Official) -> list[int]:
    return [j for j, path in enumerate(official.paths) if similarity(label, path[-1]) >= HEADER_MIN]


def _group_columns(label: Label, groups: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    return max(((similarity(label, parse_label(w)), v) for w, v in groups.items()), key=lambda x: x[0])[1]


def _grid_columns(header: list[list[Cell | None]], official: Official, groups: dict[str, tuple[int, ...]]):
    """(grid column → official column, first value column, extra columns) when every official column
    header is found once, in its own grid column; else None. A leaf header (结果维持, 其他) is the
    official column of that name under the group headers printed above it (行政复议, 法人或其他组织),
    so columns printed in another order are read under their own headers."""
    leaves: dict[int, Cell] = {}  # anchor column → leaf header cell (the deepest one there)
    others: list[Cell] = []
    above: dict[int, list[Cell]] = {}  # anchor column of a cell → the group header cells over it
    seen: set[int] = set()
    group_cells: list[Cell] = []
    for row in header:
        for c in row:
            if c is None or id(c) in seen:
                continue
            seen.add(id(c))
            kind, _ = _kind(parse_label(c.text), official, groups)
            if kind == "leaf":
                if c.col in leaves and leaves[c.col].row > c.row:
                    continue
                leaves[c.col] = c
            elif kind == "group":
                group_cells.append(c)
            elif kind == "":
                others.append(c)
    ordered = [leaves[k] for k in sorted(leaves)]
    if len(ordered) != len(official.keys):
        return None
    # a group header printed as wide as its columns (行政诉讼 over ten): one printed in a single cell
    # (a page without its colspans) does not stand over its columns and says nothing of them
    wide = [g for g in group_cells if g.colspan >= len(_group_columns(parse_label(g.text), groups))]
    for c in ordered:
        above[c.col] = [g for g in wide if g.row < c.row and g.col <= c.col < g.col + g.colspan]
    taken: list[int] = []
    for c in ordered:
        candidates = [j for j in _leaf_candidates(parse_label(c.text), official) if j not in taken]
        for g in above[c.col]:  # the groups printed over it narrow the choice
            under = set(_group_columns(parse_label(g.text), groups))
            candidates = [j for j in candidates if j in under]
        if not candidates:
            return None
        taken.append(candidates[0])  # where still several (a header without its group row): in order
    columns: dict[int, int] = {}
    for i, c in zip(taken, ordered):
        for k in range(c.col, c.col + c.colspan):
            columns[k] = i
    first = ordered[0].col
    last = ordered[-1].col + ordered[-1].colspan - 1
    n_cols = max((len(r) for r in header), default=0)
    extras: dict[int, str] = {}
    for k in range(first, max(n_cols, last + 1)):
        if k in columns:
            continue
        over = next((c for c in others if c.col <= k < c.col + c.colspan and c.col >= first), None)
        extras[k] = over.text.strip() if over is not None else ""
    return columns, first, extras


Item = tuple[str, Label, str]  # a header cell: its kind ("group", "leaf" or ""), label and text


def _items(row: list[Cell | None], official: Official, groups: dict[str, tuple[int, ...]]) -> list[Item]:
    """A header line's cells from its first official header: (kind, label, text) each."""
    items: list[Item] = []
    for c in _cells(row):
        label = parse_label(c.text)
        kind, _ = _kind(label, official, groups)
        if not items and kind == "":
            continue  # the label area (勾稽 note, 信息内容, empty cells)
        items.append((kind, label, c.text))
    while items and items[-1][0] == "" and not items[-1][2].strip():
        items.pop()  # empty cells after the last header
    return items


def _consistent(items: list[Item], order: list[int], official: Official, groups: dict[str, tuple[int, ...]]) -> bool:
    """The headers of one line name their columns in the printed order `order` (a group where its
    columns stand together, each leaf at a later column of its name)."""
    at = {j: k for k, j in enumerate(order)}
    pointer = 0
    for kind, label, _ in items:
        if kind == "group":
            spots = sorted(at[j] for j in _group_columns(label, groups) if j in at)
            if not spots or spots[0] < pointer or spots[-1] - spots[0] != len(spots) - 1:
                return False
            pointer = spots[-1] + 1
        elif kind == "leaf":
            spots = sorted(at[j] for j in _leaf_candidates(label, official) if j in at and at[j] >= pointer)
            if not spots:
                return False
            pointer = spots[0] + 1
    return True


def _sequence(header: list[list[Cell | None]], official: Official, groups: dict[str, tuple[int, ...]]) -> list[int | None]:
    """The printed order of the columns (None: an extra column) from the header line that names
    every official column (a group header standing for its columns, in the order a line of its
    leaves gives, else the official one); [] when none does, or when another header line
    contradicts it."""
    lines = [items for row in header if (items := _items(row, official, groups))]
    best: list[int | None] = []
    for items in lines:
        seq: list[int | None] = []
        valid = True
        for kind, label, _ in items:
            if kind == "group":
                cols = _group_columns(label, groups)
                if any(k in seq for k in cols):
                    valid = False  # a group header over columns already named: not the line that names them all
                    break
                seq.extend(_leaf_order(cols, lines, official))
            elif kind == "leaf":
                free = [j for j in _leaf_candidates(label, official) if j not in seq]
                seq.append(free[0] if free else None)
            else:
                seq.append(None)
        if valid and sorted(k for k in seq if k is not None) == list(range(len(official.keys))) \
                and len(seq) > len(best):
            best = seq
    order = [k for k in best if k is not None]
    if best and not all(_consistent(items, order, official, groups) for items in lines):
        return []
    return best


def _leaf_order(cols: tuple[int, ...], lines: list[list[Item]], official: Official) -> list[int | None]:
    """A group's columns in the order of a header line that names each of its leaves once (「| | 其他 |
    商业企业 | …」), with the extra columns printed among or after them (「小计」: None), else in the
    official order."""
    names = [official.paths[j][-1].words for j in cols]
    if len(set(names)) < len(names):
        return list(cols)  # leaves of the same name (结果维持 under each group of 表四): the official order
    for items in lines:
        found: list[int | None] = []
        for kind, label, text in items:
            mine = [j for j in _leaf_candidates(label, official) if j in cols] if kind == "leaf" else []
            if mine:
                found.append(mine[0])
            elif found and kind == "" and text.strip():
                found.append(None)  # a column of the group's that is not official
            elif found:
                break  # the next group's or column's header: the group ends
        if sorted(j for j in found if j is not None) == sorted(cols):
            return found
    return list(cols)


def _out_of_order(header: list[list[Cell | None]], official: Official, groups: dict[str, tuple[int, ...]]) -> bool:
    """Some header line names official columns in an order other than the official one."""
    order = list(range(len(official.keys)))
    return not all(_consistent(items, order, official, groups) for row in header
                   if (items := _items(row, official, groups)))


def _unread_header(header: list[list[Cell | None]], official: Official, groups: dict[str, tuple[int, ...]]) -> bool:
    """The header names official columns and, among or after them or under a group header over them
    (申请人情况), a cell that is none of them (「申请总数」 where 总计 is): not every column can be
    told, and the official order would be a guess."""
    for row in header:
        items = _items(row, official, groups)
        named = [i for i, (kind, _, _) in enumerate(items) if kind]
        if named and any(not kind and text.strip() for kind, _, text in items[named[0]:]) \
                and not _in_place(items, official, groups):
            return True
    cells = {id(c): c for row in header for c in row if c is not None}.values()
    over = [g for g in cells if _kind(parse_label(g.text), official, groups)[0] == "group"]
    return any(c.text.strip() and not _kind(parse_label(c.text), official, groups)[0]
               and any(g.row < c.row and g.col <= c.col < g.col + g.colspan for g in over) for c in cells)


def _stray(header: list[list[Cell | None]], official: Official, groups: dict[str, tuple[int, ...]]) -> bool:
    """A header line that names some of the official columns, not all, with a header of its own right
    before or after them that is none of them (「| 申请总数 | 自然人 | 法人或其他组织」 under 申请人情况),
    other than in the place of the one column it does not name: that cell heads a value column too,
    so the columns named elsewhere cannot be taken in the official order."""
    for r, row in enumerate(header):
        cells = _cells(row)
        kinds = [_kind(parse_label(c.text), official, groups)[0] for c in cells]
        named = [i for i, k in enumerate(kinds) if k]
        if not named:
            continue
        cols = {j for i in named for j in (_group_columns(parse_label(cells[i].text), groups) if kinds[i] == "group"
                                           else _leaf_candidates(parse_label(cells[i].text), official))}
        if len(cols) >= len(official.keys):
            continue  # the line names every column: its own cells are placed by it
        missing = sorted(set(range(len(official.keys))) - cols)
        for i, before in ((named[0] - 1, True), (named[-1] + 1, False)):
            if 0 <= i < len(cells) and not kinds[i] and cells[i].text.strip() and cells[i].row == r:
                # a header of its own words in the very place of the one column the line does not name
                # (「公民 | 法人或其他组织 | 总计」): that column, in the official order
                if len(missing) == 1 and (missing[0] < min(cols) if before else missing[0] > max(cols)):
                    continue
                return True
    return False


def _in_place(items: list[Item], official: Official, groups: dict[str, tuple[int, ...]]) -> bool:
    """The line names every official column but one, in the official order, and has one header of
    its own words exactly where that column is (「自然人 | 法人或其他组织 | 申请总数」): that column."""
    order: list[int | None] = []
    for kind, label, text in items:
        if kind == "group":
            order.extend(_group_columns(label, groups))
        elif kind == "leaf":
            order.append(next(iter(_leaf_candidates(label, official)), -1))
        elif text.strip():
            order.append(None)
    missing = sorted(set(range(len(official.keys))) - {k for k in order if k is not None})
    return order.count(None) == 1 and len(missing) == 1 and [missing[0] if k is None else k for k in order] \
        == list(range(len(official.keys)))
