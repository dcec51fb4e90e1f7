"""Document → report data: map the tables and text of a published report to data keys.

It is over 500 lines because matching tables, cover and text is one algorithm over shared normalisation; split, its parts would only call each other.

Every label used here comes from the format declarations (formats/v2019.py,
formats/v2021.py through spec.Field.place/row/column, ReportFormat.sections and
.texts); nothing is typed a second time. Both versions are matched at once, so
a table of the other version (or one row of it) is recognised, reported with
`format-version`, and still mapped where the key means the same in the
report year's version.

How a label is recognised (see `similarity` and `_row_score`):
- text is normalised: NFKC (full-width → half-width), whitespace and
  punctuation dropped; a leading number (一、 / （三） / 2.) is split off;
- numbering decides where it exists (the structure is trusted over the words):
  a row numbered （三）… 2. is compared only with the official rows so numbered,
  and accepted when its words are at least loosely similar (score ≥ ACCEPT);
- words are compared with difflib's ratio, or — for abbreviations such as
  「1.逾期不补正」 — by how much of the shorter label appears in order in the
  longer one; parenthesised annotations are compared with and without.

"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from xlreport.model.report import Problem, problem
from xlreport.errors import InputError
from xlreport.model.formats import FORMATS, format_for_year
from xlreport.model.spec import ReportFormat
from xlreport.checks.cover import INFERRED
from xlreport.io.importers.document import Cell, Document, Paragraph, Table
from xlreport.io.importers.name import agency_kind, find_agency

ACCEPT = 0.6  # a row label is taken when its score reaches this
LABEL_MIN = 0.6  # an unnumbered label (table 二 items and headers, section headings)
T4_VALUES = 15

CN_DIGITS = "〇一二三四五六七八九十"
_TOP = re.compile(r"^([一二三四五六七八九十]+)[、.,，]")
_PAREN = re.compile(r"^[(]([一二三四五六七八九十]+)[)]")
_ARABIC = re.compile(r"^(\d{1,2})[.、,，](?!\d)")
_PARENTHESES = re.compile(r"[(][^()]*[)]")
_DROP = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"^([+\-]?)(\d+(?:\.\d+)?)(万元|元|件|个|条|项|次|%)?(?:[(](.*)[)])?(.*)$")
EMPTY_MARKS = {"-", "--", "—", "——", "/", "无", "\\", "–", "-", "~"}


# ---------------------------------------------------------------------------
# Text normalisation and similarity


def nfkc(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u2212", "-").replace("\u2014", "—").replace("\u2013", "-")


@dataclass(frozen=True)
class Label:
    raw: str
    kind: str  # "top" 一、, "paren" （一）, "arabic" 1., "" none
    number: int
    words: str  # normalised words, numbering removed
    short: str  # words without parenthesised annotations


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS.index(text[1])
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_DIGITS.index(tens) * 10 + (CN_DIGITS.index(ones) if ones else 0)
    return CN_DIGITS.index(text[0])


@functools.lru_cache(maxsize=65536)
def parse_label(raw: str) -> Label:
    text = re.sub(r"\s+", "", nfkc(raw))
    kind, number = "", 0
    for k, pattern in (("top", _TOP), ("paren", _PAREN), ("arabic", _ARABIC)):
        m = pattern.match(text)
        if m:
            kind = k
            number = int(m.group(1)) if k == "arabic" else _cn_number(m.group(1))
            text = text[m.end():]
            break
    words = _DROP.sub("", text)
    short = _DROP.sub("", _PARENTHESES.sub("", text)) or words
    return Label(raw, kind, number, words, short)


def _coverage(a: str, b: str) -> float:
    """Share of the shorter string found, in order, in the longer (abbreviations)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 2:
        return 0.0
    blocks = difflib.SequenceMatcher(None, short, long, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(short)


def similarity(a: Label, b: Label) -> float:
    """0..1 between the words of two labels (numbering ignored)."""
    return _similarity(a.words, a.short, b.words, b.short)


@functools.lru_cache(maxsize=1 << 18)  # the same labels recur in every report
def _similarity(a_words: str, a_short: str, b_words: str, b_short: str) -> float:
    best = 0.0
    for x, y in ((a_words, b_words), (a_short, b_short)):
        if not x or not y:
            continue
        if x == y:
            return 1.0
        ratio = difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
        best = max(best, ratio, 0.9 * _coverage(x, y) if min(len(x), len(y)) >= 2 else 0.0)
    return best


# ---------------------------------------------------------------------------
# Cell values


@dataclass(frozen=True)
class Value:
    value: Any  # int/float, None (blank) or the text when it is not a number
    note: str = ""  # what was dropped or why it is blank
    status: str = "number"  # "number", "blank", "empty-mark", "text"
    unit: str = ""


@functools.lru_cache(maxsize=65536)
def parse_value(raw: str) -> Value:
    spaced = re.sub(r"(?<=\d)[,，]\s*(?=\d{3}(?!\d))", "", nfkc(raw or "").strip())  # 1,234 / 1，234
    text = re.sub(r"\s+", "", spaced)
    if re.search(r"\d\s+\d", spaced):  # 「1 2」: two cells merged by the extraction (PDF), not 12
        return Value(raw.strip(), f"“{' '.join(raw.split())}”一格中有两个数（可能是相邻的两格被合在一起），原样读入，请核对", "text")
    if not text:
        return Value(None, "", "blank")
    if text in EMPTY_MARKS or set(text) <= set("-—/\\–~"):
        return Value(None, f"写作“{raw.strip()}”，按空白读入（没有的应填 0）", "empty-mark")
    cleaned = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)
    m = _NUMBER.match(cleaned)
    if not m or (m.group(5) and not m.group(5).startswith(("(", "（"))):
        return Value(raw.strip(), f"“{raw.strip()}”不是数字，原样读入", "text")
    sign, digits, unit, inside, rest = m.groups()
    number: int | float = float(digits) if "." in digits else int(digits)
    if sign == "-":
        number = -number
    notes = []
    if unit:
        notes.append(f"去掉单位“{unit}”")
    if inside:
        notes.append(f"括号内注释“{inside}”未计入")
    if rest:
        notes.append(f"其后的“{rest}”未计入")
    return Value(number, "，".join(notes), "number", unit or "")


# ---------------------------------------------------------------------------
# What the formats declare, prepared for matching (cached per format)


@dataclass
class RowSpec:
    fmt: ReportFormat
    row_key: str  # "denied.state_secret"
    path: tuple[Label, ...]
    order: int


@dataclass
class ItemSpec:
    fmt: ReportFormat
    title: Label  # 第二十条第（一）项
    label: Label  # 规章
    prefix: str  # t2.rules
    columns: tuple[tuple[str, Label], ...]  # (column key, header)


_CACHE: dict[str, Any] = {}


def _t3_rows(fmt: ReportFormat) -> list[RowSpec]:
    out: list[RowSpec] = []
    seen: set[str] = set()
    for f in fmt.fields:
        if f.table == "t3" and f.row:
            row_key = f.key[3:].rsplit(".", 1)[0]
            if row_key not in seen:
                seen.add(row_key)
                out.append(RowSpec(fmt, row_key, tuple(parse_label(x) for x in f.row), len(out)))
    return out


def _t3_columns(fmt: ReportFormat) -> list[str]:
    return [f.key.rsplit(".", 1)[1] for f in fmt.fields if f.key.startswith("t3.new.")]


def _t2_items(fmt: ReportFormat) -> list[ItemSpec]:
    items: dict[str, ItemSpec] = {}
    for f in fmt.fields:
        if f.table != "t2" or len(f.row) != 2 or f.type == "choice":
            continue
        prefix, col = f.key.rsplit(".", 1)
        if prefix not in items:
            items[prefix] = ItemSpec(fmt, parse_label(f.row[0]), parse_label(f.row[1]), prefix, ())
        spec = items[prefix]
        spec.columns = (*spec.columns, (col, parse_label(f.column[-1])))
    return list(items.values())


def prepared() -> dict[str, Any]:
    if not _CACHE:
        _CACHE["rows"] = [r for fmt in FORMATS.values() for r in _t3_rows(fmt)]
        _CACHE["items"] = [i for fmt in FORMATS.values() for i in _t2_items(fmt)]
    return _CACHE


# ---------------------------------------------------------------------------
# The result


@dataclass
class Imported:
    fmt: ReportFormat
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # table → version → [(printed label, where)]: rows and columns of the other version
    versions: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)


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


# ---------------------------------------------------------------------------
# Table 三


def _is_value_like(c: Cell) -> bool:
    return parse_value(c.text).status != "text"


def _row_score(obs: list[Label], spec: RowSpec) -> float:
    if len(obs) != len(spec.path):
        return 0.0
    total, weight = 0.0, 0.0
    for i, (o, s) in enumerate(zip(obs, spec.path)):
        w = 2.0 if i == len(obs) - 1 else 1.0
        if o.kind and s.kind:
            if (o.kind, o.number) != (s.kind, s.number):
                return 0.0
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


def match_t3(table: Table, out: Imported, target: ReportFormat, state: dict | None = None) -> int:
    """Table 三's rows. `state` carries the group labels and the last row across the parts of
    a table split over pages (a part may start with 「2.没有现成信息…」 and no group label)."""
    rows = prepared()["rows"]
    columns = _t3_columns(target)
    n = len(columns)
    place = Place(table)
    target_rows = [r.row_key for r in _t3_rows(target)]
    state = state if state is not None else {}
    context: list[Label | None] = state.setdefault("context", [None, None, None])
    matched = 0
    last_order = state.get("last_order", -1)
    for r, cells in enumerate(_rows(table)):
        no_values = len(cells) < n + 1 or not any(c.text.strip() for c in cells[-n:])
        if no_values or not any(_is_value_like(c) for c in cells[-n:]):
            # a header row, or a group label on a line of its own (「（六）其他处理」 above 1. 2. 3.)
            group = [parse_label(c.text) for c in cells if c.text.strip()]
            if len(group) == 1 and _is_group(group[0], rows):
                level = _LEVEL[group[0].kind]
                context[level:] = [group[0]] + [None] * (2 - level)
            continue
        values, labels = cells[-n:], [c for c in cells[:-n] if c.text.strip()]
        if not labels:
            continue
        parsed = [parse_label(c.text) for c in labels]
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
        # named as messages name a row (formats/_build.row_label): the labels below the outermost group
        shown = [x.raw for x in (obs[1:] if len(obs) > 1 else obs) if x is not None]
        printed = " ".join(shown) or leaf.raw
        official = spec.fmt.field(f"t3.{spec.row_key}.{columns[0]}").row
        if parse_label(official[-1]).short != leaf.short:
            out.notes.append(f"表三 “{leaf.raw}”按官方的“{official[-1]}”读入（标签不完全相同）")
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
            continue
        for col, cell in zip(columns, values):
            key = f"t3.{row_key}.{col}"
            _put(out, key, cell, place(r, f"表三 “{printed}” {target.field(key).column[-1]}"), add)
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
    parent = row_key.rsplit(".", 1)[0]
    if parent in target_rows:  # V2021 sub-row in a V2019 table: summed into the single row
        return parent, {"sum": (parent,)}
    out.notes.append(f"表三 “{official[-1]}”在本年度的格式中没有对应的行，未读入")
    return None


def _put(out: Imported, key: str, cell: Cell | None, where: str, add: bool = False) -> None:
    v = parse_value(cell.text if cell else "")
    if add and isinstance(out.data.get(key), (int, float)) and isinstance(v.value, (int, float)):
        out.data[key] += v.value  # a V2021 sub-row summed into the V2019 single row
        out.cells[key] += f"、{where}"
        return
    out.cells[key] = where
    out.data[key] = v.value
    unit = out.fmt.field(key).unit if out.fmt.has(key) else ""
    if v.unit and unit and v.unit != unit:  # 「73802895.90元」 under 本年收费金额（单位：万元）
        out.notes.append(f"{where}：写的单位是“{v.unit}”，表头的单位是“{unit}”，数值未换算，请核对")
    elif v.status in ("empty-mark", "text") or v.note:
        out.notes.append(f"{where}：{v.note}")
    elif v.status == "blank":
        out.notes.append(f"{where}：空白（没有的应填 0）")


# ---------------------------------------------------------------------------
# Table 二


def match_t2(table: Table, out: Imported, target: ReportFormat, caption: str) -> int:
    items = prepared()["items"]
    place = Place(table)
    title = parse_label(caption) if caption else None
    headers: list[Label] = []
    matched = 0
    for r, cells in enumerate(_rows(table)):
        texts = [c for c in cells if c.text.strip()]
        if not texts:
            continue
        first = parse_label(texts[0].text)
        if len(texts) == 1 and not _is_value_like(texts[0]):  # a title row 第二十条第（X）项
            title = first
            headers = []
            continue
        rest = cells[cells.index(texts[0]) + 1:]
        if rest and not any(_is_value_like(c) for c in rest):  # a header row 信息内容 | 本年制发件数 …
            headers = [parse_label(c.text) for c in rest]
            continue
        scored = []
        for spec in items:
            score = similarity(first, spec.label)
            if title is not None and score >= LABEL_MIN:
                score += 0.1 * similarity(title, spec.title)
            if headers:
                score += 0.1 * max(similarity(headers[0], h) for _, h in spec.columns)
            score += 0.01 if spec.fmt is target else 0
            scored.append((score, spec))
        score, spec = max(scored, key=lambda x: x[0])
        if score < LABEL_MIN:
            if any(_is_value_like(c) and c.text.strip() for c in rest):
                out.notes.append(f"表二 第{table.index}张表第{r + 1}行“{texts[0].text}”不是官方表格的行，未读入")
            continue
        matched += 1
        # The item is known by its label; its columns by the headers, in either version
        # (「规范性文件」 is the V2019 label, but a V2021 table may print it under V2021 headers).
        same = [i for i in items if i.prefix == spec.prefix]
        same.sort(key=lambda i: i.fmt is not target)
        cols = _t2_columns(same, headers, len(rest), out)
        heading = same[0].fmt.field(f"{spec.prefix}.{same[0].columns[0][0]}").row[0]
        for cell, col in zip(rest, cols):
            if col is None:
                continue
            col_spec, col = col
            key = f"{spec.prefix}.{col}"
            header = next(h.raw for k, h in col_spec.columns if k == col)
            if not target.has(key):
                out.versions.setdefault("表二", {}).setdefault(col_spec.fmt.version, []).append(
                    (header, place(r, f"表二 {heading} “{texts[0].text}” {header}")))
                if cell.text.strip():
                    out.notes.append(f"表二 {heading} “{texts[0].text}” {header}（{cell.text}）是 {col_spec.fmt.version} "
                                     f"版格式的项目，{target.version} 版格式中没有，未读入")
                continue
            where = place(r, f"表二 {heading} “{texts[0].text}” {target.field(key).column[-1]}")
            _put(out, key, cell, where)
            unit = parse_value(cell.text).unit
            if unit and target.has(f"{key}_unit"):  # V2019 采购总金额 printed with 元 or 万元
                if unit in [v for v, _ in target.field(f"{key}_unit").choices]:
                    out.data[f"{key}_unit"] = unit
                    out.cells[f"{key}_unit"] = where
    return matched


def _t2_columns(specs: list[ItemSpec], headers: list[Label], n: int, out: Imported):
    """(spec, column key) per value cell: by the headers where there are as many, else by position
    in the report year's version (the first spec)."""
    if not headers or len(headers) != n:
        keys = [(specs[0], k) for k, _ in specs[0].columns]
        return keys[:n] + [None] * max(0, n - len(keys))
    cols = []
    for h in headers:
        best = max(((similarity(h, lab) + (0.01 if i == 0 else 0), spec, k)
                    for i, spec in enumerate(specs) for k, lab in spec.columns), key=lambda x: x[0])
        cols.append((best[1], best[2]) if best[0] >= LABEL_MIN else None)
        if best[0] < LABEL_MIN:
            out.notes.append(f"表二 表头“{h.raw}”不是官方表头，该列未读入")
    return cols


# ---------------------------------------------------------------------------
# Table 四


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


# ---------------------------------------------------------------------------
# Which table is which


def _classify(table: Table) -> str:
    rows = prepared()["rows"]
    items = prepared()["items"]
    cells_text = "".join(c.text for c in table.cells)
    t3_words = {label.words for s in rows for label in s.path}
    t3_hits = 0
    t2_hits = 0
    long_numeric = False
    for cells in _rows(table):
        texts = [c for c in cells if c.text.strip()]
        if not texts:
            continue
        if len(cells) >= T4_VALUES and sum(parse_value(c.text).status == "number" for c in cells) >= 10:
            long_numeric = True
        lab = parse_label(texts[0].text)
        # cheap tests only (this runs on every table): a numbered or official label on a
        # row as wide as table 三; an item label of table 二
        if len(cells) >= 8 and (lab.kind or lab.words in t3_words):
            t3_hits += 1
        if not lab.kind and len(lab.words) >= 2 and any(similarity(lab, i.label) >= 0.8 for i in items):
            t2_hits += 1
    if t3_hits >= 3:
        return "t3"
    if long_numeric and ("复议" in cells_text or "诉讼" in cells_text):
        return "t4"
    if t2_hits:
        return "t2"
    if long_numeric:
        return "t4"
    return ""


# ---------------------------------------------------------------------------
# Cover: agency, year, kind


_YEAR = re.compile(r"(20\d\d)\s*年(?:度)?")
_PERIOD = re.compile(r"自\s*(20\d\d)\s*年\s*1\s*月\s*1\s*日[^。；]{0,6}?至\s*(20\d\d)\s*年\s*12\s*月\s*31\s*日")


# ---------------------------------------------------------------------------
# Text sections


# Words every heading may add or drop (「（一）主动公开情况」, 「公开平台建设方面」): ignored
# when comparing section and sub-section headings.
_FILLERS = re.compile("政府信息公开|情况|方面|工作")


def _heading_label(text: str) -> Label:
    lab = parse_label(text)
    words = _FILLERS.sub("", lab.words) or lab.words
    short = _FILLERS.sub("", lab.short) or lab.short
    return Label(lab.raw, lab.kind, lab.number, words, short)


_HEADING = re.compile(r"^([一二三四五六七八九十]+)[、.,，]")
_SUB = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]")

# Wordings of the six section headings that published reports use besides the official ones (the
# official ones are the formats' SECTIONS, from 国办公开办函〔2019〕60号 and 〔2021〕30号): a heading
# is recognised by its words against these too, never by its number alone (「二、做好信息发布。」 in a
# numbered list is text).
HEADING_VARIANTS = {
    "一": ("概述",),
    "二": ("主动公开情况",),
    "三": ("依申请公开情况", "依申请公开政府信息情况"),
    "四": ("行政复议和行政诉讼情况", "行政复议行政诉讼情况"),
    "五": ("存在的主要问题及整改措施", "存在的问题及改进措施", "主要问题及改进措施"),
    "六": ("其他事项",),
}


def _section_labels(fmt: ReportFormat) -> list[tuple[Any, list[Label]]]:
    """Each section with the labels of its official heading and of its known variants."""
    return [(s, [_heading_label(s.heading)]
             + [_heading_label(f"{s.number}、{v}") for v in HEADING_VARIANTS.get(s.number, ())])
            for s in fmt.sections]


def _split_sections(paragraphs: list[Paragraph], fmt: ReportFormat, out: Imported,
                    pages: dict[str, int] | None = None) -> dict[str, list[str]]:
    """The text of each text key. A line starts a section only when its words match the section's
    heading (or a known variant): well anywhere, loosely (with a note) only as the next section;
    any other numbered line is text of the current section. `pages` gets the page of each text."""
    sections = _section_labels(fmt)
    order = [s.number for s in fmt.sections]
    subs = [(t, _heading_label(t.label)) for t in fmt.texts if t.key.startswith("text.overview.")]
    labels = {t.key: t.label for t in fmt.texts}
    pages = pages if pages is not None else {}
    found: dict[str, list[str]] = {}
    current: str | None = None  # a text key, or "" inside a section without text (二 三 四)
    in_overview = False
    seen_sections: set[str] = set()
    last = -1  # index in `order` of the last section read
    heading = ""  # the official heading of the section being read

    def add(key: str, text: str, page: int | None) -> None:
        found.setdefault(key, []).append(text)
        if page is not None:
            pages.setdefault(key, page)

    for p in paragraphs:
        text = p.text.strip()
        m = _HEADING.match(nfkc(text))
        if m and len(text) <= 40:
            lab = _heading_label(text)
            score, section = max(((max(similarity(lab, x) for x in xs), s) for s, xs in sections),
                                 key=lambda x: x[0])
            in_order = order.index(section.number) > last
            if section.number not in seen_sections and (
                    score >= 0.9 or (score >= LABEL_MIN and order.index(section.number) == last + 1)):
                seen_sections.add(section.number)
                last = order.index(section.number)
                current = section.text_key or ""
                heading = section.heading
                in_overview = section.number == "一"
                if score < 0.9:
                    out.notes.append(f"正文标题“{text}”按官方的“{section.heading}”读入，请核对")
                if not in_order:
                    out.notes.append(f"正文标题“{text}”的位置与官方格式的顺序不同，请核对")
                continue
            numbered = next((s for s in fmt.sections if s.number == m.group(1)), None)
            if numbered is not None and numbered.number not in seen_sections and current is not None:
                taken = f"按“{labels[current]}”的正文读入" if current else f"它在“{heading}”中，该部分没有文字项，未读入"
                out.notes.append(f"“{text}”编号像“{numbered.heading}”，但文字不同，不作为标题：{taken}；"
                                 f"如果它是该部分的标题，请核对")
        m = _SUB.match(text)
        if in_overview and m:
            head, sep, body = text.partition("。")
            lab = _heading_label(head if sep or len(text) <= 30 else text[:20])
            sub_scored = sorted(((similarity(lab, sl), t) for t, sl in subs), key=lambda x: -x[0])
            score, sub = sub_scored[0]
            if score >= LABEL_MIN and sub.key != current:  # (the same heading again is text: 「（一）主动公开方面…」)
                current = sub.key
                if score < 0.9:
                    out.notes.append(f"“一、总体情况”的小标题“{head}”按官方的“{sub.label}”读入")
                body = body.strip() if sep else ("" if len(text) <= 30 else text)
                found.setdefault(current, [])
                if body:
                    add(current, body, p.page)
                continue
            if score < LABEL_MIN:
                out.notes.append(f"“一、总体情况”的小标题“{head}”不是官方的五个小标题之一，其内容并入上一部分")
        if current:
            add(current, text, p.page)
        elif current == "" and len(text) >= 15 and "。" in text:  # prose where the format keeps no text
            out.notes.append(f"“{heading}”中的文字“{text[:20]}…”不属于任何文字项，未读入")
    return found


# ---------------------------------------------------------------------------
# The whole document


def match_document(doc: Document, year_hint: int | None = None) -> Imported:
    paragraphs = doc.paragraphs
    name = find_agency([p.text for p in paragraphs], doc.titles, doc.path)
    year, title_at = name.year, name.line
    period = None
    for p in paragraphs[:10]:
        m = _PERIOD.search(re.sub(r"\s+", "", nfkc(p.text)))
        if m:
            period = int(m.group(2))
            break
    year = period or year or year_hint
    if year is None:
        for p in paragraphs[:3]:
            m = _YEAR.search(p.text)
            if m:
                year = int(m.group(1))
                break
    fmt = format_for_year(year) if year else FORMATS["2021"]
    out = Imported(fmt)
    out.notes.extend(doc.notes)
    if year is None:
        out.notes.append("未能从标题或统计期限中读出报告年度，按 2021 版格式读取；请在数据文件中填写 meta.year")
    out.notes.extend(name.notes)
    if name.name:
        out.data["meta.agency"] = name.name
        out.cells["meta.agency"] = name.source
        kind, rules = agency_kind(name.name)
        if kind:
            out.data["meta.agency_kind"] = kind
            out.data["meta.can_make_rules"] = rules
            out.cells["meta.agency_kind"] = out.cells["meta.can_make_rules"] = INFERRED
            out.notes.append(f"机关类型（{dict(fmt.field('meta.agency_kind').choices)[kind]}）和有规章制定权"
                             f"（{'是' if rules else '否'}）是按机关名称推断的，请核对")
    if year:
        out.data["meta.year"] = year
        out.cells["meta.year"] = "统计期限" if period else "标题"

    caption = ""
    found = set()
    t3_state: dict = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            caption = block.text
            continue
        kind = _classify(block)
        if kind == "t3":
            match_t3(block, out, fmt, t3_state)
        elif kind == "t4":
            match_t4(block, out, fmt)
        elif kind == "t2":
            match_t2(block, out, fmt, caption if _SUB.search(nfkc(caption)) or "第二十条" in caption else "")
        else:
            out.notes.append(f"第{block.index}张表未能识别为表二、表三或表四，未读入")
            continue
        found.add(kind)
        caption = ""
    for tid in ("t2", "t3", "t4"):
        if tid not in found:
            out.notes.append(f"没有找到{fmt.table(tid).name}")
    missing = [f.key for f in fmt.input_fields if f.table in found and f.key not in out.data and f.required]
    if missing:
        out.notes.append(f"{len(missing)} 个数值没有在表格中找到：" + "、".join(fmt.field(k).where for k in missing[:5])
                         + ("等" if len(missing) > 5 else ""))
    _version_problems(out, fmt, year)

    body = [p for i, p in enumerate(paragraphs) if i > title_at]
    _contact(body[:8], out)
    pages: dict[str, int] = {}
    texts = _split_sections(body, fmt, out, pages)
    _generated(texts, out, pages)
    for key, parts in texts.items():
        out.data[key] = "\n".join(parts)
        out.cells[key] = text_place(fmt, key, pages)
    return out


def text_place(fmt: ReportFormat, key: str, pages: dict[str, int]) -> str:
    """Where a text was printed: 「第1页 正文 （二）依申请公开」 (the page where the Document has pages)."""
    label = next((t.label for t in fmt.texts if t.key == key), fmt.field(key).place if fmt.has(key) else key)
    page = pages.get(key)
    return f"第{page}页 正文 {label}" if page is not None else f"正文 {label}"


_CONTACT = re.compile(r"如对本报告有疑问，?请与(?P<who>[^（(]+?)联系[（(](?P<details>[^）)]*)[）)]")
_CONTACT_FIELDS = {"地址": "meta.address", "邮编": "meta.postcode", "邮政编码": "meta.postcode",
                   "电话": "meta.phone", "联系电话": "meta.phone", "电子邮箱": "meta.email", "邮箱": "meta.email"}


def _contact(paragraphs: list[Paragraph], out: Imported) -> None:
    """The cover's contact data from 「如对本报告有疑问，请与…联系（地址：…，邮编：…）」."""
    for p in paragraphs:
        m = _CONTACT.search(p.text)
        if not m:
            continue
        who = m.group("who").strip()
        agency = out.data.get("meta.agency") or ""
        office = who[len(agency):] if agency and who.startswith(agency) and len(who) > len(agency) else who
        out.data["meta.office"] = office
        out.cells["meta.office"] = "正文 联系方式"
        for part in re.split(r"[，,；;]", m.group("details")):
            label, sep, value = part.partition("：") if "：" in part else part.partition(":")
            key = _CONTACT_FIELDS.get(label.strip())
            if sep and key and value.strip():
                out.data[key] = value.strip()
                out.cells[key] = "正文 联系方式"
        return


# The sentences `xlreport render` writes itself (report/sentences.py): a report it made is read back
# without them, and 六's fee sentence gives back fee.count / fee.amount_yuan. They are compared
# without whitespace (a PDF may put a space or a line break into a wrapped sentence), and a
# sentence may come split over two paragraphs (a wrapped line taken for a paragraph end).
_FEE = (
    (re.compile(r"^本年度未收取信息处理费。$"), lambda m: (0, 0)),
    (re.compile(r"^本年度共对(\d+)件政府信息公开申请收取信息处理费,合计([\d.]+)元。$"),
     lambda m: (int(m.group(1)), float(m.group(2)) if "." in m.group(2) else int(m.group(2)))),
    (re.compile(r"^本年度收取信息处理费合计([\d.]+)元。$"),
     lambda m: (0, float(m.group(1)) if "." in m.group(1) else int(m.group(1)))),
)


def _squeeze(text: str) -> str:
    """For comparing sentences: NFKC (「，」 → 「,」), whitespace dropped."""
    return re.sub(r"\s+", "", nfkc(text))


def _drop_sentence(parts: list[str], is_it) -> tuple[list[str], Any]:
    """`parts` without the generated sentence at its start (one paragraph, or two that join into
    it), and what `is_it` said of it; `parts` unchanged and None when it is not there."""
    for n in (1, 2):
        if len(parts) >= n:
            found = is_it(_squeeze("".join(parts[:n])))
            if found:
                return parts[n:], found
    return parts, None


def _generated(texts: dict[str, list[str]], out: Imported, pages: dict[str, int] | None = None) -> None:
    from xlreport.model.numbers import evaluate
    from xlreport.io.importers.fees import read_fees
    from xlreport.model.sentences import on_request_sentence

    fmt = out.fmt
    pages = pages if pages is not None else {}
    if fmt.has("fee.count") and texts.get("text.other"):
        def fee(text: str):
            for pattern, values in _FEE:
                m = pattern.match(text)
                if m:
                    return values(m)
            return None
        texts["text.other"], values = _drop_sentence(texts["text.other"], fee)
        where = text_place(fmt, "text.other", pages)
        if values:
            out.data["fee.count"], out.data["fee.amount_yuan"] = values
            out.cells["fee.count"] = out.cells["fee.amount_yuan"] = where
        else:  # the report's own words (docs/published-reports.md: 信息处理费)
            label = text_place(fmt, "text.other", {}).removeprefix("正文 ")
            reading = read_fees("\n".join(texts["text.other"]), label)
            out.notes.extend(reading.notes)
            for key, value in (("fee.count", reading.count), ("fee.amount_yuan", reading.amount)):
                if value is not None:
                    out.data[key] = value
                    out.cells[key] = where
    sentence = _squeeze(on_request_sentence(evaluate(out.data, fmt).numbers, fmt))
    if not sentence:
        return
    for key in ("text.overview.on_request", "text.overview"):
        parts = texts.get(key, [])
        for i in range(len(parts)):
            rest, found = _drop_sentence(parts[i:], lambda text: text == sentence)
            if found:
                texts[key] = parts[:i] + rest
                return


def _version_problems(out: Imported, fmt: ReportFormat, year: int | None) -> None:
    for name, versions in out.versions.items():
        for version, labels in versions.items():
            if version == fmt.version:
                continue
            other = FORMATS[version]
            shown = "、".join(dict.fromkeys(label for label, _ in labels))
            year_text = f"报告年度为 {year} 年，" if year else ""
            p = problem("format-version", ["meta.year"],
                        f"{year_text}应使用 {fmt.version} 版格式，但{name}中“{shown}”是 {other.version} 版格式的写法；"
                        f"能确定含义的数值已按 {fmt.version} 版读入，请按 {fmt.version} 版格式更正",
                        expected=fmt.version, actual=other.version)
            out.problems.append(replace(p, cells=tuple(dict.fromkeys(where for _, where in labels))))


def import_report(path: str | Path):
    """A published report file as a `data.Report` (cells = where each value was printed)."""
    from xlreport.model.report import Report
    from xlreport.io.importers import extract

    doc = extract(path)
    result = match_document(doc)
    name = Path(path).name
    has_tables = any(k.startswith(("t2.", "t3.", "t4.")) for k in result.data)
    if not has_tables and "meta.year" not in result.data:
        raise InputError(f"“{name}”中既没有找到年度报告的表格，也没有找到报告年度，不像政府信息公开工作年度报告；"
                         f"请确认文件内容（扫描件或图片中的表格无法读取）")
    report = Report(str(path), result.fmt, result.data, result.cells, result.problems)
    report.notes = result.notes
    return report
