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

# module and function of each extractor, by suffix (html, docx, pdf, legacy: i12a's)
EXTRACTORS = {".txt": ("text", "read_text"), ".md": ("text", "read_text"),
              ".html": ("html", "read_html"), ".htm": ("html", "read_html"),
              ".docx": ("docx", "read_docx"), ".pdf": ("pdf", "read_pdf"),
              ".doc": ("legacy", "read_legacy"), ".wps": ("legacy", "read_legacy")}


def extract(path: str | os.PathLike) -> Document:
    """The file as a Document, by its suffix; InputError when it cannot be read."""
    import importlib

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in EXTRACTORS:
        raise InputError(f"不支持的文件类型“{p.name}”：可导入网页（.html/.htm）、Word（.docx/.doc/.wps）、PDF 或文本（.txt/.md）")
    module, function = EXTRACTORS[suffix]
    try:
        reader = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{module}":
            raise InputError(f"这个版本的 xlreport 还不能读取 {suffix} 文件，请把报告另存为文本（.txt）后再导入") from None
        raise InputError(f"读取 {suffix} 文件需要程序库“{exc.name}”，请安装后再试（pip install xlreport 会一并安装）") from None
    return reader(p)
