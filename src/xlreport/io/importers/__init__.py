"""Extraction of published reports into a neutral `Document` (issue 12).

`extract(path)` picks the reader by the file's content first (a saved page
named .doc, a Word 97 file named .htm and a .docx named .doc all occur), and
by its suffix where the content does not tell (plain text).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from xlreport.errors import DamagedFile, NotFound, UnsupportedType, read_error
from xlreport.io.importers.document import Cell, Document, Paragraph, Table

__all__ = ["Cell", "Document", "Paragraph", "Table", "extract", "sniff"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".csv", ".tsv"}
LEGACY_SUFFIXES = {".doc", ".wps", ".rtf", ".wpt", ".dot", ".odt"}
# Suffixes whose content the sniffing recognises: a file so named with other content is damaged
# (a cut download, a text saved under the wrong name). .doc/.wps are not here: a page or text saved
# as .doc is common and is read by its content.
DAMAGED_WHEN_NOT = {".pdf": ("PDF", "PDF"), ".docx": ("Word", "Word .docx 格式"), ".docm": ("Word", "Word .docm 格式"),
                    ".dotx": ("Word", "Word .dotx 格式")}


def sniff(path: str | Path) -> str:
    """The reader for a file: "pdf", "docx", "doc", "html", "mht" or "text". Raises UnsupportedType for other kinds."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise read_error(p, exc) from None
    if not head.strip():
        raise DamagedFile(f"“{p.name}”是空文件，没有可导入的内容")
    suffix = p.suffix.lower()
    low = head.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK"):
        return "doc" if suffix in (".odt",) else "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"{\\rtf"):
        return "doc"
    if (b"mime-version:" in low[:2048] and b"multipart/related" in low) or suffix in (".mht", ".mhtml"):
        return "mht"
    stripped = low.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low or b"<table" in low \
            or b"<body" in low or (suffix in HTML_SUFFIXES and b"<" in low):
        return "html"
    if suffix in DAMAGED_WHEN_NOT:  # named as a kind we read, but its content is not that kind
        kind, content = DAMAGED_WHEN_NOT[suffix]
        raise DamagedFile(f"“{p.name}”已损坏或不是 {kind} 文件（文件内容{_content(head)}不是 {content}），"
                         f"请重新下载或另存后再导入")
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES or suffix in LEGACY_SUFFIXES or not suffix:
        return "text"
    if suffix in (".xlsx", ".xlsm", ".xls", ".et"):
        raise UnsupportedType(f"“{p.name}”是 Excel 工作簿，不是发布的报告；工作簿请直接用 xlreport check 检查")
    if suffix in (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"):
        raise UnsupportedType(f"“{p.name}”是图片，无法读取其中的文字；请找到报告的网页、Word 或 PDF 版本")
    raise UnsupportedType(f"“{p.name}”不是能导入的报告格式（支持网页 .html/.htm、Word .docx/.doc、WPS .wps、PDF 和文本 .txt）")


def _content(head: bytes) -> str:
    """What the first bytes of a file look like, for the message on a file that is not what its name says."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return "是纯文本，" if b"\x00" not in head else ""


def extract(path: str | Path) -> Document:
    """Read a published report (web page, Word/WPS, PDF, plain text) into a Document."""
    p = Path(path)
    if not p.exists():
        raise NotFound(f"找不到文件“{p}”，请检查路径")
    if p.is_dir():
        raise UnsupportedType(f"“{p}”是文件夹，不是报告文件")
    from xlreport.io.files import regular_file

    kind = sniff(regular_file(p, "报告文件"))  # each reader guards the size
    if kind == "pdf":
        from xlreport.io.importers.pdf import read_pdf
        return read_pdf(p)
    if kind == "docx":
        from xlreport.io.importers.docx import read_docx
        return read_docx(p)
    if kind == "doc":
        from xlreport.io.importers.legacy import read_legacy
        return read_legacy(p)
    if kind == "html":
        from xlreport.io.importers.html import read_html
        return read_html(p)
    if kind == "mht":
        from xlreport.io.importers.html import read_mht
        return read_mht(p)
    return _read_text(p)


def _read_text(p: Path) -> Document:
    # The plain-text reader (tab/|-separated rows, Markdown tables) is written alongside (issue 12, i12b).
    for name in ("plaintext", "text", "txt"):
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            continue
        reader = getattr(module, "read_text", None)
        if reader is not None:
            return reader(p)
    raise UnsupportedType(f"“{p.name}”是纯文本，本版本还不能导入纯文本报告；请使用网页、Word 或 PDF 版本")
