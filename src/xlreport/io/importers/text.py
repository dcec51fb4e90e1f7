"""Plain text copied from a published report → Document.

Rows of a table are lines with cells separated by a tab or `|` (Markdown tables
with their `|---|` line included); consecutive such lines form one table. Every
other non-empty line is a paragraph. A first line `SOURCE: …` (the fixtures'
provenance line) is kept as a note, not as text. Blank cells stay blank; a
merged group label that appears only on the first row of its group is left as
it is (the matcher carries it down).
"""

from __future__ import annotations

import re
from pathlib import Path

from xlreport.errors import DamagedFile, TooLarge, read_error
from xlreport.io.importers.document import Cell, Document, Paragraph, Table

MAX_BYTES = 20 * 1024 * 1024
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")  # Markdown 「### 三、…」 from a PDF converter
# a page footer or header that a PDF's text keeps between table rows: 「— 1 —」, 「- 3 -」, 「第 1 页」, 「1/5」
_PAGE_NUMBER = re.compile(r"^[\s\-—–－―_·•]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－―_·•]*$")


def read_text(path: str | Path) -> Document:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise TooLarge(f"“{p.name}”有 {p.stat().st_size // 1024 // 1024} MB，不像年度报告的文本")
        raw = p.read_bytes()
    except OSError as exc:
        raise read_error(p, exc) from None
    if not raw.strip():
        raise DamagedFile(f"“{p.name}”是空文件，不是年度报告")
    if b"\x00" in raw[:4096]:
        raise DamagedFile(f"“{p.name}”不是文本文件（含有二进制内容），请确认文件类型")
    text = decode(raw, p.name)
    return parse_text(text, str(p))


def decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DamagedFile(f"“{name}”的文字编码无法识别，请用 UTF-8 编码保存后再导入")


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)  # a line break inside a Markdown table's cell (PDF converters)
_BAR = re.compile(r"(?<!\\)\|")  # a cell separator; 「\|」 is a bar inside a cell (Markdown)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _cell_text(part: str) -> str:
    """A text table's cell: 「<br>」 is a line break in the cell, 「\\|」 a bar in its text."""
    return _clean(_BREAK.sub(" ", part).replace("\\|", "|"))


def _is_row(line: str) -> bool:
    return "|" in line or "\t" in line


def parse_text(text: str, path: str = "") -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if sum("｜" in line for line in lines) >= 3:  # cells separated by the full-width bar (a copy through a Chinese IME)
        lines = [line.replace("｜", "|") for line in lines]
    notes: list[str] = []
    if lines and lines[0].lstrip("\ufeff").startswith("SOURCE:"):
        notes.append("来源说明：" + lines[0].split(":", 1)[1].strip())
        lines = lines[1:]
    blocks: list[Paragraph | Table] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(_table(pending, len([b for b in blocks if isinstance(b, Table)]) + 1))
            pending.clear()

    footers = 0
    for i, line in enumerate(lines):
        if _is_row(line) and line.strip():
            pending.append(line)
            continue
        if pending and _label_of_next_row(pending[-1], line, lines[i + 1:i + 2]):
            lines[i + 1] = f"{line.strip()} | {lines[i + 1].strip().lstrip('|')}"  # 「（七）总计」 / 「21 | 0 | …」
            continue
        if pending and (not line.strip() or _PAGE_NUMBER.match(line)) and _row_follows(lines, i):
            footers += bool(line.strip())  # a blank line or a page footer between two rows of one table
            continue
        flush()
        if _PAGE_NUMBER.match(line) and line.strip():
            footers += 1
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            blocks.append(Paragraph(_clean(heading.group(2)), style=f"h{len(heading.group(1))}"))
        elif line.strip():
            blocks.append(Paragraph(_clean(line)))
    flush()
    if footers:
        notes.append(f"文中有 {footers} 处页码（如“— 1 —”），已略去")
    title = next((b.text for b in blocks if isinstance(b, Paragraph)), "")
    return Document(path, "text", tuple(blocks), title=title, notes=tuple(notes))


_VALUE = re.compile(r"^[\s\d,，.．+\-−—–/／无]*$")


_NOT_A_ROW_LABEL = ("复议", "诉讼", "情况", "说明", "注")


def _cells_of(line: str) -> list[str]:
    return [_cell_text(c) for c in (_BAR.split(line.strip().strip("|")) if "|" in line else line.split("\t"))]


def _label_of_next_row(previous: str, line: str, after: list[str]) -> bool:
    """Whether `line`, between two table rows, is the label of the next row that a PDF's text put on a
    line of its own (「（七）总计」 / 「3375 | 99 | 0 | …」): a short line without a sentence's end, the
    next row values only, the row before it about as wide (so a heading before a table of another
    width, such as 四's fifteen values after 表三, is not taken), and no words of a heading of the
    report or of table 四's groups (which head a table of their own)."""
    text = line.strip()
    if not text or _is_row(line) or _PAGE_NUMBER.match(line) or len(text) > 60 or text.endswith(("。", "：", ":")) \
            or not after or not _is_row(after[0]):
        return False
    values = _cells_of(after[0])
    return len(values) >= 3 and all(_VALUE.match(v) for v in values) and any(v.strip() for v in values) \
        and len(_cells_of(previous)) >= len(values) - 1 and not any(w in text for w in _NOT_A_ROW_LABEL)


def _row_follows(lines: list[str], i: int) -> bool:
    """Whether the next line that is neither blank nor a page footer is a table row."""
    for line in lines[i + 1:]:
        if line.strip() and not _PAGE_NUMBER.match(line):
            return _is_row(line)
    return False


def _table(lines: list[str], index: int) -> Table:
    rows = [line for line in lines if not _SEPARATOR.match(line)]
    markdown = len(rows) < len(lines) or all(r.strip().startswith("|") and r.strip().endswith("|") for r in rows)
    cells: list[Cell] = []
    n_cols = 0
    for r, line in enumerate(rows):
        if "|" in line:
            body = line.strip()
            if markdown:
                body = body[1:] if body.startswith("|") else body
                body = body[:-1] if body.endswith("|") else body
            parts = _BAR.split(body)
        else:
            parts = line.strip("\n").split("\t")
        n_cols = max(n_cols, len(parts))
        for c, part in enumerate(parts):
            cells.append(Cell(_cell_text(part), r, c))
    return Table(index, tuple(cells), len(rows), n_cols)
