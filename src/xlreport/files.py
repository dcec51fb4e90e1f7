"""Safe output: never a half-written file, never an overwrite without --force."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from .errors import OutputError


def check_target(path: str | os.PathLike, force: bool = False) -> Path:
    """Refuse a target that exists (without force) or whose folder is missing or read-only."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"输出路径“{target}”是一个文件夹，请给出文件名")
    if target.exists() and not force:
        raise OutputError(f"文件“{target}”已存在，未覆盖；如需覆盖请加 --force，或换一个文件名")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"输出文件夹“{folder}”不存在，请先创建该文件夹或换一个位置")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"输出文件夹“{folder}”没有写入权限，请换一个位置")
    return target


def write_atomic(path: str | os.PathLike, write: Callable[[str], None], force: bool = False) -> Path:
    """Let `write(tmp_path)` produce the file beside the target, then rename it into place.

    Either the complete file appears at `path` or nothing changes there.
    """
    target = check_target(path, force)
    # the temporary file keeps the suffix: some writers look at it (XlsxWriter: .xlsm for macros)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.tmp-", suffix=target.suffix, dir=target.parent or ".")
    os.close(fd)
    try:
        write(tmp)
        if target.exists() and not force:  # appeared while we were writing
            raise OutputError(f"文件“{target}”已存在，未覆盖；如需覆盖请加 --force，或换一个文件名")
        try:
            os.replace(tmp, target)
        except PermissionError as exc:  # e.g. the file is open in Word on Windows
            raise OutputError(f"无法写入“{target}”（文件可能正被其他程序打开），请关闭后重试：{exc.strerror}") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


def write_bytes_atomic(path: str | os.PathLike, data: bytes, force: bool = False) -> Path:
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)

    return write_atomic(path, write, force)
