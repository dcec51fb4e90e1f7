"""A published report as read from a file: narrative paragraphs and tables, in reading order.

The extractors (html, docx, pdf, text, legacy) produce it; the matcher (match.py)
maps it to the data keys of a format. Nothing here knows the official labels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str  # runs joined; whitespace (incl. &nbsp;, U+3000) collapsed to single spaces, stripped; paragraphs joined by "\n"
    row: int  # 0-based grid position of the top-left corner
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    index: int  # 1-based order of the table in the document
    cells: tuple[Cell, ...]  # anchor cells only: a merged cell appears once
    n_rows: int
    n_cols: int
    page: int | None = None  # page where the table starts (PDF), else None
    row_pages: tuple[int | None, ...] = ()  # page of each grid row (PDF), else ()

    def grid(self) -> list[list[Cell | None]]:
        """n_rows x n_cols; every position covered by a merged cell holds its anchor."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.rowspan, self.n_rows)):
                for k in range(c.col, min(c.col + c.colspan, self.n_cols)):
                    out[r][k] = c
        return out


@dataclass(frozen=True)
class Paragraph:
    text: str
    page: int | None = None
    style: str = ""  # heading hint from the source (html h1..h6, docx style name), else ""


@dataclass(frozen=True)
class Document:
    path: str
    kind: str  # "html", "docx", "pdf", "text", "doc"
    blocks: tuple[Paragraph | Table, ...]  # reading order, tables in place
    title: str = ""
    notes: tuple[str, ...] = ()  # Chinese notes on what could not be read

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]
