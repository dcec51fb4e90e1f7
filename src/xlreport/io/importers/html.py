"""Saved web pages and CMS exports (.html/.htm) -> Document.

Parser: lxml.html (libxml2's HTML parser; BSD, already installed with
python-docx). It recovers from the malformed markup of CMS pages (unclosed
<p>/<td>/<tr>, stray end tags, Word's <o:p> and conditional comments) the way
browsers broadly do, and is fast (C). html5lib follows the WHATWG algorithm
more exactly but is pure Python, ~10x slower, and an extra dependency; for the
table markup of these pages both give the same grids.

Text follows what a browser shows: spans/fonts joined as written, whitespace
(incl. &nbsp; and U+3000) collapsed, a line break in the markup between two
CJK characters dropped (CSS Text 3 segment-break rule: Word wraps its HTML
source inside Chinese text), <br> and block elements start a new paragraph
(inside a cell: "\n"). Tables are "leaf" <table>s; a table that holds other
tables is page layout and is read as a container.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from xlreport.errors import DamagedFile, TooLarge, read_error
from xlreport.io.importers.document import Cell, Document, Paragraph, Table
from xlreport.io.importers.normalize import SUBSCRIPT, SUPERSCRIPT, clean

MAX_BYTES = 30 * 1024 * 1024    # a saved report page is well under 2 MB
MAX_SPAN = 500                  # rowspan/colspan beyond this are clamped (a report table has < 50 rows)
MAX_CELLS = 200_000

SKIP = {"script", "style", "head", "noscript", "template", "iframe", "object", "svg", "select", "button", "textarea"}
BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
         "header", "footer", "blockquote", "pre", "center", "form", "fieldset", "address", "hr", "caption",
         "figure", "figcaption", "main", "nav", "aside", "tr", "td", "th", "thead", "tbody", "tfoot", "body", "html"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# A line break in the markup between two wide (CJK) characters renders as nothing.
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r]*\n[ \t\r\n]*(?=[{_WIDE}])")


def decode(data: bytes) -> str:
    """Bytes of a page -> text: BOM, else <meta charset> (GBK/GB2312 read as GB18030), else UTF-8, else GB18030."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff")
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else ""
    if declared in ("gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"):
        declared = "gb18030"   # superset of GB2312 and GBK; pages that declare gb2312 use GBK characters
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = ""
    for enc in ([declared] if declared else []) + ["utf-8", "gb18030"]:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode(declared or "utf-8", errors="replace")


def read_html(path: str | Path, data: bytes | None = None) -> Document:
    p = Path(path)
    if data is None:
        try:
            if p.stat().st_size > MAX_BYTES:
                raise TooLarge(f"“{p.name}”有 {p.stat().st_size // 1024 // 1024} MB，不像年度报告网页，拒绝读取")
            data = p.read_bytes()
        except OSError as exc:
            raise read_error(p, exc) from None
    if len(data) > MAX_BYTES:
        raise TooLarge(f"“{p.name}”有 {len(data) // 1024 // 1024} MB，不像年度报告网页，拒绝读取")
    text = _XML_DECL.sub("", decode(data))
    if not text.strip():
        raise DamagedFile(f"“{p.name}”是空文件，不是网页")
    import lxml.etree
    import lxml.html
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        raise DamagedFile(f"“{p.name}”无法作为网页读取，请在浏览器中打开后“另存为”网页再导入") from None
    reader = _Reader()
    body = root.find("body")
    reader.walk(body if body is not None else root)
    reader.flush()
    titles = _titles(root)
    return Document(path=str(p), kind="html", blocks=tuple(reader.blocks), title=titles[0][1] if titles else "",
                    notes=tuple(reader.notes), titles=tuple(titles))


def _titles(root) -> list[tuple[str, str]]:
    """The page's titles, best first: the CMS's article title (TRS `<meta name="ArticleTitle">`,
    Hanweb/ucap `<ucaptitle>`), then the page's `<title>`."""
    out: list[tuple[str, str]] = []
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle" and clean(meta.get("content") or ""):
            out.append(("网页的文章标题（ArticleTitle）", clean(meta.get("content") or "")))
    for el in root.iter("ucaptitle"):
        if clean(el.text_content()):
            out.append(("网页的文章标题（ucaptitle）", clean(el.text_content())))
    t = root.find(".//title")
    if t is not None and clean(t.text_content()):
        out.append(("网页标题", clean(t.text_content())))
    return out


def _tag(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):   # comments, processing instructions
        return ""
    return tag.lower()


def _para_text(raw: str) -> str:
    return clean(_CJK_BREAK.sub("", raw))


class _Reader:
    """Walks the body in document order, collecting inline text into paragraphs and leaf tables."""

    def __init__(self):
        self.blocks: list[Paragraph | Table] = []
        self.notes: list[str] = []
        self.buf: list[str] = []
        self.style = ""
        self.cells = 0
        self.in_link = 0  # inside <a href>
        self.linked = False  # the paragraph has text of a link
        self.unlinked = False  # and text outside one

    def flush(self) -> None:
        text = _para_text("".join(self.buf))
        if text:
            # a paragraph that is all one link's text (a list of related reports, 「上一篇」) is style
            # "link": a link's title names another page, never this report
            style = "link" if self.linked and not self.unlinked and not self.style else self.style
            self.blocks.append(Paragraph(text, style=style))
        self.buf = []
        self.style = ""
        self.linked = self.unlinked = False

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)
            if text.strip():
                if self.in_link:
                    self.linked = True
                else:
                    self.unlinked = True

    def walk(self, el) -> None:
        tag = _tag(el)
        if tag in SKIP or (tag and tag != "body" and hidden(el)):
            self._tail(el)
            return
        if tag == "table" and el.find(".//table") is None:
            self.flush()
            for caption in (c for c in el if _tag(c) == "caption"):   # a table's title 「表三 …」
                text = _para_text(caption.text_content())
                if text:
                    self.blocks.append(Paragraph(text, style="caption"))
            table = _table(el, len(self.tables()) + 1)
            if table is not None:
                self.cells += len(table.cells)
                if self.cells > MAX_CELLS:
                    raise TooLarge("网页中的表格过大（超过 20 万个单元格），不像年度报告，拒绝读取")
                self.blocks.append(table)
            self._tail(el)
            return
        if tag == "br":
            self.flush()
            self._tail(el)
            return
        block = tag in BLOCK or tag == "table"
        if block:
            self.flush()
            if tag in HEADINGS:
                self.style = tag
        link = tag == "a" and bool(el.get("href"))
        self.in_link += link
        if tag:
            self.add(el.text)
        for child in el:
            self.walk(child)
        self.in_link -= link
        if block:
            self.flush()
        self._tail(el)

    def _tail(self, el) -> None:
        self.add(el.tail)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


_HIDDEN = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all|visibility\s*:\s*hidden", re.IGNORECASE)


def hidden(el) -> bool:
    """Text a browser does not show (Word's HTML hides bookmarks and such with mso-hide:all)."""
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


def _cell_text(td) -> str:
    """A cell's paragraphs (<p>, <div>, <br>-separated lines), each collapsed, joined with "\\n".
    Hidden elements are left out; the digits of <sup>/<sub> are written as superscripts/subscripts."""
    paras: list[str] = []
    buf: list[str] = []

    def flush():
        t = _para_text("".join(buf))
        if t:
            paras.append(t)
        buf.clear()

    def walk(el, top=False):
        tag = _tag(el)
        if tag in SKIP or (tag and not top and hidden(el)):
            if el.tail and not top:
                buf.append(el.tail)
            return
        if tag == "br":
            flush()
        elif tag in ("sup", "sub"):
            buf.append(el.text_content().translate(SUPERSCRIPT if tag == "sup" else SUBSCRIPT))
        else:
            block = tag in BLOCK and not top
            if block:
                flush()
            if tag and el.text:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail and not top:
            buf.append(el.tail)

    walk(td, top=True)
    flush()
    return "\n".join(paras)


def _span(el, name: str) -> int:
    try:
        v = int(float((el.get(name) or "1").strip() or "1"))
    except ValueError:
        return 1
    return max(0, min(v, MAX_SPAN))


def _rows(table) -> list:
    """The table's own <tr>s in order (inside thead/tbody/tfoot or direct), not those of nested tables."""
    out = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if _tag(c) == "tr")
    return out


def _table(el, index: int) -> Table | None:
    trs = _rows(el)
    if not trs:
        return None
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, int, int, str]] = []
    n_rows = len(trs)
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs = _span(td, "rowspan")
            cs = max(1, _span(td, "colspan"))
            rs = n_rows - r if rs == 0 else min(rs, n_rows - r)   # rowspan=0: to the end; clamped to the table
            for i in range(r, r + rs):
                for k in range(c, c + cs):
                    taken.add((i, k))
            placed.append((r, c, rs, cs, _cell_text(td)))
            c += cs
    if not placed:
        return None
    # Word's HTML ends a table with a row of empty spacer cells (column widths); drop empty trailing rows.
    while n_rows > 1:
        last = n_rows - 1
        if any(r == last and t for r, _, _, _, t in placed) or any(r < last < r + rs for r, _, rs, _, _ in placed):
            break
        placed = [p for p in placed if p[0] != last]
        n_rows -= 1
    n_cols = max(c + cs for _, c, _, cs, _ in placed)
    cells = tuple(Cell(t, r, c, rs, cs) for r, c, rs, cs, t in placed)
    return Table(index=index, cells=cells, n_rows=n_rows, n_cols=n_cols)


def read_mht(path: str | Path) -> Document:
    """A single-file web page (.mht, MIME HTML, as Word and IE save it): its HTML part."""
    import email
    import email.policy
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise TooLarge(f"“{p.name}”有 {p.stat().st_size // 1024 // 1024} MB，不像年度报告网页，拒绝读取")
        msg = email.message_from_bytes(p.read_bytes(), policy=email.policy.compat32)
    except OSError as exc:
        raise read_error(p, exc) from None
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)  # bytes, or None when empty
            data = payload if isinstance(payload, bytes) else b""
            charset = part.get_content_charset()
            if charset and b"charset" not in data[:4096].lower():
                data = f'<meta charset="{charset}">'.encode("ascii", "ignore") + data
            return read_html(p, data=data)
    raise DamagedFile(f"“{p.name}”是单文件网页（.mht），但其中没有网页正文，请在浏览器中打开后“另存为”.html 再导入")
