"""Text PDFs exported from Word/WPS -> Document.

It is over 500 lines because joining tables across pages and rebuilding paragraphs share one page model (the cells of the ruling lines are in pdfcells.py).

Library: pypdfium2 (Apache-2.0/BSD-3; Google's PDFium), chosen over pdfplumber
(MIT, on pdfminer.six) by bench/import_pdf.py: the same extraction on both
finds the same tables, numbers and paragraphs on the real reports, and PDFium
reads a page 3.5-7x faster (docs/published-reports.md, "Reading published reports: extraction").

PDFium gives the characters (with their boxes) and the vector paths. Tables
come from the ruling lines the exporter draws around cells: stroked
horizontal/vertical segments and thin dark filled bars. Filled rectangles are
NOT ruling lines: Word and WPS paint a white background rectangle behind
every paragraph and cell, which would otherwise turn body text into
one-column "tables". Cells are the smallest rectangles whose four corners are
line crossings joined by lines (the method of pdfplumber and Tabula); the
cell boxes become a grid with row/column spans, and each cell's characters are
read by position (so digits of adjacent cells never run together). A table cut
by a page break is joined with its continuation on the next page (same left
and right edges, nothing but the page footer between them), and so is a
merged cell cut by it; `row_pages` keeps the page of every grid row. Page
numbers printed in a footer or header (「— 1 —」, 「- 3 -」, 「第 1 页」) are dropped.

"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from xlreport.errors import DamagedFile, InputError, MissingProgram, NotAReport, TooLarge, UnsupportedType, read_error
from xlreport.io.importers.document import Cell, Document, Paragraph, Table
from xlreport.io.importers.normalize import SUBSCRIPT, SUPERSCRIPT, _wide, clean, join_lines
from xlreport.io.importers.pdfcells import SNAP, find_cells

MAX_BYTES = 100 * 1024 * 1024   # a report is well under 10 MB
MAX_PAGES = 500                 # a report has 3-20 pages
MAX_PATHS = 20_000              # path objects on one page (a report table has a few hundred)
THIN = 2.5                      # points: a path this thin is a line, not an area
# A footer/header line that is only a page number: 「— 1 —」 「- 3 -」 「3」 「第 1 页」 「第1页 共5页」 「1/5」
PAGE_NUMBER = re.compile(r"^[\s\-—–－―_·•]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－―_·•]*$")
MARGIN_SHARE = 0.12             # footers/headers live in the top/bottom 12% of a page


@dataclass
class PagePrimitives:
    """What the extraction needs from a PDF page, in top-down coordinates (points from the top-left)."""
    number: int
    width: float
    height: float
    chars: list[dict]   # text, x0, x1, top, bottom, size
    edges: list[dict]   # orientation "h"/"v", x0, x1, top, bottom (a ruling line)


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
    size: float         # the median glyph height of its CJK characters (of all characters if it has none)
    cjk: bool = True    # the size was measured on CJK characters


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
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - declared dependency
        raise MissingProgram("读取 PDF 需要 pypdfium2；请运行 pip install pypdfium2 后重试") from None
    try:
        pdf = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:   # FPDF_ERR_PASSWORD
            raise UnsupportedType(f"“{p.name}”设置了打开密码；请去掉密码后再导入") from None
        raise DamagedFile(f"“{p.name}”已损坏（不是完整的 PDF 文件），请重新下载或另存后再导入") from None
    try:
        n = len(pdf)
        if n == 0:
            raise DamagedFile(f"“{p.name}”没有页面，不是有效的 PDF 文件")
        if n > MAX_PAGES:
            raise TooLarge(f"“{p.name}”有 {n} 页，不像年度报告（通常不超过 20 页），拒绝读取")
        try:
            title = clean(pdf.get_metadata_dict().get("Title") or "")
        except Exception:  # a damaged information dictionary is no reason to refuse the text
            title = ""
        try:
            prims = [pdfium_page(pdf, i) for i in range(n)]
        except InputError:
            raise
        except Exception as exc:
            raise DamagedFile(f"“{p.name}”已损坏，无法读取（{type(exc).__name__}），请重新下载或另存后再导入") from None
    finally:
        pdf.close()
    return build_document(p, prims, title)


def build_document(p: Path, prims: list[PagePrimitives], title: str = "") -> Document:
    """The Document from the pages' primitives (independent of the PDF library; the benchmark feeds both)."""
    pages = [_read_page(pr) for pr in prims]
    has_text = [pg for pg in pages if pg.lines or pg.parts]
    if not has_text:
        raise NotAReport(f"“{p.name}”没有文字层（可能是扫描件或图片），无法可靠读取；请找到原始的 Word 或网页版本，"
                         "或先用 OCR 软件转成文字后再导入")
    notes = tuple(f"第{pg.number}页没有文字（可能是扫描图片），未读取" for pg in pages if pg not in has_text)
    return Document(path=str(p), kind="pdf", blocks=tuple(_assemble(pages)), title=title, notes=notes,
                    titles=(("PDF 文档属性中的标题", title),) if title else ())


def _guard(p: Path) -> None:
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise read_error(p, exc) from None
    if not head:
        raise DamagedFile(f"“{p.name}”是空文件，不是 PDF")
    if b"%PDF-" not in head:
        raise DamagedFile(f"“{p.name}”不是 PDF 文件（文件内容不是 PDF 格式），请检查文件")
    if size > MAX_BYTES:
        raise TooLarge(f"“{p.name}”有 {size // 1024 // 1024} MB，不像年度报告，拒绝读取")


# ---------------------------------------------------------------- PDFium primitives

def pdfium_page(pdf, index: int) -> PagePrimitives:
    import pypdfium2.raw as raw
    page = pdf[index]
    try:
        width, height = page.get_size()
        chars = _pdfium_chars(page, height, raw)
        edges = _pdfium_edges(page, height, raw)
    finally:
        page.close()
    return PagePrimitives(index + 1, width, height, chars, edges)


def _pdfium_chars(page, height: float, raw) -> list[dict]:
    tp = page.get_textpage()
    try:
        out = []
        rect = raw.FS_RECTF()
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        ox, oy = ctypes.c_double(), ctypes.c_double()
        for i in range(raw.FPDFText_CountChars(tp.raw)):
            if raw.FPDFText_IsGenerated(tp.raw, i):   # spaces and line ends PDFium adds itself
                continue
            code = raw.FPDFText_GetUnicode(tp.raw, i)
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue
            ch = chr(code)
            if not ch.strip() and ch != " ":
                continue
            if not raw.FPDFText_GetCharBox(tp.raw, i, left, right, bottom, top):
                continue
            # The loose box (font ascent to descent) lines characters up; but PDFium scales it by the
            # text matrix twice for some WPS fonts (vertical labels): then use the glyph box, made square.
            tw, th = right.value - left.value, top.value - bottom.value
            glyph = max(tw, th, 1.0)
            x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
            if raw.FPDFText_GetLooseCharBox(tp.raw, i, rect) and max(rect.right - rect.left, rect.top - rect.bottom) <= 3 * glyph:
                x0, x1, y0, y1 = rect.left, rect.right, rect.bottom, rect.top
            else:
                cx, cy = (left.value + right.value) / 2, (bottom.value + top.value) / 2
                x0, x1, y0, y1 = cx - glyph / 2, cx + glyph / 2, cy - glyph / 2, cy + glyph / 2
            # FPDFText_GetFontSize is not the printed size for WPS files (it includes a text-matrix scale)
            base = height - (y0 + y1) / 2
            if raw.FPDFText_GetCharOrigin(tp.raw, i, ox, oy):
                base = height - oy.value
            out.append({"text": ch, "x0": x0, "x1": x1, "top": height - y1, "bottom": height - y0, "size": y1 - y0,
                        "base": base})
        return out
    finally:
        tp.close()


def _pdfium_edges(page, height: float, raw) -> list[dict]:
    """Ruling lines: the axis-parallel segments of stroked paths, and thin filled bars that are not white."""
    edges: list[dict] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    px, py = ctypes.c_float(), ctypes.c_float()
    for n, obj in enumerate(page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4)):
        if n > MAX_PATHS:
            break
        raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        x0, y0, x1, y1 = obj.get_bounds()
        if stroke.value:
            matrix = obj.get_matrix()
            points: list[tuple[float, float]] = []
            start = None
            for k in range(raw.FPDFPath_CountSegments(obj.raw)):
                seg = raw.FPDFPath_GetPathSegment(obj.raw, k)
                raw.FPDFPathSegment_GetPoint(seg, px, py)
                pt = matrix.on_point(px.value, py.value)
                kind = raw.FPDFPathSegment_GetType(seg)
                if kind == raw.FPDF_SEGMENT_MOVETO or not points:
                    points, start = [pt], pt
                    continue
                if kind == raw.FPDF_SEGMENT_LINETO:
                    _segment(edges, points[-1], pt, height)
                points.append(pt)
                if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                    _segment(edges, pt, start, height)
        elif fill.value and min(x1 - x0, y1 - y0) <= THIN:
            raw.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
            if (r.value > 240 and g.value > 240 and b.value > 240) or a.value == 0:
                continue
            if y1 - y0 <= THIN:
                _segment(edges, (x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2), height)
            else:
                _segment(edges, ((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1), height)
    return edges


def _segment(edges: list[dict], p: tuple[float, float], q: tuple[float, float], height: float) -> None:
    (ax, ay), (bx, by) = p, q
    if abs(ay - by) <= 0.5 and abs(ax - bx) > 0.5:
        y = height - (ay + by) / 2
        edges.append({"orientation": "h", "x0": min(ax, bx), "x1": max(ax, bx), "top": y, "bottom": y})
    elif abs(ax - bx) <= 0.5 and abs(ay - by) > 0.5:
        x = (ax + bx) / 2
        edges.append({"orientation": "v", "x0": x, "x1": x, "top": height - max(ay, by), "bottom": height - min(ay, by)})


# ---------------------------------------------------------------- ruling lines -> cells (pdfcells.py)

def _read_page(prims: PagePrimitives) -> _Page:
    pg = _Page(number=prims.number, width=prims.width, height=prims.height)
    chars = prims.chars
    edges = prims.edges + _closing_edges(prims.edges)
    in_table = set()
    for boxes in find_cells(edges):
        if len(boxes) < 2:   # a framed paragraph, not a table
            continue
        texts = []
        for box in boxes:
            inside = [i for i, c in enumerate(chars) if _centre_in(c, box)]
            in_table.update(inside)
            texts.append(_text_of([chars[i] for i in inside]))
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
        pg.parts.append(_Part(pg.number, bbox, boxes, texts))
    rest = [c for i, c in enumerate(chars) if i not in in_table]
    # characters inside a table's frame but in no cell (rare) still belong to the table area
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
                out.append({"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y})
    return out


def _centre_in(c: dict, box) -> bool:
    x = (c["x0"] + c["x1"]) / 2
    y = (c["top"] + c["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters into visual lines (top to bottom), each left to right."""
    # by baseline where the library gives it (characters of different fonts on one line share it)
    def base(c):
        return c.get("base", (c["top"] + c["bottom"]) / 2)
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (base(c), c["x0"])):
        if rows:
            last = rows[-1]
            lbase = sum(base(d) for d in last) / len(last)
            height = max(d["bottom"] - d["top"] for d in last)
            if abs(base(c) - lbase) <= max(1.5, height * 0.3):
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
            # a wide gap between two Latin letters/digits is a word space the exporter did not write
            a, b = prev["text"][-1:], c["text"][:1]
            if gap > 0.5 * max(c["size"], 1) and a.isascii() and b.isascii() and a.isalnum() and b.isalnum():
                out.append(" ")
        out.append(c["text"])
        prev = c
    return "".join(out)


def _text_of(chars: list[dict]) -> str:
    """A table cell's text (its lines joined)."""
    return join_lines([clean(_line_text(r)) for r in _group_lines(_scripts(chars))])


def _scripts(chars: list[dict]) -> list[dict]:
    """A cell's digits set smaller than its other digits and raised or lowered (a note's number after a figure,
    「1288¹」) written as superscripts or subscripts: as a line of their own they were joined to the
    figure (「11288」). Digits are compared with digits (another font's boxes have other heights)."""
    digits = [c for c in chars if c["text"] in _DIGITS]
    if len(digits) < 2:
        return chars
    ref = max(c["size"] for c in digits)
    full = [(c["top"] + c["bottom"]) / 2 for c in digits if c["size"] >= 0.8 * ref]
    middle = sum(full) / len(full)
    def shifted(c: dict) -> float:  # how far its middle is above (+) or below (-) that of the figure's digits
        return middle - (c["top"] + c["bottom"]) / 2

    return [{**c, "text": c["text"].translate(SUPERSCRIPT if shifted(c) > 0 else SUBSCRIPT)}
            if c["text"] in _DIGITS and c["size"] < 0.9 * ref and abs(shifted(c)) > 0.15 * ref else c for c in chars]


_DIGITS = set("0123456789")


def _lines(chars: list[dict], page: int) -> list[_Line]:
    out = []
    for r in _group_lines(chars):
        text = clean(_line_text(r))
        if not text:
            continue
        # the median size of the CJK characters: digits and Latin letters set in another font have
        # boxes of another height (taller or shorter), and a wrapped line may hold mostly digits
        wide = [c["size"] for c in r if c["text"] and _wide(c["text"][0])]
        sizes = sorted(wide or [c["size"] for c in r])
        out.append(_Line(page, min(c["x0"] for c in r), max(c["x1"] for c in r), min(c["top"] for c in r),
                         max(c["bottom"] for c in r), text, sizes[len(sizes) // 2], bool(wide)))
    return out


# ---------------------------------------------------------------- assembly

def _assemble(pages: list[_Page]) -> list[Paragraph | Table]:
    """Reading order: per page, paragraphs and table parts by their top; parts continued across pages joined."""
    items: list[tuple[int, float, _Part | Paragraph]] = []
    flush: set[int] = set()     # ids of paragraphs that are the first on their page and not indented
    runs_on: set[int] = set()   # ids of paragraphs that are the last on their page and end on a full line
    margins = _margins(pages)
    for pg in pages:
        for part in pg.parts:
            items.append((pg.number, part.bbox[1], part))
        paras = _paragraphs(pg, *margins.get(_size_key(pg), (0.0, 0.0, 10.0)))
        for i, (para, top, starts_flush, ends_full) in enumerate(paras):
            items.append((pg.number, top, para))
            if i == 0 and starts_flush:
                flush.add(id(para))
            if i == len(paras) - 1 and ends_full:
                runs_on.add(id(para))
    last_para: Paragraph | list[_Part] | None = None  # the last block, a table's parts included
    items.sort(key=lambda t: (t[0], t[1]))
    by_page = {pg.number: pg for pg in pages}
    groups: list[Paragraph | list[_Part]] = []
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
        elif blocks and isinstance(blocks[-1], Paragraph) and id(g) in flush and isinstance(last_para, Paragraph) \
                and id(last_para) in runs_on and g.page == (last_para.page or 0) + 1:
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
    head: list[tuple[int, int, int, int, str]] = []
    for n, part in enumerate(parts):
        ys = _cluster([y for b in part.boxes for y in (b[1], b[3])])
        local = []
        for b, text in zip(part.boxes, part.texts):
            r0, r1 = _index(ys, b[1]), _index(ys, b[3])
            c0, c1 = _index(xs, b[0]), _index(xs, b[2])
            if r1 > r0 and c1 > c0:
                local.append((r0, c0, r1 - r0, c1 - c0, text))
        skip = _repeated_header(head, local) if n else 0
        if n == 0:
            head = local
        base = len(row_pages)
        first_rows.append(base)
        row_pages.extend([part.page] * (len(ys) - 1 - skip))
        raw.extend((base + r - skip, c, rs, cs, t) for r, c, rs, cs, t in local if r >= skip)
    raw = _join_page_breaks(raw, first_rows[1:])
    cells = tuple(Cell(t, r, c, rs, cs) for r, c, rs, cs, t in sorted(raw))
    return Table(index=index, cells=cells, n_rows=len(row_pages), n_cols=max(1, len(xs) - 1),
                 page=parts[0].page, row_pages=tuple(row_pages))


def _repeated_header(head: list, part: list) -> int:
    """How many leading rows of a continuation repeat the table's heading rows (Word's "repeat as header row")."""
    def block(cells, k):
        top = [c for c in cells if c[0] < k]
        return set(top) if all(c[0] + c[2] <= k for c in top) else None
    rows = min(max((c[0] + c[2] for c in head), default=0), max((c[0] + c[2] for c in part), default=0))
    for k in range(rows - 1, 0, -1):
        a, b = block(head, k), block(part, k)
        if a and a == b and any(c[4] for c in a):
            return k
    return 0


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


def _mode(values: list[float]) -> float:
    """The most common value (to 2 points); the smallest of the most common."""
    counts: dict[int, int] = {}
    for v in values:
        counts[round(v / 2)] = counts.get(round(v / 2), 0) + 1
    best = max(counts.values())
    return min(k for k, n in counts.items() if n == best) * 2


# A line that starts a numbered heading of the report: 「（五）监督保障」 「六、其他需要报告的事项」
HEADING_START = re.compile(r"^\s*([（(]\s*[一二三四五六七八九十]+\s*[）)]|[一二三四五六七八九十]+\s*、)")
SENTENCE_END = ("。", "！", "？", "!", "?")


def _size_key(pg: _Page) -> tuple[int, int]:
    return round(pg.width), round(pg.height)


def _margins(pages: list[_Page]) -> dict[tuple[int, int], tuple[float, float, float]]:
    """(left, right, unit) of the body text, per page size, measured over the whole document.

    One page alone does not show its margins: a page of short paragraphs
    (「（四）…工作情况。」 「（五）监督保障」) has no full line and no unindented line,
    so its own widest line would pass for the right edge and its indent for the left.
    The unit is the body text size (the most common CJK line size).
    """
    by_size: dict[tuple[int, int], list[_Line]] = {}
    for pg in pages:
        by_size.setdefault(_size_key(pg), []).extend(pg.lines)
    out = {}
    for key, lines in by_size.items():
        if lines:
            sized = [ln.size for ln in lines if ln.cjk] or [ln.size for ln in lines]
            out[key] = (min(ln.x0 for ln in lines), max(ln.x1 for ln in lines), _mode(sized) or 10)
    return out


def _paragraphs(pg: _Page, left: float, right: float, unit: float) -> list[tuple[Paragraph, float, bool, bool]]:
    """Body lines into paragraphs: a new one where a line is indented, follows a line that ended short
    (well before the right edge), starts a numbered heading after a finished sentence, after a gap, or
    where the text size changes much.

    The margins and the unit (the body text size) are the document's (`_margins`), not the line's own:
    a line set in a bold or Latin font has larger glyph boxes. The lines of one paragraph are joined
    without line breaks: a PDF cannot tell a wrapped line from a line break.
    """
    if not pg.lines:
        return []
    out: list[tuple[list[_Line], float]] = []
    prev: _Line | None = None
    for ln in sorted(pg.lines, key=lambda ln: ln.top):
        new = (prev is None
               or ln.x0 > left + 1.5 * unit                 # indented first line, or centred heading
               or prev.x1 < right - 2 * unit                # the previous line ended short
               or (HEADING_START.match(ln.text) is not None and prev.text.endswith(SENTENCE_END))
               or ln.top - prev.bottom > 1.2 * unit         # a gap
               or (ln.cjk and prev.cjk and abs(ln.size - prev.size) > 0.3 * max(ln.size, prev.size)))  # a heading
        if new:
            out.append(([ln], ln.top))
        else:
            out[-1][0].append(ln)
        prev = ln
    result = []
    for lines, top in out:
        starts_flush = lines[0].x0 <= left + 1.5 * unit
        ends_full = lines[-1].x1 >= right - 2 * unit and not lines[-1].text.endswith(("。", "！", "？", "；", "：", ".", ":"))
        result.append((Paragraph(join_lines([ln.text for ln in lines]), page=pg.number), top, starts_flush, ends_full))
    return result
