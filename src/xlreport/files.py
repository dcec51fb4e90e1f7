"""Safe output: never a half-written file, never an overwrite without --force."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from .errors import OutputError, os_error_of, reason, shown


def check_target(path: str | os.PathLike, force: bool = False) -> Path:
    """Refuse a target that exists (without force) or whose folder is missing or read-only."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"输出路径“{target}”是一个文件夹，请给出文件名")
    if target.exists() and not force:
        raise OutputError(f"文件“{target}”已存在，未覆盖；如需覆盖请加 --force，或换一个文件名")
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"输出文件夹“{folder}”不存在，请先创建该文件夹或换一个位置")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"输出文件夹“{folder}”没有写入权限，请换一个位置")
    return target


def numbered(target: Path, start: int = 2) -> Path:
    """报告.docx → 报告(2).docx, 报告(3).docx … — the first name not taken."""
    n = start
    while True:
        candidate = target.with_name(f"{target.stem}({n}){target.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def free_name(target: Path) -> Path:
    """`target` itself if it is free, else the first free numbered name."""
    target = Path(target)
    return target if not target.exists() else numbered(target)


def write_atomic(path: str | os.PathLike, write: Callable[[str], None], force: bool = False,
                 notify: Callable[[str], None] | None = None) -> Path:
    """Let `write(tmp_path)` produce the file beside the target, then rename it into place.

    Either the complete file appears or nothing changes. When the target cannot
    be replaced because another program holds it open (Word on Windows), the
    file is written under a numbered name instead and `notify` is told.
    Returns the path actually written.
    """
    target = check_target(path, force)
    try:
        # the temporary file keeps the suffix: some writers look at it (XlsxWriter: .xlsm for macros)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.tmp-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"无法在“{target.parent}”中写入文件（{reason(exc, '写入')}），请换一个位置") from None
    try:
        try:
            write(tmp)
        except Exception as exc:  # XlsxWriter wraps a failed write (a full disk) in its own error
            err = os_error_of(exc)
            if err is None:
                raise
            raise OutputError(f"写入“{target}”失败（{reason(err, '写入')}），原文件未改动") from None
        _usual_permissions(tmp)
        if target.exists() and not force:  # appeared while we were writing
            raise OutputError(f"文件“{target}”已存在，未覆盖；如需覆盖请加 --force，或换一个文件名")
        try:
            os.replace(tmp, target)
        except PermissionError:  # e.g. the file is open in Word or Excel on Windows
            other = numbered(target)
            os.replace(tmp, other)
            if notify:
                notify(f"“{target.name}”正被其他程序打开，无法覆盖，已另存为“{other.name}”")
            target = other
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


def _usual_permissions(path: str) -> None:
    """mkstemp makes the file private (0600); give it the mode a new file normally gets."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_bytes_atomic(path: str | os.PathLike, data: bytes, force: bool = False,
                       notify: Callable[[str], None] | None = None) -> Path:
    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)

    return write_atomic(path, write, force, notify)


def warn(message: str) -> None:
    """Tell the person at the terminal (stderr), in one line."""
    import sys

    print(f"注意：{shown(message)}", file=sys.stderr)


def check_output(output: str | os.PathLike, suffixes: tuple[str, ...], what: str,
                 inputs: tuple[str | os.PathLike | None, ...] = ()) -> Path:
    """Refuse an output whose extension does not say what is written (`export wb.xlsx -o
    wb.xlsx --force` would replace the workbook with JSON), and an output that is one of
    the inputs (a template, last year's workbook)."""
    out = Path(output)
    if out.suffix.lower() not in suffixes:
        raise OutputError(f"输出文件应以 {' 或 '.join(suffixes)} 结尾（{what}），而不是“{out.name}”；请改正文件名")
    for source in inputs:
        if source is not None and same_file(source, out):
            raise OutputError(f"输出文件“{out.name}”就是输入文件“{source}”，写入会毁掉输入；请换一个输出文件名")
    return out


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two names are one file (also through links, or a different spelling of the path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return Path(a).resolve() == Path(b).resolve()
