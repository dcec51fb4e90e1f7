"""Text PDFs exported from Word/WPS -> Document.

Library: pdfplumber (MIT, on pdfminer.six, MIT), chosen by bench/import_pdf.py
over pypdfium2 (see README "Importing published reports"). Tables come from the
ruling lines the exporter draws around cells: pdfplumber finds the cells from
the lines, we turn the cell boxes into a grid with row/column spans and read
each cell's characters by position (so digits of adjacent cells never run
together). Filled rectangles are NOT ruling lines: Word and WPS paint a white
background rectangle behind every paragraph and cell, which would otherwise
turn body text into one-column "tables". A table cut by a page break is joined
with its continuation on the next page (same left and right edges, nothing but
the page footer between them); `row_pages` keeps the page of every grid row.
Page numbers printed in the footer (「— 1 —」, 「- 3 -」, 「第 1 页」) are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .document import Cell, Document, Paragraph, Table
from .normalize import clean, join_lines

MAX_BYTES = 100 * 1024 * 1024   # a report is well under 10 MB
MAX_PAGES = 500                 # a report has 3-20 pages
SNAP = 2.5                      # points: coordinates this close are the same ruling line
# A footer/header line that is only a page number: 「— 1 —」 「- 3 -」 「3」 「第 1 页」 「第1页 共5页」 「1/5」
PAGE_NUMBER = re.compile(r"^[\s\-—–－―_·•]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－―_·•]*$")
MARGIN_SHARE = 0.12             # footers/headers live in the top/bottom 12% of a page


@dataclass
class _Part:
    """One table's piece on one page."""
    page: int
    bbox: tuple[float, float, float, float]
    boxes: list[tuple[float, float, float, float]]
    texts: list[str]


@dataclass
class _Line:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float


@dataclass
class _Page:
    number: int
    width: float
    height: float
    parts: list[_Part] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)   # body text outside tables, footers removed


def read_pdf(path: str | Path) -> Document:
    p = Path(path)
    _guard(p)
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError
        from pdfminer.psparser import PSException
    except ImportError:  # pragma: no cover - declared dependency
        raise InputError("读取 PDF 需要 pdfplumber；请运行 pip install pdfplumber 后重试") from None
    pages: list[_Page] = []
    title = ""
    try:
        with pdfplumber.open(p) as pdf:
            n = len(pdf.pages)
            if n == 0:
                raise InputError(f"“{p.name}”没有页面，不是有效的 PDF 文件")
            if n > MAX_PAGES:
                raise InputError(f"“{p.name}”有 {n} 页，不像年度报告（通常不超过 20 页），拒绝读取")
            title = _meta_title(pdf.doc.info)
            for page in pdf.pages:
                pages.append(_read_page(page))
                page.close()  # frees pdfminer's layout cache
    except InputError:
        raise
    except PDFPasswordIncorrect:
        raise InputError(f"“{p.name}”设置了打开密码；请去掉密码后再导入") from None
    except (PDFSyntaxError, PSException):
        raise InputError(f"“{p.name}”已损坏（不是完整的 PDF 文件），请重新下载或另存后再导入") from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise InputError(f"“{p.name}”设置了打开密码；请去掉密码后再导入") from None
        raise InputError(f"“{p.name}”已损坏，无法读取（{type(exc).__name__}），请重新下载或另存后再导入") from None

    has_text = [pg for pg in pages if pg.lines or pg.parts]
    if not has_text:
        raise InputError(f"“{p.name}”没有文字层（可能是扫描件或图片），无法可靠读取；请找到原始的 Word 或网页版本，"
                         "或先用 OCR 软件转成文字后再导入")
    notes = tuple(f"第{pg.number}页没有文字（可能是扫描图片），未读取" for pg in pages if pg not in has_text)
    return Document(path=str(p), kind="pdf", blocks=tuple(_assemble(pages)), title=title, notes=notes)


def _guard(p: Path) -> None:
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(f"无法读取“{p}”：{exc.strerror}") from None
    if not head:
        raise InputError(f"“{p.name}”是空文件，不是 PDF")
    if b"%PDF-" not in head:
        raise InputError(f"“{p.name}”不是 PDF 文件（文件内容不是 PDF 格式），请检查文件")
    if size > MAX_BYTES:
        raise InputError(f"“{p.name}”有 {size // 1024 // 1024} MB，不像年度报告，拒绝读取")


def _meta_title(info: list) -> str:
    """The document information's Title, decoded from the raw string (UTF-16 with BOM or PDFDocEncoding)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text
    raw = None
    for d in info or []:
        raw = resolve1(d.get("Title")) if isinstance(d, dict) else None
        if raw:
            break
    if isinstance(raw, bytes) and raw[:2] == b"\xff\xfe":   # little-endian UTF-16 (WPS); pdfminer knows only FE FF
        try:
            raw = raw[2:].decode("utf-16-le")
        except UnicodeDecodeError:
            return ""
    elif isinstance(raw, bytes):
        raw = decode_text(raw)
    if isinstance(raw, bytes):
        for enc in ("utf-16", "utf-8", "gb18030"):
            try:
                raw = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            return ""
    if not isinstance(raw, str):
        return ""
    return clean(raw.replace("\x00", ""))


def _is_ruling(obj: dict) -> bool:
    """Ruling lines: stroked lines and rectangles, and thin filled bars that are not white."""
    kind = obj["object_type"]
    if kind == "line":
        return True
    if kind != "rect":
        return False
    if obj.get("stroke"):
        return True
    thin = min(obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]) <= 2.0
    return thin and not _white(obj.get("non_stroking_color"))


def _white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(vals) == 4:   # CMYK: white is all zero
        return all(v <= 0.05 for v in vals)
    return bool(vals) and all(v >= 0.95 for v in vals)


TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                  "snap_tolerance": SNAP, "join_tolerance": SNAP, "intersection_tolerance": SNAP}


def _read_page(page) -> _Page:
    pg = _Page(number=page.page_number, width=float(page.width), height=float(page.height))
    chars = [c for c in page.chars if c["text"].strip() or c["text"] == " "]
    ruled = page.filter(lambda o: o["object_type"] == "char" or _is_ruling(o))
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=_closing_edges(ruled.edges))
    in_table = set()
    for tb in ruled.find_tables(settings):
        boxes = [tuple(b) for b in tb.cells if b is not None]
        if len(boxes) < 2:   # a framed paragraph, not a table
            continue
        texts = []
        for box in boxes:
            inside = [i for i, c in enumerate(chars) if _centre_in(c, box)]
            in_table.update(inside)
            texts.append(_text_of([chars[i] for i in inside]))
        pg.parts.append(_Part(pg.number, tuple(tb.bbox), boxes, texts))
    rest = [c for i, c in enumerate(chars) if i not in in_table]
    # characters that lie inside a table's frame but in no cell (rare) still belong to the table area
    rest = [c for c in rest if not any(_centre_in(c, part.bbox) for part in pg.parts)]
    for line in _lines(rest, pg.number):
        edge = line.bottom > pg.height * (1 - MARGIN_SHARE) or line.top < pg.height * MARGIN_SHARE
        if edge and PAGE_NUMBER.match(line.text):
            continue
        pg.lines.append(line)
    return pg


def _closing_edges(edges: list[dict]) -> list[dict]:
    """Horizontal lines that close a frame the exporter left open.

    At a page break Word/WPS often omit the bottom border of the last row on
    the page, or the top border of the first row on the next page; the
    vertical lines still end there. Where two or more vertical lines end at
    the same height and no horizontal line runs there, add one between them.
    """
    vert = [e for e in edges if e["orientation"] == "v"]
    horiz = [e for e in edges if e["orientation"] == "h"]
    out = []
    for key in ("top", "bottom"):
        for y in _cluster([e[key] for e in vert]):
            ends = [e for e in vert if abs(e[key] - y) <= SNAP]
            if len(ends) < 2:
                continue
            x0 = min(e["x0"] for e in ends)
            x1 = max(e["x0"] for e in ends)
            covered = sum(max(0.0, min(h["x1"], x1) - max(h["x0"], x0)) for h in horiz if abs(h["top"] - y) <= SNAP)
            if covered < 0.9 * (x1 - x0):
                out.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                            "width": x1 - x0, "height": 0.0})
    return out


def _centre_in(c: dict, box) -> bool:
    x = (c["x0"] + c["x1"]) / 2
    y = (c["top"] + c["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters into visual lines (top to bottom), each left to right."""
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        if rows:
            last = rows[-1]
            lmid = sum((d["top"] + d["bottom"]) / 2 for d in last) / len(last)
            height = max(d["bottom"] - d["top"] for d in last)
            if abs(mid - lmid) <= max(2.0, height * 0.5):
                last.append(c)
                continue
        rows.append([c])
    return [sorted(r, key=lambda c: c["x0"]) for r in rows]


def _line_text(row: list[dict]) -> str:
    out = []
    prev = None
    for c in row:
        if prev is not None and c["text"] != " " and prev["text"] != " ":
            gap = c["x0"] - prev["x1"]
            # a visible gap between two Latin letters/digits is a word space the exporter did not write
            if gap > 0.3 * max(c["size"], 1) and prev["text"][-1:].isascii() and c["text"][:1].isascii():
                out.append(" ")
        out.append(c["text"])
        prev = c
    return "".join(out)


def _text_of(chars: list[dict]) -> str:
    return join_lines([clean(_line_text(r)) for r in _group_lines(chars)])


def _lines(chars: list[dict], page: int) -> list[_Line]:
    out = []
    for r in _group_lines(chars):
        text = clean(_line_text(r))
        if not text:
            continue
        out.append(_Line(page, min(c["x0"] for c in r), max(c["x1"] for c in r), min(c["top"] for c in r),
                         max(c["bottom"] for c in r), text, max(c["size"] for c in r)))
    return out


# ---------------------------------------------------------------- assembly

def _assemble(pages: list[_Page]) -> list[Paragraph | Table]:
    """Reading order: per page, paragraphs and table parts by their top; parts continued across pages joined."""
    items: list[tuple[int, float, object]] = []
    flush: set[int] = set()     # ids of paragraphs that are the first on their page and not indented
    runs_on: set[int] = set()   # ids of paragraphs that are the last on their page and end on a full line
    for pg in pages:
        for part in pg.parts:
            items.append((pg.number, part.bbox[1], part))
        paras = _paragraphs(pg)
        for i, (para, top, starts_flush, ends_full) in enumerate(paras):
            items.append((pg.number, top, para))
            if i == 0 and starts_flush:
                flush.add(id(para))
            if i == len(paras) - 1 and ends_full:
                runs_on.add(id(para))
    last_para = None
    items.sort(key=lambda t: (t[0], t[1]))
    by_page = {pg.number: pg for pg in pages}
    groups: list[object] = []   # Paragraph or list[_Part]
    for _, _, item in items:
        if isinstance(item, _Part) and groups and isinstance(groups[-1], list) \
                and _continues(groups[-1][-1], item, by_page):
            groups[-1].append(item)
        elif isinstance(item, _Part):
            groups.append([item])
        else:
            groups.append(item)
    blocks: list[Paragraph | Table] = []
    n = 0
    for g in groups:
        if isinstance(g, list):
            n += 1
            blocks.append(_table(n, g))
        elif blocks and isinstance(blocks[-1], Paragraph) and id(g) in flush and id(last_para) in runs_on \
                and g.page == (last_para.page or 0) + 1:
            # a paragraph that runs on over the page break: the last line was full, the next is not indented
            blocks[-1] = last_para = Paragraph(join_lines([blocks[-1].text, g.text]), page=blocks[-1].page)
            if id(g) in runs_on:
                runs_on.add(id(last_para))
            continue
        else:
            blocks.append(g)
        last_para = g
    return blocks


def _continues(prev: _Part, nxt: _Part, pages: dict[int, _Page]) -> bool:
    if nxt.page != prev.page + 1:
        return False
    if abs(prev.bbox[0] - nxt.bbox[0]) > 4 or abs(prev.bbox[2] - nxt.bbox[2]) > 4:
        return False
    after = [ln for ln in pages[prev.page].lines if ln.top > prev.bbox[3]]
    before = [ln for ln in pages[nxt.page].lines if ln.bottom < nxt.bbox[1]]
    later_parts = [q for q in pages[prev.page].parts if q.bbox[1] > prev.bbox[3]]
    earlier_parts = [q for q in pages[nxt.page].parts if q.bbox[3] < nxt.bbox[1]]
    return not (after or before or later_parts or earlier_parts)


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _index(coords: list[float], v: float) -> int:
    return min(range(len(coords)), key=lambda i: abs(coords[i] - v))


def _table(index: int, parts: list[_Part]) -> Table:
    xs = _cluster([x for part in parts for b in part.boxes for x in (b[0], b[2])])
    raw: list[tuple[int, int, int, int, str]] = []   # row, col, rowspan, colspan, text
    row_pages: list[int] = []
    first_rows: list[int] = []
    for part in parts:
        ys = _cluster([y for b in part.boxes for y in (b[1], b[3])])
        base = len(row_pages)
        first_rows.append(base)
        row_pages.extend([part.page] * (len(ys) - 1))
        for b, text in zip(part.boxes, part.texts):
            r0, r1 = _index(ys, b[1]), _index(ys, b[3])
            c0, c1 = _index(xs, b[0]), _index(xs, b[2])
            if r1 <= r0 or c1 <= c0:
                continue
            raw.append((base + r0, c0, r1 - r0, c1 - c0, text))
    raw = _join_page_breaks(raw, first_rows[1:])
    cells = tuple(Cell(t, r, c, rs, cs) for r, c, rs, cs, t in sorted(raw))
    return Table(index=index, cells=cells, n_rows=len(row_pages), n_cols=max(1, len(xs) - 1),
                 page=parts[0].page, row_pages=tuple(row_pages))


# The start of a numbered label: 「（四）」 「四、」 「1.」 「2、」 「(3)」
ENUMERATOR = re.compile(r"^\s*([（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[、.．])")


def _join_page_breaks(raw, breaks: list[int]):
    """A merged cell cut by a page break goes on at the top of the next page: join the two pieces.

    The piece on the next page is empty, or holds the rest of the text
    (「（四）无」 + 「法提供」). Only cells that span several rows on either side
    are joined, and never when the lower piece starts a numbered label of its own.
    """
    cells = list(raw)
    for br in breaks:
        for low in [c for c in cells if c[0] == br and not ENUMERATOR.match(c[4])]:
            up = [c for c in cells if c[0] + c[2] == br and c[1] == low[1] and c[3] == low[3]]
            if len(up) == 1 and up[0][4] and (up[0][2] > 1 or low[2] > 1):
                u = up[0]
                cells.remove(u)
                cells.remove(low)
                cells.append((u[0], u[1], u[2] + low[2], u[3], join_lines([u[4], low[4]])))
    return cells


def _paragraphs(pg: _Page) -> list[tuple[Paragraph, float, bool, bool]]:
    """Body lines into paragraphs: a new one where a line is indented, follows a short line, or after a gap."""
    if not pg.lines:
        return []
    left = min(ln.x0 for ln in pg.lines)
    right = max(ln.x1 for ln in pg.lines)
    out: list[tuple[list[_Line], float]] = []
    prev: _Line | None = None
    for ln in sorted(pg.lines, key=lambda ln: ln.top):
        size = ln.size or 10
        new = (prev is None
               or ln.x0 > left + 1.5 * size                 # indented first line, or centred heading
               or prev.x1 < right - 2 * size                # the previous line ended short
               or ln.top - prev.bottom > 1.2 * size         # a gap
               or abs(ln.size - prev.size) > 1)             # a heading in another size
        if new:
            out.append(([ln], ln.top))
        else:
            out[-1][0].append(ln)
        prev = ln
    result = []
    for lines, top in out:
        size = lines[0].size or 10
        starts_flush = lines[0].x0 <= left + 1.5 * size
        ends_full = lines[-1].x1 >= right - 2 * size and not lines[-1].text.endswith(("。", "！", "？", "；", "：", ".", ":"))
        result.append((Paragraph(join_lines([ln.text for ln in lines]), page=pg.number), top, starts_flush, ends_full))
    return result
