"""Vocabulary for describing an official report format as data.

Nothing here knows a particular format: `formats/v2019.py` and `formats/v2021.py`
use these types to declare every field, label, merge and rule of their version.
The workbook writer, the checker, the Word template and the reader all derive
from those declarations. No I/O happens in this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ValueType = Literal["int", "signed", "decimal", "choice", "bool", "text"]
Severity = Literal["error", "warning"]
Role = Literal["title", "header", "label", "value", "note"]
Op = Literal["==", "<=", ">="]

NUMERIC_TYPES = ("int", "signed", "decimal")
# One sub-table of table 二: (title, value headers, [(item label, item name, value keys)]).
SubTable = tuple[str, tuple[str, ...], list[tuple[str, str, tuple[str, ...]]]]


def split_key(key: str) -> tuple[str, ...]:
    """The parts of a key written as text (data-model.md §2: dotted, lower-case ASCII):
    "meta.agency" → ("meta", "agency"). For keys read from files or declared as text, which
    need not be fields; a field's parts are its attributes (`Field.path`). The one place a
    key's text is taken apart (tests/model/test_key_parts.py)."""
    return tuple(key.split("."))


def key_table(key: str) -> str:
    """The first part of a key written as text: "meta", "text", "t3", "fee", "previous" …"""
    return split_key(key)[0]


@dataclass(frozen=True)
class Field:
    """One value of the report, addressed by its data-model key.

    `where` is the place as messages name it; `place`, `row` and `column` hold
    the same place as structured labels, exactly as printed in the official
    table (e.g. place 表三, row ("三、本年度办理结果", "（三）不予公开",
    "1.属于国家秘密"), column ("申请人情况", "法人或其他组织", "商业企业")), for
    code that needs the labels themselves (the workbook's prompts, importers).

    The key is made of parts (data-model.md §2), held here so that no module
    slices key strings: `table` . `row_key`… . `col_key` — t3.denied.state_secret.total
    is table "t3", row_key ("denied", "state_secret"), col_key "total"; meta.agency
    is table "meta", row_key ("agency",), no column; previous.t3.carried_forward.total
    is table "previous", row_key ("t3", "carried_forward"), col_key "total" (`source`
    is this year's key it carries). The builders give the parts; the key must be
    their join.
    """

    key: str
    table: str  # "meta", "t2", "t3", "t4", "fee", "previous"
    where: str  # official location in Chinese, e.g. 表三 “一、本年新收…” 自然人
    type: ValueType = "int"
    derived_from: tuple[str, ...] = ()  # non-empty: the value is the sum of these keys
    derived_rule: str = ""  # rule id that checks a published derived value
    derived_message: str = ""  # Chinese message of that check ({expected}, {actual})
    required: bool = True
    choices: tuple[tuple[str | bool, str], ...] = ()  # (stored value, label shown to people)
    unit: str = ""  # printed unit, e.g. 万元
    label: str = ""  # short label where the field stands alone (cover sheet, forms)
    place: str = ""  # the table or sheet: 表二, 表三, 表四, 封面, 上年数据 表三 …
    row: tuple[str, ...] = ()  # printed row labels, outermost first
    column: tuple[str, ...] = ()  # printed column headers, outermost first
    row_key: tuple[str, ...] = ()  # the key's parts between table and column: ("denied", "state_secret")
    col_key: str = ""  # the key's column part: "natural_person", "total"; "" for meta.* and fee.*
    unit_key: str = ""  # the key of the input that holds this value's unit (V2019 采购总金额's 元/万元)

    def __post_init__(self) -> None:
        if ".".join(self.path) != self.key:
            raise ValueError(f"field {self.key}: its parts {self.path} do not make its key")

    @property
    def path(self) -> tuple[str, ...]:
        """The key's parts in order, e.g. ("t3", "denied", "state_secret", "total"): the
        nested lookup of a template ({{ t3.denied.state_secret.total }})."""
        return (self.table, *self.row_key, *((self.col_key,) if self.col_key else ()))

    @property
    def name(self) -> str:
        """The key below its table: "agency" for meta.agency, "count" for fee.count."""
        return ".".join(self.path[1:])

    @property
    def source(self) -> str:
        """A field of last year's report (previous.*): the key of this year's field it
        carries (previous.t3.carried_forward.total → t3.carried_forward.total); else ""."""
        return self.name if self.table == "previous" else ""

    @property
    def group(self) -> str:
        """The group a table 三 row belongs to ("denied" for t3.denied.state_secret.*),
        or a table 四 group ("review"); "" where the row stands alone."""
        if self.table == "t3" and len(self.row_key) > 1:
            return self.row_key[0]
        return self.row_key[0] if self.table == "t4" else ""

    @property
    def is_total(self) -> bool:
        """The 总计 column or the （七）总计 row of its table."""
        return self.col_key == "total" or self.row_key == ("total",)

    @property
    def derived(self) -> bool:
        """The value is the sum of other fields (`derived_from`), e.g. a 总计."""
        return bool(self.derived_from)

    @property
    def numeric(self) -> bool:
        """The value is a number (int, signed or decimal)."""
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class GridCell:
    """A cell of an official table, in grid coordinates relative to the table.

    The workbook and the Word template both lay a table out from these cells, so
    merges (rowspan/colspan), labels and value positions are declared once.
    """

    row: int
    col: int
    role: Role
    text: str = ""
    key: str | None = None
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    """An official table (表二, 表三, 表四) as a grid of cells with its merges and column widths."""

    id: str  # "t2", "t3", "t4"
    name: str  # 表二 … (sheet name and the name used in messages)
    heading: str  # the section heading the table belongs to
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]
    label_cols: int  # leading columns that hold labels
    header_rows: int  # leading rows that are headers (repeated across pages)
    col_widths: tuple[float, ...] = ()  # column widths in characters
    extras: tuple[str, ...] = ()  # keys of inputs that belong to the table but not to its grid

    def value_cells(self) -> list[GridCell]:
        """The cells that hold values (each has a data key), in declaration order."""
        return [c for c in self.cells if c.role == "value"]

    def cell_for(self, key: str) -> GridCell:
        """The cell of data key `key` (KeyError if the table has none)."""
        for c in self.cells:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class Term:
    """One addend of a check: `coef` times the value of `key`."""

    key: str
    coef: int = 1


@dataclass(frozen=True)
class Check:
    """One instance of an arithmetic rule: `expected op actual` must hold.

    Evaluated in Python by `checks.py` and written as a native spreadsheet
    formula by the workbook writer, so both read the same declaration.
    """

    rule: str
    expected: tuple[Term, ...]
    actual: tuple[Term, ...]
    message: str  # Chinese; may use {expected} and {actual}
    op: Op = "=="
    unless_can_make_rules: bool = False  # only for t2-rules-authority

    @property
    def keys(self) -> tuple[str, ...]:
        """The data keys the check reads, each once, in order."""
        seen: dict[str, None] = {}
        for t in (*self.expected, *self.actual):
            seen.setdefault(t.key, None)
        return tuple(seen)


@dataclass(frozen=True)
class Rule:
    """A rule of the checker, named by its stable id (data-model.md: rule ids)."""

    id: str
    severity: Severity
    summary: str  # English, for the rule table of docs/rules.md
    title: str = ""  # Chinese, for the 校验 sheet
    native: bool = True  # also written as a native formula on the 校验 sheet


@dataclass(frozen=True)
class Section:
    """A numbered section of the report (一 … 六) and the key of its free text, if any."""

    number: str  # 一 … 六
    heading: str
    text_key: str | None = None
    table: str = ""  # the table printed in the section: "t2" for 二 … ("" where none)


@dataclass(frozen=True)
class Group:
    """A named group of values, declared once: an outcome group of table 三
    (（三）不予公开 over its eight rows) or a group of table 四 (行政复议)."""

    key: str  # "denied", "review"
    label: str  # as printed: （三）不予公开, 行政复议, 行政诉讼（复议后起诉）
    name: str  # the words without numbering, as prose uses them: 不予公开
    keys: tuple[str, ...]  # the data keys whose sum is the group's figure (总计 column / 总计 cell)
    total: str = ""  # the key of the group's own 总计 cell (table 四: t4.review.total); "" where none


@dataclass(frozen=True)
class TextField:
    """A free text of the report (text.* key) and the official heading it fills."""

    key: str
    label: str  # official heading or sub-heading it fills
    hint: str = ""
    section: str = ""  # the number of the section it belongs to: 一, 五, 六
    name: str = ""  # its name in a template: "overview", "proactive" ({{ text.overview.proactive }})
    parent: str = ""  # the key of the text it is a sub-heading of ("text.overview"), "" for a section's own text

    def __post_init__(self) -> None:
        if self.key != f"{self.parent or 'text'}.{self.name}":
            raise ValueError(f"text {self.key}: its parts ({self.parent!r}, {self.name!r}) do not make its key")

    @property
    def subheading(self) -> bool:
        """One of the sub-headings of its section (（一）主动公开 … of 一、总体情况)."""
        return bool(self.parent)


@dataclass(frozen=True, eq=False)  # one object per version: identity is equality (and hashing is cheap)
class ReportFormat:
    """One official version of the report (V2019, V2021): its years, sections, texts,
    tables, fields and checks, from which every output is derived."""

    version: str
    first_year: int
    last_year: int | None
    source: str
    sections: tuple[Section, ...]
    texts: tuple[TextField, ...]
    tables: tuple[Table, ...]
    fields: tuple[Field, ...]
    checks: tuple[Check, ...]
    previous: tuple[Field, ...] = ()
    # What differs between versions, declared rather than tested by version number:
    outcomes: tuple[Group, ...] = ()  # 三's result groups （一）…（六）, each summing its rows' 总计
    review_groups: tuple[Group, ...] = ()  # 四's groups, each with its part keys (维持 … 尚未审结)
    review_parts: tuple[tuple[str, str], ...] = ()  # 四's columns but 总计: (key, label)
    # 一's five sub-headings: printed (and required) always, or only when their text is filled in
    overview_subheadings: Literal["always", "when-filled"] = "always"
    _index: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = {f.key: f for f in (*self.fields, *self.previous)}
        if len(index) != len(self.fields) + len(self.previous):
            raise ValueError(f"duplicate keys in format {self.version}")
        self._index.update(index)

    def field(self, key: str) -> Field:
        """The field of data key `key`, last year's fields included (KeyError if unknown)."""
        return self._index[key]

    def has(self, key: str) -> bool:
        """Whether `key` is a field of this format."""
        return key in self._index

    def table(self, table_id: str) -> Table:
        """The table with this id ("t2", "t3", "t4"; KeyError if none)."""
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def section(self, number: str) -> Section:
        """The section numbered `number` (一 … 六; KeyError if none)."""
        for s in self.sections:
            if s.number == number:
                return s
        raise KeyError(number)

    def section_text(self, section: Section) -> TextField | None:
        """The section's own free text (一's overview, 五, 六), if it has one."""
        return next((t for t in self.texts if t.key == section.text_key), None)

    def subheadings(self, section: Section) -> tuple[TextField, ...]:
        """The sub-headings of a section with their texts, in order (一's five)."""
        return tuple(t for t in self.texts if t.subheading and t.section == section.number)

    @property
    def outline(self) -> tuple[tuple[Section, tuple[TextField, ...]], ...]:
        """The report's headings in order: each section with its sub-headings.
        The one declaration of the outline (the Word template, the web page, the importer)."""
        return tuple((s, self.subheadings(s)) for s in self.sections)

    def covers(self, year: int) -> bool:
        """Whether reports of `year` use this format."""
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def value_fields(self) -> tuple[Field, ...]:
        """Fields stored under "values" in a data file (everything but meta)."""
        return tuple(f for f in self.fields if f.table != "meta")

    @property
    def meta_fields(self) -> tuple[Field, ...]:
        """The cover's fields (meta.* keys)."""
        return tuple(f for f in self.fields if f.table == "meta")

    @property
    def input_fields(self) -> tuple[Field, ...]:
        """The value fields a person fills in (not the derived totals)."""
        return tuple(f for f in self.value_fields if not f.derived)

    def all_checks(self) -> tuple[Check, ...]:
        """Declared checks plus one check per derived field (its published total)."""
        if "checks" not in self._memo:  # the format never changes: build the list once
            self._memo["checks"] = self._build_checks()
        return self._memo["checks"]

    def _build_checks(self) -> tuple[Check, ...]:
        derived = tuple(
            Check(
                rule=f.derived_rule,
                expected=tuple(Term(k) for k in f.derived_from),
                actual=(Term(f.key),),
                message=f.derived_message,
            )
            for f in self.value_fields
            if f.derived and f.derived_rule
        )
        return derived + self.checks


# ---------------------------------------------------------------------------
# Builders shared by both format modules. They turn the official row/column
# lists into grid cells with the merges of the printed tables.


def matrix_cells(
    rows: list[tuple[str, tuple[str, ...]]],
    cols: list[str],
    key_prefix: str,
    first_row: int,
    label_cols: int,
) -> list[GridCell]:
    """Label cells for rows given as label paths, plus one value cell per column.

    A path shorter than `label_cols` spans the remaining label columns; a group
    label shared by consecutive rows is one vertically merged cell (e.g.
    三、本年度办理结果 over all result rows, （三）不予公开 over its eight rows).
    """
    cells: list[GridCell] = []
    for level in range(label_cols):
        i = 0
        while i < len(rows):
            path = rows[i][1]
            if level >= len(path):
                i += 1
                continue
            j = i + 1
            if level < len(path) - 1:  # a group label: merge over the rows sharing it
                while j < len(rows) and rows[j][1][: level + 1] == path[: level + 1]:
                    j += 1
            colspan = label_cols - level if level == len(path) - 1 else 1
            cells.append(
                GridCell(first_row + i, level, "label", path[level], rowspan=j - i, colspan=colspan)
            )
            i = j
    for r, (row_key, _) in enumerate(rows):
        for c, col_key in enumerate(cols):
            cells.append(
                GridCell(first_row + r, label_cols + c, "value", key=f"{key_prefix}.{row_key}.{col_key}")
            )
    return sorted(cells, key=lambda c: (c.row, c.col))


def sub_tables(
    blocks: list[SubTable],
    n_value_cols: int,
) -> tuple[list[GridCell], int]:
    """Table 二: stacked sub-tables, each a title row, a header row and item rows.

    Each block is (title, value headers, [(item label, item name, value keys)]): the
    item 规章 named "rules" has the keys t2.rules.<value key>.
    A block with fewer value columns than the widest lets its last column span
    the rest, as in the printed format (e.g. V2021 本年处理决定数量 spans three).
    """
    cells: list[GridCell] = []
    row = 0
    width = 1 + n_value_cols
    for title, headers, items in blocks:
        cells.append(GridCell(row, 0, "title", title, colspan=width))
        row += 1
        spans = _spans(len(headers), n_value_cols)
        cells.append(GridCell(row, 0, "header", "信息内容"))
        for (col, span), text in zip(spans, headers):
            cells.append(GridCell(row, 1 + col, "header", text, colspan=span))
        row += 1
        for label, item, keys in items:
            cells.append(GridCell(row, 0, "label", label))
            for (col, span), key in zip(spans, keys):
                cells.append(GridCell(row, 1 + col, "value", key=f"t2.{item}.{key}", colspan=span))
            row += 1
    return cells, row


def _spans(n: int, width: int) -> list[tuple[int, int]]:
    return [(i, 1 if i < n - 1 else width - i) for i in range(n)]
