"""Old Word (.doc), WPS (.wps) and RTF files -> Document, through LibreOffice.

LibreOffice converts the file to .docx in a temporary folder (office.convert,
private profile), which docx.read_docx then reads; the Document keeps the
original path and kind "doc". Without LibreOffice the user is told to install
it or to save the file as .docx.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from xlreport.errors import DamagedFile, MissingProgram, TooLarge, XlreportError, read_error
from xlreport.io import office
from xlreport.io.importers.document import Document
from xlreport.io.importers.docx import read_docx

MAX_BYTES = 50 * 1024 * 1024


def read_legacy(path: str | Path) -> Document:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise read_error(p, exc) from None
    if size == 0:
        raise DamagedFile(f"“{p.name}”是空文件，不是 Word 文档")
    if size > MAX_BYTES:
        raise TooLarge(f"“{p.name}”有 {size // 1024 // 1024} MB，不像年度报告，拒绝读取")
    if office.find_soffice() is None:
        raise MissingProgram(f"读取“{p.name}”（旧版 Word/WPS 格式）需要 LibreOffice；请安装 LibreOffice，"
                         "或在 Word/WPS 中把它“另存为”.docx 后再导入")
    with tempfile.TemporaryDirectory(prefix="xlreport-doc-") as tmp:
        # LibreOffice picks its filter by content, but a Kingsoft .wps is a Word 97 file: name it so.
        suffix = ".doc" if p.suffix.lower() in (".wps", ".wpt", ".dot") else p.suffix.lower() or ".doc"
        src = Path(tmp) / f"source{suffix}"
        shutil.copyfile(p, src)
        out = Path(tmp) / "out"
        out.mkdir()
        with open(p, "rb") as fh:
            head = fh.read(8)
        # the import filter by content: without one LibreOffice reads a damaged file as plain text
        infilter = None
        if head.startswith(b"\xd0\xcf\x11\xe0"):   # OLE: Word 97-2003, and Kingsoft .wps
            infilter = "MS Word 97"
        elif head.startswith(b"{\\rtf"):
            infilter = "Rich Text Format"
        try:
            converted = office.convert(src, "docx:MS Word 2007 XML", out, timeout=120, infilter=infilter)
        except XlreportError:
            raise DamagedFile(f"LibreOffice 无法打开“{p.name}”（文件可能已损坏或设置了密码）；"
                             "请在 Word/WPS 中打开并“另存为”.docx 后再导入") from None
        doc = read_docx(converted)
    return replace(doc, path=str(p), kind="doc")
