"""The neutral document that every importer produces (issue 12).

Extraction (html.py, docx.py, pdf.py, legacy.py, and the plain-text reader)
turns a published report into a `Document`: narrative paragraphs and tables
as grids with merges and provenance (page numbers for PDF). The matching layer
maps a `Document` to report data; it never looks at the source file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str            # the cell's text: runs/spans joined, whitespace (incl. &nbsp;, U+3000) collapsed to
    #                      single spaces and stripped; paragraphs inside a cell joined with "\n"
    row: int             # 0-based grid position of the cell's top-left
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    index: int                  # 1-based order of the table in the document
    cells: tuple[Cell, ...]     # anchor cells only (a merged cell appears once)
    n_rows: int
    n_cols: int
    page: int | None = None     # page where the table starts (PDF; None for html/docx/text)
    row_pages: tuple[int | None, ...] = ()   # page of each grid row (PDF: a table can span pages)

    def grid(self) -> list[list[Cell | None]]:
        """n_rows x n_cols; each position -> its anchor Cell (covered positions point to the same anchor)."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                for k in range(c.col, min(c.col + c.colspan, self.n_cols)):
                    out[r][k] = c
        return out

    def rows(self) -> list[list[str]]:
        """Convenience: the grid as text, "" where no cell covers a position (merged text repeated)."""
        return [[c.text if c is not None else "" for c in row] for row in self.grid()]


@dataclass(frozen=True)
class Paragraph:
    text: str
    page: int | None = None
    style: str = ""   # heading hints if the source has them (html h1..h6 / docx style name), else ""


@dataclass(frozen=True)
class Document:
    path: str
    kind: str                                   # "html", "docx", "pdf", "text", "doc"
    blocks: tuple[Paragraph | Table, ...]       # reading order, tables in place
    title: str = ""                             # html <title>/<meta name=ArticleTitle>, docx core title, pdf Title — may be empty
    notes: tuple[str, ...] = ()                 # Chinese notes on what could not be read (e.g. an image-only page)
    titles: tuple[tuple[str, str], ...] = ()    # every title the file carries besides its text, best first: (where, text)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]
