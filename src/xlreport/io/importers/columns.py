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
from dataclasses import dataclass, field

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


@functools.lru_cache(maxsize=4096)  # the same headers recur in every report
def _kind_of(label: Label, official: Official) -> tuple[str, float]:
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

    @property
    def n(self) -> int:
        return len(self.official.keys)

    @classmethod
    def from_header(cls, header: list[list[Cell | None]], official: Official, aligned: bool = True) -> Columns | None:
        """From the header rows (None when they name no official column); `aligned` is False for
        text, whose header lines do not line up with the value lines."""
        groups = official.groups()
        grid = _grid_columns(header, official, groups) if aligned else None
        sequence = _sequence(header, official, groups)
        if grid is None and not sequence:
            return None
        if grid is not None:
            columns, first, extras = grid
            return cls(official, columns, first, sequence, extras)
        return cls(official, None, 0, sequence, {})

    @classmethod
    def official_order(cls, official: Official) -> Columns:
        """A table (part) without a header: the official columns in their order."""
        return cls(official, None, 0, list(range(len(official.keys))), {})

    def header_notes(self) -> list[str]:
        shown = [h for h in self.extras.values() if h]
        if not shown and self.grid is None:
            n_extra = sum(1 for s in self.sequence if s is None)
            return [f"表头中有 {n_extra} 个不是官方的列，其中的内容未读入"] if n_extra else []
        return [f"表头中的“{h}”列不是官方的列，其中的内容未读入" for h in shown]

    # -- one row ---------------------------------------------------------------------------

    def place(self, row: list[Cell | None], is_label) -> Placed:
        """The cells of one grid row. `is_label(cell)` says whether a text cell is a row label."""
        if self.grid is not None:
            placed = self._place_grid(row, is_label)
            if placed is not None:
                return placed
        return self._place_sequence(_cells(row), is_label)

    def _place_grid(self, row: list[Cell | None], is_label) -> Placed | None:
        labels = _cells(row[: self.first])
        values: dict[str, Cell | None] = {k: None for k in self.official.keys}
        assert self.grid is not None
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


def _grid_columns(header: list[list[Cell | None]], official: Official, groups: dict[str, tuple[int, ...]]):
    """(grid column → official column, first value column, extra columns) when every official column
    header is found once, in order, in its own grid column; else None."""
    leaves: dict[int, Cell] = {}  # anchor column → leaf header cell (the deepest one there)
    others: list[Cell] = []
    seen: set[int] = set()
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
            elif kind == "":
                others.append(c)
    ordered = [leaves[k] for k in sorted(leaves)]
    if len(ordered) != len(official.keys):
        return None
    for i, c in enumerate(ordered):
        if similarity(parse_label(c.text), official.paths[i][-1]) < HEADER_MIN:
            return None
    columns: dict[int, int] = {}
    for i, c in enumerate(ordered):
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


def _sequence(header: list[list[Cell | None]], official: Official, groups: dict[str, tuple[int, ...]]) -> list[int | None]:
    """The printed order of the columns (None: an extra column) from the header line that names
    every official column in order; [] when none does."""
    best: list[int | None] = []
    for row in header:
        cells = _cells(row)
        seq: list[tuple[int | None, str]] = []
        pointer = 0
        started = False
        valid = True
        for c in cells:
            label = parse_label(c.text)
            kind, _ = _kind(label, official, groups)
            if not started and kind == "":
                continue  # the label area (勾稽 note, 信息内容, empty cells)
            started = True
            if kind == "group":
                cols = max(((similarity(label, parse_label(w)), v) for w, v in groups.items()), key=lambda x: x[0])[1]
                if cols[0] != pointer:
                    valid = False  # a group header over columns already named: not the line that names them all
                    break
                seq.extend((k, c.text) for k in cols)
                pointer = cols[-1] + 1
            elif kind == "leaf" and pointer < len(official.keys) \
                    and similarity(label, official.paths[pointer][-1]) >= HEADER_MIN:
                seq.append((pointer, c.text))
                pointer += 1
            else:
                seq.append((None, c.text))
        while seq and seq[-1][0] is None and not seq[-1][1].strip():
            seq.pop()  # empty cells after the last header
        if valid and pointer == len(official.keys) and len(seq) > len(best):
            best = [k for k, _ in seq]
    return best

