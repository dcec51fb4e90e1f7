"""Reading published reports (web pages, Word, PDF, text) back into data.

`extract(path)` turns a file into a neutral `Document` (document.py) by its
suffix; `match.import_report(path)` maps that to the keys of a format. The
extractors with heavy dependencies are imported only when their suffix is met.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .document import Document

TEXT_SUFFIXES = (".txt", ".md")
PUBLISHED_SUFFIXES = (".html", ".htm", ".docx", ".pdf", ".doc", ".wps", *TEXT_SUFFIXES)


def extract(path: str | os.PathLike) -> Document:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from .text import read_text

        return read_text(p)
    if suffix in (".html", ".htm"):
        from .html import read_html  # type: ignore[import-not-found]

        return read_html(p)
    if suffix == ".docx":
        from .docx import read_docx  # type: ignore[import-not-found]

        return read_docx(p)
    if suffix == ".pdf":
        from .pdf import read_pdf  # type: ignore[import-not-found]

        return read_pdf(p)
    if suffix in (".doc", ".wps"):
        from .legacy import read_legacy  # type: ignore[import-not-found]

        return read_legacy(p)
    raise InputError(f"不支持的文件类型“{p.name}”：可导入网页（.html/.htm）、Word（.docx/.doc/.wps）、PDF 或文本（.txt/.md）")
