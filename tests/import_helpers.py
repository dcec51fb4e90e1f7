"""Test helpers for the importer: a minimal .docx → Document reader (python-docx).

The real extractor is i12a's `xlreport.io.importers.docx.read_docx`; this stand-in
lets the round-trip tests run before it is merged, and is used only when that
module cannot be imported. It reads the body in order, each table as a grid of
anchor cells (gridSpan / vMerge resolved by python-docx's cell identity).
"""

from __future__ import annotations

from pathlib import Path

from xlreport.io.importers.document import Cell, Document, Paragraph, Table


def read_docx_minimal(path: str | Path) -> Document:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    d = docx.Document(str(path))
    blocks: list = []
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = " ".join(DocxParagraph(child, d).text.split())
            if text:
                blocks.append(Paragraph(text))
        elif tag == "tbl":
            t = DocxTable(child, d)
            rows = t.rows
            n_rows = len(rows)
            n_cols = max(len(r.cells) for r in rows)
            anchors: dict[int, list[int]] = {}  # id(cell._tc) -> [row, col, rowspan, colspan]
            order = []
            for r, row in enumerate(rows):
                for c, cell in enumerate(row.cells):
                    key = id(cell._tc)
                    if key not in anchors:
                        anchors[key] = [r, c, 1, 1, cell]
                        order.append(key)
                    else:
                        a = anchors[key]
                        a[2] = max(a[2], r - a[0] + 1)
                        a[3] = max(a[3], c - a[1] + 1)
            cells = tuple(Cell("\n".join(" ".join(p.text.split()) for p in a[4].paragraphs if p.text.strip()),
                               a[0], a[1], a[2], a[3]) for a in (anchors[k] for k in order))
            blocks.append(Table(len([b for b in blocks if isinstance(b, Table)]) + 1, cells, n_rows, n_cols))
    title = next((b.text for b in blocks if isinstance(b, Paragraph)), "")
    return Document(str(path), "docx", tuple(blocks), title=title)


def extract_docx(path: str | Path) -> Document:
    """i12a's extractor when it is there, else the minimal reader above."""
    try:
        from xlreport.io.importers.docx import read_docx  # type: ignore[import-not-found]
    except ImportError:
        return read_docx_minimal(path)
    return read_docx(path)
