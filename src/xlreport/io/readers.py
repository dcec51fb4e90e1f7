"""Reading any report file: the readers registered by suffix.

Our own data files (.json) and workbooks (.xlsx/.xlsm), and published reports
(web pages, Word, PDF, text: the importers). A reader is imported only when a
file of its kind is read, so `xlreport check` on data files stays fast.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Callable

from xlreport.errors import InputError, NotFound, UnsupportedType, reason
from xlreport.io.files import PUBLISHED, not_readable_reason, regular_file
from xlreport.model.report import Report

# suffix -> (module, function) of its reader; files.py keeps which suffixes are reports
READERS: dict[str, tuple[str, str]] = {
    ".json": ("xlreport.io.jsonfile", "read_json"),
    ".xlsx": ("xlreport.workbook.reader", "read_workbook"),
    ".xlsm": ("xlreport.workbook.reader", "read_workbook"),
    **{suffix: ("xlreport.io.importers.match", "import_report") for suffix in PUBLISHED},
}


def reader_for(path: str | os.PathLike) -> Callable[[Path], Report] | None:
    entry = READERS.get(Path(path).suffix.lower())
    if entry is None:
        return None
    module, function = entry
    return getattr(importlib.import_module(module), function)


def load_report(path: str | os.PathLike) -> Report:
    """Read a JSON data file, an xlreport workbook or a published report; raise InputError if it cannot be read."""
    p = Path(path)
    if not p.exists():
        raise NotFound(f"找不到文件“{p}”，请检查路径")
    if p.is_dir():
        try:
            os.listdir(p)
        except OSError as exc:  # an unreadable folder is not an empty one
            raise InputError(f"无法打开文件夹“{p}”（{reason(exc, '读取')}），请检查该文件夹的权限") from None
        raise InputError(f"“{p}”是一个文件夹，其中没有可检查的数据文件（.json）、工作簿（.xlsx/.xlsm）或已发布的报告")
    read = reader_for(p)
    if read is None:
        raise UnsupportedType(not_readable_reason(p))  # the reasons for every other kind live beside READABLE
    return read(regular_file(p, "报告文件"))  # each reader guards the size
