"""Importer: table 三, rows by their labels (numbering first, then words)."""

from __future__ import annotations

import functools
from dataclasses import replace

from xlreport.io.importers.columns import Columns, Official
from xlreport.io.importers.document import Table
from xlreport.io.importers.labels import (
    ACCEPT,
    LABEL_MIN,
    Label,
    RowSpec,
    _t3_columns,
    _t3_rows,
    parse_label,
    prepared,
    similarity,
    split_numbered,
)
from xlreport.io.importers.tables import Imported, Place, _put, label_altered, printed_twice, unplaced
from xlreport.io.importers.values import parse_value
from xlreport.model.spec import ReportFormat, split_key


def _row_score(obs: list[Label], spec: RowSpec) -> float:
    if len(obs) != len(spec.path):
        return 0.0
    # numbering that disagrees rules the row out: checked for every level before any words are compared
    if any(o.kind and s.kind and (o.kind, o.number) != (s.kind, s.number) for o, s in zip(obs, spec.path)):
        return 0.0
    total, weight = 0.0, 0.0
    for i, (o, s) in enumerate(zip(obs, spec.path)):
        w = 2.0 if i == len(obs) - 1 else 1.0
        if o.kind and s.kind:
            score = 0.5 + 0.5 * similarity(o, s)
        else:
            score = similarity(o, s)
        total += w * score
        weight += w
    return total / weight


_LEVEL = {"top": 0, "paren": 1, "arabic": 2}


def _level(label: Label, rows: list[RowSpec]) -> int:
    if label.kind:
        return _LEVEL[label.kind]
    best, level = 0.0, -1
    for spec in rows:
        for i, s in enumerate(spec.path):
            score = similarity(label, s)
            if score > best:
                best, level = score, i
    return level if best >= LABEL_MIN else -1


def _is_group(label: Label, rows: list[RowSpec]) -> bool:
    """A numbered label that heads a group of official rows (三、本年度办理结果, （三）不予公开)."""
    if label.kind not in ("top", "paren"):
        return False
    level = _LEVEL[label.kind]
    return any(len(s.path) > level + 1 and (s.path[level].kind, s.path[level].number) == (label.kind, label.number)
               and similarity(label, s.path[level]) >= LABEL_MIN for s in rows)


def _known_levels(spec: RowSpec, obs: list[Label | None]) -> RowSpec:
    """The official row with only the levels that were printed (a group label missing)."""
    path = tuple(p for p, o in zip(spec.path, obs) if o is not None)
    return RowSpec(spec.fmt, spec.row_key, path, spec.order)


@functools.lru_cache(maxsize=8)  # one per format version
def t3_official(fmt: ReportFormat) -> Official:
    """Table 三's value columns as the format declares them (自然人 … 总计)."""
    fields = [fmt.field(f"t3.new.{c}") for c in _t3_columns(fmt)]
    return Official(tuple(_t3_columns(fmt)), tuple(tuple(parse_label(x) for x in f.column[1:]) for f in fields))


# Other words printed for the total row (「合计」「共计」); the official ones come from the format.
TOTAL_WORDS = ("合计", "共计")


@functools.lru_cache(maxsize=8)
def _total_label(fmt: ReportFormat) -> Label:
    """The label of table 三's total row, （七）总计, as the format declares it."""
    return next(r.path[-1] for r in _t3_rows(fmt) if r.row_key == "total")


def official_total(fmt: ReportFormat) -> str:
    return _total_label(fmt).raw


def _as_total(lab: Label, fmt: ReportFormat) -> Label | None:
    """The official total label for a printed one whose words are a total's but whose numbering is
    not （七） (「七、总计」, 「7.总计」, 「总计」, 「合计」): the words name the row, for table 三 has no
    other row so called. None when the label is not such a total, or already numbered （七）."""
    official = _total_label(fmt)
    if lab.short not in (official.short, *TOTAL_WORDS) or (lab.kind, lab.number) == (official.kind, official.number):
        return None
    if not lab.kind and lab.short == official.short:  # 「总计」 unnumbered: read as any row whose number is left out
        return None
    return Label(lab.raw, official.kind, official.number, official.words, official.short)


def _wrapped(grid: list, r: int, leaf: Label, official: str) -> bool:
    """Whether row r's label is the official one printed over two lines, its rest on the row below
    without a figure (「4.无正当理由大量」 / 「反复申请」: a web page's or Word table's wrapped row)."""
    if r + 1 >= len(grid):
        return False
    own = {id(c) for c in grid[r] if c is not None}  # a group label spanning both rows is not the rest
    rest = [c for c in grid[r + 1] if c is not None and id(c) not in own and c.text.strip()]
    if not rest or any(_is_number(c) for c in rest):
        return False
    return parse_label(leaf.raw + "".join(c.text.strip() for c in rest)).short == parse_label(official).short


def _is_number(c) -> bool:
    return bool(c.text.strip()) and parse_value(c.text).status == "number"


def match_t3(table: Table, out: Imported, target: ReportFormat, state: dict | None = None,
             aligned: bool = True, caption: str = "") -> int:
    """Table 三's rows. `state` carries the group labels and the last row across the parts of
    a table split over pages (a part may start with 「2.没有现成信息…」 and no group label)."""
    rows = prepared()["rows"]
    columns = _t3_columns(target)
    place = Place(table)
    target_rows = [r.row_key for r in _t3_rows(target)]
    state = state if state is not None else {}
    context: list[Label | None] = state.setdefault("context", [None, None, None])
    matched = 0
    last_order = state.get("last_order", -1)
    if caption and "last_order" in state:  # a group label printed as a heading over a part (「### （三）不予公开」)
        head = parse_label(caption.lstrip("#").strip())
        if _is_group(head, rows):
            level = _LEVEL[head.kind]
            context[level:] = [head] + [None] * (2 - level)
    grid = table.grid()
    header_end = next((r for r, row in enumerate(grid) if any(c is not None and _is_number(c) for c in row)), len(grid))
    cols = Columns.from_header(grid[:header_end], t3_official(target), aligned)
    if cols is None:  # a part without a header: the columns of the part before, else the official order
        cols = state.get("columns") or Columns.official_order(t3_official(target))
    else:
        state["columns"] = cols
        out.notes.extend(f"表三 第{table.index}张表：{n}" for n in cols.header_notes())

    def is_label(c) -> bool:
        lab = parse_label(c.text)
        return bool(lab.kind) or _level(lab, rows) >= 0 or _as_total(lab, target) is not None

    leaves = {s.path[-1].short for s in rows}
    wrapped_start = ""  # a leaf label's first line, printed blank, whose rest is on the next row with its figures

    def rest_below(r: int, leaf: Label) -> str:
        """The rest of `leaf` on row r + 1 when that row has the figures and the two lines together
        make an official label (「4.无正当理由大量」 over 「反复申请 | 109 | …」), else ""."""
        if r + 1 >= len(grid) or leaf.short in leaves:
            return ""
        below = cols.place(grid[r + 1], is_label)
        own = {id(c) for c in grid[r] if c is not None}  # a group label spanning both rows is not the rest
        rest = "".join(c.text.strip() for c in below.labels if id(c) not in own)
        figures = below.values is not None and any(c is not None and _is_number(c) for c in below.values.values())
        return rest if rest and figures and parse_label(leaf.raw + rest).short in leaves else ""

    for r in range(header_end, len(grid)):
        placed = cols.place(grid[r], is_label)
        labels = placed.labels
        if not labels:
            continue
        blank = placed.values is not None and not any(c is not None and c.text.strip() for c in placed.values.values())
        if wrapped_start:  # this row's label is the rest of the one above: read as one label
            own = [c for c in labels if c.text.strip()]
            labels = [replace(own[-1], text=wrapped_start + own[-1].text.strip())] if own else labels
            wrapped_start = ""
        elif blank and labels and (rest := rest_below(r, parse_label(split_numbered(labels[-1].text)[-1]))):
            for lab in [parse_label(part) for c in labels for part in split_numbered(c.text)][:-1]:
                level = _level(lab, rows)  # the group labels of the first line still hold
                if level >= 0:
                    context[level:] = [lab] + [None] * (2 - level)
            wrapped_start = split_numbered(labels[-1].text)[-1].strip()
            out.notes.append(f"表三 第{table.index}张表第{r + 1}—{r + 2}行：行名“{wrapped_start}”“{rest}”印在两行，"
                             f"按一个行名读入第{r + 2}行的数值")
            continue
        if blank:
            # a group label on a line of its own (「（六）其他处理」 above 1. 2. 3.), or a row printed blank
            group = [parse_label(c.text) for c in labels]
            if len(group) == 1 and _is_group(group[0], rows):
                level = _LEVEL[group[0].kind]
                context[level:] = [group[0]] + [None] * (2 - level)
                continue
            if not any(is_label(c) for c in labels):
                continue  # a header line below the first value
        parsed = [parse_label(part) for c in labels for part in split_numbered(c.text)]
        renumbered = set()
        for i, lab in enumerate(parsed):
            if (total := _as_total(lab, target)) is not None:
                parsed[i] = total
                renumbered.add(lab.raw)
                out.notes.append(f"表三 第{table.index}张表第{r + 1}行“{lab.raw}”按官方的“{official_total(target)}”读入"
                                 f"（编号或文字与官方不同）")
        deepest = -1
        for lab in parsed:
            level = _level(lab, rows)
            if level < 0:
                continue
            context[level] = lab
            for deeper in range(level + 1, 3):
                context[deeper] = None
            deepest = max(deepest, level)
        if deepest < 0:
            out.notes.append(f"表三 第{table.index}张表第{r + 1}行“{labels[-1].text}”不是官方表格的行，未读入")
            continue
        obs = [lab for lab in context[: deepest + 1]]
        obs_known = [x for x in obs if x is not None]
        leaf = obs[-1]
        if leaf is None:  # the deepest label was undone by a shallower one after it in the row
            out.notes.append(f"表三 第{table.index}张表第{r + 1}行“{' '.join(c.text for c in labels)}”"
                             f"未能对应到官方表格的行，未读入")
            continue
        if len(obs_known) < len(obs):  # a group label is missing: infer it from the official rows
            candidates = [(_row_score(obs_known, _known_levels(s, obs)), s) for s in rows if len(s.path) == len(obs)]
        else:
            candidates = [(_row_score(obs_known, s), s) for s in rows]
        # numbering alone does not name a row whose words are quite different, unless the row
        # is the very next one in the official order (a garbled label in its expected place)
        candidates = [(score + (0.02 if s.fmt is target else 0) + (0.03 if s.order > last_order else 0), s)
                      for score, s in candidates if score > 0 and
                      (not leaf.kind or similarity(leaf, s.path[-1]) >= 0.3 or s.order == last_order + 1)]
        if not candidates or max(c[0] for c in candidates) < ACCEPT:
            out.notes.append(f"表三 第{table.index}张表第{r + 1}行“{' '.join(c.text for c in labels)}”"
                             f"未能对应到官方表格的行，未读入")
            continue
        score, spec = max(candidates, key=lambda x: x[0])
        last_order = state["last_order"] = spec.order
        if len(spec.path) == 1:  # a row of its own (一、 二、 四、): no group label carries down from it
            context[:] = [None, None, None]
        state["done"] = spec.row_key == target_rows[-1] or state.get("done", False)
        # named as messages name a row (formats/_build.row_label): the labels below the outermost group
        shown = [x.raw for x in (obs[1:] if len(obs) > 1 else obs) if x is not None]
        printed = " ".join(shown) or leaf.raw
        official = spec.fmt.field(f"t3.{spec.row_key}.{columns[0]}").row
        altered = leaf.raw in renumbered
        if parse_label(official[-1]).short != leaf.short and not _wrapped(grid, r, leaf, official[-1]):
            out.notes.append(f"表三 “{leaf.raw}”按官方的“{official[-1]}”读入（标签不完全相同）")
            altered = True
        if spec.fmt is not target and spec.row_key not in target_rows:
            out.versions.setdefault("表三", {}).setdefault(spec.fmt.version, []).append(
                (official[-1], place(r, f"表三 “{printed}”")))
        keys = _target_row(spec.row_key, target_rows, out, official)
        if keys is None:
            continue
        row_key, zeros = keys
        matched += 1
        add = "sum" in zeros
        if f"t3.{row_key}.{columns[0]}" in out.cells and not add:
            out.notes.append(f"表三 “{printed}”出现了不止一次，只读入第一次")
            if placed.values is not None and table.index not in state.setdefault("twice", set()):
                printed_twice(out, state["twice"], table.index, [f"t3.{row_key}.{col}" for col in columns],
                               [parse_value(cell.text if (cell := placed.values[c]) else "").value for c in columns],
                               place(r, f"表三 “{printed}”"))
            continue
        if altered:
            label_altered(out, [f"t3.{row_key}.{col}" for col in columns], place(r, f"表三 “{printed}”"),
                          f"表三 行名“{leaf.raw}”与官方格式的“{official[-1]}”不一致")
        if placed.values is None:
            unplaced(out, [f"t3.{row_key}.{col}" for col in columns], place(r, f"表三 “{printed}”"), placed.problem)
            continue
        out.notes.extend(f"{place(r, f'表三 “{printed}”')}：{note}" for note in placed.notes)
        for col in columns:
            key = f"t3.{row_key}.{col}"
            _put(out, key, placed.values[col], place(r, f"表三 “{printed}” {target.field(key).column[-1]}"), add)
        for z in zeros.get("zero", ()):
            for col in columns:
                key = f"t3.{z}.{col}"
                out.data.setdefault(key, 0)
                out.cells.setdefault(key, place(r, f"表三 “{printed}”（本行未列出，按 0 计）"))
    return matched


def _target_row(row_key: str, target_rows: list[str], out: Imported, official: tuple[str, ...]):
    """The row of the report year's format that holds a row of either version."""
    if row_key in target_rows:
        return row_key, {}
    children = [k for k in target_rows if k.startswith(row_key + ".")]
    if children:  # V2019 single row in a V2021 table: its value is the catch-all last row's
        fmt = out.fmt
        labels = [fmt.field(f"t3.{k}.total").row[-1] for k in children]
        out.notes.append(f"表三 “{official[-1]}”只有一行（2019 版格式）：按 {out.fmt.version} 版的“{labels[-1]}”读入，"
                         f"“{'”“'.join(labels[:-1])}”按 0 计")
        return children[-1], {"zero": children[:-1]}
    parent = ".".join(split_key(row_key)[:-1])
    if parent in target_rows:  # V2021 sub-row in a V2019 table: summed into the single row
        return parent, {"sum": (parent,)}
    out.notes.append(f"表三 “{official[-1]}”在本年度的格式中没有对应的行，未读入")
    return None


