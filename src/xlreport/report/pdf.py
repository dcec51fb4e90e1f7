"""The PDF of the Word report (`xlreport render … --pdf`), converted by LibreOffice.

`convert_pdf` converts into a private temporary folder and moves the PDF into
place atomically; its warning names the 公文 fonts that this computer lacks and
which fonts stood in for them (`font_substitutions`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile

from xlreport.io.files import check_target, write_atomic
from xlreport.io import office
from xlreport.report.docx import RenderResult

__all__ = ["convert_pdf", "document_fonts", "font_substitutions"]


def convert_pdf(docx: str | os.PathLike, target: str | os.PathLike, force: bool = False) -> RenderResult:
    """Convert with LibreOffice into a private temporary folder, then move the PDF into place atomically.

    The warnings name the 公文 fonts that were substituted (one line, Chinese).
    """
    target = check_target(target, force)
    with tempfile.TemporaryDirectory(prefix="xlreport-pdf-") as tmp:
        converted = office.convert(docx, "pdf", tmp)
        path = write_atomic(target, lambda tmp: shutil.copyfile(converted, tmp), force)
    line = font_substitutions(docx)
    return RenderResult(path, [line] if line else [])


def document_fonts(docx: str | os.PathLike) -> list[str]:
    """The east-Asian fonts a .docx asks for (styles and direct formatting), in order of first use."""
    import zipfile

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
