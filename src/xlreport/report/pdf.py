"""The PDF of the Word report (`xlreport render … --pdf`), converted by LibreOffice.

`convert_pdf` converts into a private temporary folder and moves the PDF into
place atomically; its warning names the 公文 fonts that this computer lacks and
which fonts stood in for them (`font_substitutions`).

Tagged PDF
    The PDF is exported with tags (LibreOffice's writer_pdf_Export with
    UseTaggedPDF): headings, paragraphs and tables carry their structure, as
    信息无障碍 asks of a published document.

Groups of rows stay on one page
    The template asks Word to keep a table group's rows together (table 三's
    （三）不予公开 and its eight rows: "keep with next" on their paragraphs), but
    LibreOffice ignores "keep with next" inside a table and splits a group, and
    its vertical label, across two pages. So the PDF is measured: the page of
    every row of every group is read from the converted PDF (the row's label
    text, in order), and where a group is split the table is split before the
    group into a second table that starts on the next page with the header rows
    repeated — what the reader would see at a natural page break — and the
    copy is converted again (at most once per group). A group is a vertically
    merged label of 2 to 8 rows below the header rows (tools/word_template.py
    `SMALL_TABLE_ROWS`). The .docx the clerk keeps is not changed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from xlreport.io.files import check_target, write_atomic
from xlreport.io import office
from xlreport.report.docx import RenderResult

__all__ = ["PDF_EXPORT", "break_before", "convert_keeping_groups", "convert_pdf", "document_fonts", "font_substitutions",
           "split_group"]

# LibreOffice's PDF export with tags (the JSON filter options of LibreOffice ≥ 7.4).
PDF_EXPORT = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GROUP_ROWS = range(2, 9)  # rows of a group (a vertically merged label): 2 to 8


def convert_pdf(docx: str | os.PathLike, target: str | os.PathLike, force: bool = False) -> RenderResult:
    """Convert with LibreOffice into a private temporary folder, then move the PDF into place atomically.

    No group of table rows is split across pages (see the module docstring). The
    warnings name the 公文 fonts that were substituted (one line, Chinese).
    """
    target = check_target(target, force)
    with tempfile.TemporaryDirectory(prefix="xlreport-pdf-") as tmp:
        converted = convert_keeping_groups([Path(docx)], tmp)[0]
        path = write_atomic(target, lambda tmp: shutil.copyfile(converted, tmp), force)
    line = font_substitutions(docx)
    return RenderResult(path, [line] if line else [])


def convert_keeping_groups(sources: list[Path], folder: str | os.PathLike) -> list[Path]:
    """Convert each .docx (distinct names) to a tagged PDF in `folder` (in one LibreOffice
    run per pass), splitting a table before every group of rows that would fall on two
    pages and converting that copy again (see the module docstring). Returns the PDFs."""
    current = list(sources)
    pdfs = _convert(current, Path(folder))
    pending = list(range(len(current)))
    for attempt in range(1, 10):
        todo: dict[int, tuple[tuple[int, int], Path]] = {}
        passdir = Path(folder) / f"pass{attempt}"
        for i in pending:
            split = split_group(current[i], pdfs[i])
            if split is not None:
                passdir.mkdir(exist_ok=True)
                fixed = passdir / f"{i}-{sources[i].name}"
                fixed.write_bytes(break_before(current[i].read_bytes(), *split))
                todo[i] = split, fixed
        if not todo:
            break
        outs = _convert([fixed for _, fixed in todo.values()], passdir)
        pending = []
        for (i, (split, fixed)), out in zip(todo.items(), outs):
            if split_group(fixed, out) == (split[0] + 1, _header_count(fixed, split[0] + 1)):
                continue  # the group is taller than a page: keep the layout of the pass before
            current[i], pdfs[i] = fixed, out
            pending.append(i)
    return pdfs


def _convert(sources: list[Path], folder: Path) -> list[Path]:
    if len(sources) == 1:
        return [office.convert(sources[0], PDF_EXPORT, folder)]
    return office.convert_many(sources, PDF_EXPORT, folder)


# --- groups of rows ------------------------------------------------------------


@dataclass
class _Row:
    cells: list[tuple[int, object]]  # (grid column, w:tc)
    header: bool


def _rows(tbl) -> list[_Row]:
    rows = []
    for tr in tbl.findall(f"{W}tr"):
        col, cells = 0, []
        for tc in tr.findall(f"{W}tc"):
            cells.append((col, tc))
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            col += int(span.get(f"{W}val", "1")) if span is not None else 1
        rows.append(_Row(cells, tr.find(f"{W}trPr/{W}tblHeader") is not None))
    return rows


def _merge(tc) -> str | None:
    """"restart", "continue" or None (not vertically merged)."""
    el = tc.find(f"{W}tcPr/{W}vMerge")
    return None if el is None else (el.get(f"{W}val") or "continue")


def _text(tc) -> str:
    return "".join("".join(t.text or "" for t in tc.iter(f"{W}t")).split())


def _groups(tbl) -> list[tuple[int, list[str]]]:
    """(first row, the label text of each of its rows) of every group of `tbl`."""
    rows = _rows(tbl)
    out = []
    for i, row in enumerate(rows):
        if row.header:
            continue
        for col, tc in row.cells:
            if _merge(tc) != "restart":
                continue
            end = i + 1
            while end < len(rows) and any(c == col and _merge(t) == "continue" for c, t in rows[end].cells):
                end += 1
            if end - i in GROUP_ROWS:
                labels = [next((_text(t) for c, t in rows[r].cells if c > col and _text(t)), "")
                          for r in range(i, end)]
                out.append((i, labels))
    return out


def _tables(root) -> list:
    return root.findall(f"{W}body/{W}tbl")


def _document(docx: str | os.PathLike | bytes):
    from lxml import etree

    raw = docx if isinstance(docx, bytes) else Path(docx).read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return etree.fromstring(zf.read("word/document.xml"))


def _header_count(docx: str | os.PathLike, table: int) -> int:
    tables = _tables(_document(docx))
    return sum(r.header for r in _rows(tables[table])) if table < len(tables) else -1


def page_texts(pdf: str | os.PathLike) -> list[str]:
    """The text of every page of a PDF, without white space."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return ["".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc))]
    finally:
        doc.close()


def split_group(docx: str | os.PathLike, pdf: str | os.PathLike) -> tuple[int, int] | None:
    """(table, first row) of the first group of rows that `pdf` prints on two pages (None: none).

    Each row is found by its label text, in order from the previous row on; a
    table whose rows are not all found is left alone."""
    pages = page_texts(pdf)
    page, offset = 0, 0
    for t, tbl in enumerate(_tables(_document(docx))):
        for start, labels in _groups(tbl):
            where = []
            for label in labels:
                if not label:
                    return None
                while page < len(pages) and (found := pages[page].find(label, offset)) < 0:
                    page, offset = page + 1, 0
                if page == len(pages):
                    return None
                where.append(page)
                offset = found + len(label)
            if where[0] != where[-1]:
                return t, start
    return None


def break_before(docx: bytes, table: int, row: int) -> bytes:
    """`docx` with its `table`-th table split before `row`: the second part starts
    on a new page with the header rows repeated."""
    import copy

    from lxml import etree

    root = _document(docx)
    tbl = _tables(root)[table]
    trs = tbl.findall(f"{W}tr")
    second = etree.Element(tbl.tag)
    for child in tbl:
        if child.tag != f"{W}tr":
            second.append(copy.deepcopy(child))
    for tr in trs:
        if tr.find(f"{W}trPr/{W}tblHeader") is not None:
            second.append(copy.deepcopy(tr))
    for tr in trs[row:]:
        second.append(tr)  # moved
    for tc in trs[row].findall(f"{W}tc"):
        if _merge(tc) == "continue":  # a label that began above: it begins again here
            tc.find(f"{W}tcPr/{W}vMerge").set(f"{W}val", "restart")
    brk = etree.fromstring(
        f'<w:p xmlns:w="{W[1:-1]}"><w:pPr><w:pageBreakBefore/>'
        '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')
    tbl.addnext(brk)
    brk.addnext(second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(info, data)
    return out.getvalue()


# --- fonts ---------------------------------------------------------------------


def document_fonts(docx: str | os.PathLike) -> list[str]:
    """The east-Asian fonts a .docx asks for (styles and direct formatting), in order of first use."""
    names: list[str] = []
    with zipfile.ZipFile(docx) as zf:
        for part in ("word/styles.xml", "word/document.xml"):
            if part in zf.namelist():
                for name in re.findall(r'<w:rFonts\b[^>]*\bw:eastAsia="([^"]+)"', zf.read(part).decode("utf-8")):
                    if name not in names:
                        names.append(name)
    return names


def font_substitutions(docx: str | os.PathLike) -> str:
    """One Chinese line naming which font stood in for which 公文 font in the PDF ("" if none)."""
    stand_ins = office.font_stand_ins(document_fonts(docx))
    if not stand_ins:
        return ""
    pairs = "，".join(f"{name}→{used}" for name, used in stand_ins.items())
    return (f"本机没有报告所用的字体，PDF 中以其他字体代替（{pairs}），字形与正式公文不同，仅供预览；"
            "正式 PDF 请在装有这些字体的 Word 或 WPS 中另存为 PDF")
