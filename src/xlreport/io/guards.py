"""Guards for Office Open XML archives (.xlsx, .xlsm, .docx), run before anything parses them.

Files handed in are refused early with a Chinese message when they are not
workbooks, are zip bombs, or hold values so far out that the reader's dense grid
would exhaust memory. The word importer (importers/docx.py) shares the zip limits.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path

from xlreport.errors import DamagedFile, TooLarge, Unreadable, UnsupportedType, reason

# Zip limits for reading (a real workbook is ~50 KB with ~20 members). The size and
# ratio limits apply to the parts that are unpacked and parsed (the XML); pictures and
# embedded files are never unpacked by the reader, so a large logo does not count.
MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 200
NOT_PARSED = ("xl/media/", "xl/embeddings/", "docProps/thumbnail")


def guard_zip(p: Path, sheets: Collection[str]) -> None:
    """Refuse files that are not workbooks, or archives of absurd size, before parsing them.
    `sheets`: the sheets the reader reads, whose far cells are refused (_guard_extents)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise Unreadable(f"无法读取“{p}”（{reason(exc, '读取')}），请检查文件的权限") from None
    if not head:
        raise DamagedFile(f"“{p.name}”是空文件，不是工作簿")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedType(f"“{p.name}”是旧版 .xls 格式或设置了打开密码；请去掉密码，并在 Excel 或 WPS 中“另存为”.xlsx 后再检查")
    if not head.startswith(b"PK"):
        raise DamagedFile(f"“{p.name}”不是 Excel 工作簿（文件内容不是 .xlsx 格式），请检查文件")
    try:
        with zipfile.ZipFile(p) as z:
            _guard_archive(p, z, sheets)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):  # NotImplementedError: zip version
        raise DamagedFile(f"“{p.name}”已损坏（不完整的 .xlsx 文件），请重新保存或从备份恢复") from None


def _guard_archive(p: Path, z: zipfile.ZipFile, sheets: Collection[str]) -> None:
    infos = z.infolist()
    names = {i.filename for i in infos}
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(f"“{p.name}”包含 {len(infos)} 个部件，不像年度报告工作簿，拒绝读取")
    named = _book_parts(z)
    parsed = [i for i in infos if not i.filename.startswith(NOT_PARSED) or i.filename in named]
    total = sum(i.file_size for i in parsed)
    packed = max(1, sum(i.compress_size for i in parsed))
    if total > MAX_UNCOMPRESSED:
        raise TooLarge(f"“{p.name}”的表格部分（图片除外）解压后有 {total // 1024 // 1024} MB，超过 "
                         f"{MAX_UNCOMPRESSED // 1024 // 1024} MB 的上限（年度报告不到 1 MB），"
                         f"可能是恶意构造的文件（压缩炸弹），拒绝读取")
    if total / packed > MAX_RATIO:
        raise TooLarge(f"“{p.name}”的表格部分压缩比为 {total // packed}:1，超过 {MAX_RATIO}:1 的上限"
                         f"（正常工作簿不到 20:1），可能是恶意构造的文件（压缩炸弹），拒绝读取")
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise UnsupportedType(f"“{p.name}”是 Word 文档，不是工作簿，请检查文件")
        raise DamagedFile(f"“{p.name}”不是 Excel 工作簿，请检查文件")
    _guard_extents(p, z, sheets)


def _book_parts(z: zipfile.ZipFile) -> set[str]:
    """The parts the workbook's relationships name (sheets, shared strings, styles): these
    are parsed wherever they are stored, so they count toward the limits."""
    try:
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return set()
    return {t.lstrip("/") if t.startswith("/") else f"xl/{t}"
            for t in re.findall(r'Target="([^"]+)"', rels)}


# The reader builds a dense grid per sheet from A1 to the farthest cell with a
# value: one stray value in XFD1048576 would ask for terabytes (calamine then
# aborts the process). The report needs about 40 rows and 15 columns, so a sheet
# the reader reads may not have a value at row 1000 or column AAA (at most 999 x
# 702 cells). Cells with formatting only (<c r="A5000" s="3"/>, a bold or filled
# cell far below) and the <dimension> element do not enlarge calamine's grid
# (python-calamine 0.9, tested in test_bad_input.py), so they are allowed.
# A cell's r="…" (a row's r has digits only). The pattern starts with a literal so
# the search is fast, and it matches whatever white space precedes the attribute.
FAR_CELL = re.compile(rb'r="([A-Z]{3}[0-9]+|[A-Z]{1,2}[0-9]{4,})"')
VALUE_CHILD = re.compile(rb"<(?:\w+:)?(?:v|f|is)[\s/>]")
CELL_END = re.compile(rb"</(?:\w+:)?c>")


def _far_value(xml: bytes) -> re.Match | None:
    """The first far cell that holds a value or formula (None: formatting only, or nothing)."""
    for far in FAR_CELL.finditer(xml):
        start = xml.rfind(b"<", 0, far.start())
        tag = re.match(rb"<(?:\w+:)?(\w+)", xml[start:start + 40])
        if not tag or tag.group(1) != b"c":
            return far  # not a cell: be safe
        end = xml.find(b">", far.end())
        if end < 0:
            return far
        if xml[end - 1:end] == b"/":
            continue  # <c r="…" s="3"/>: formatting only
        close = CELL_END.search(xml, end)
        body = xml[end + 1:close.start() if close else len(xml)]
        if VALUE_CHILD.search(body):
            return far
    return None


def _guard_extents(p: Path, z: zipfile.ZipFile, sheets: Collection[str]) -> None:
    members = sheet_members(z)
    for sheet in sorted(set(sheets) & members.keys()):
        try:
            xml = z.read(members[sheet])
        except (KeyError, OSError):
            continue  # the reader reports the missing part
        far = _far_value(xml)
        if far:
            raise TooLarge(f"“{p.name}”的工作表“{sheet}”在表格范围以外很远处有内容（{far.group(1).decode()}），"
                             f"不像年度报告工作簿；请删除表格以外的内容后再检查")


def sheet_members(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding it (xl/workbook.xml + its relationships)."""
    try:
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        book = z.read("xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({a: b for b, a in re.findall(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    members = {}
    for name, rid in re.findall(r'<(?:\w+:)?sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', book):
        target = targets.get(rid, "")
        members[xml_unescape(name)] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return members


def xml_unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))
