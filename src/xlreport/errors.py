"""Exceptions for "cannot continue". A data problem is a `Problem`, not an exception.

Also how operating-system errors and file names are told to the user: the reason
in Chinese (never the English strerror), and names that are not valid UTF-8
(GBK names from a zip made on Windows and unpacked on Linux) shown readably.
"""

from __future__ import annotations

import errno
import os
import re


class XlreportError(Exception):
    """Carries a one-line Chinese reason for the user (`message`; the CLI exits with 2) and a
    stable `code` for programs (docs/api.md lists them): the class's own, or a finer one
    given where it is raised (e.g. InputError code "not-found")."""

    code = "error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class UsageError(XlreportError):
    """The command or a function was called wrongly (an empty file name, options that do not go together)."""

    code = "usage"


class InputError(XlreportError):
    """A file cannot be read as a report (missing, unreadable, wrong kind, changed structure)."""

    code = "input"


class TemplateError(InputError):
    """A custom Word template cannot be used (broken tags, unknown variables, refused expressions)."""

    code = "template"


class OutputError(XlreportError):
    """An output cannot be written (exists without --force, folder missing or read-only)."""

    code = "output"


class MissingProgram(XlreportError):
    """A program the job needs is not installed (LibreOffice for PDF and .doc, Gnumeric, xlwings)."""

    code = "missing-program"


REASONS = {
    errno.ENOSPC: "磁盘已满，请清理磁盘空间或换一个位置",
    errno.EDQUOT: "超出了磁盘配额，请清理空间或换一个位置",
    errno.EACCES: "没有{doing}权限",
    errno.EPERM: "没有{doing}权限",
    errno.EROFS: "所在磁盘是只读的",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已存在同名文件",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EMFILE: "打开的文件太多",
    errno.EBUSY: "文件正被其他程序使用",
    errno.ETXTBSY: "文件正被其他程序使用",
    errno.EIO: "磁盘读写错误（设备可能有故障）",
    errno.EFBIG: "文件太大",
    errno.EINVAL: "文件名或路径无效",
}


def reason(exc: BaseException, doing: str = "") -> str:
    """Why an OSError happened, in Chinese (the errno's meaning; the number if unknown).
    `doing` ("读取", "写入") completes a permission error: 没有写入权限."""
    err = os_error_of(exc) or exc
    code = getattr(err, "errno", None)
    if code in REASONS:
        return REASONS[code].format(doing=doing)
    return f"系统错误：{getattr(err, 'strerror', None) or err}"  # rare: the system's own words


def os_error_of(exc: BaseException | None) -> OSError | None:
    """The OSError behind `exc`: itself, or one it was raised from (XlsxWriter wraps
    a failed write in its own FileCreateError)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError):
            return exc
        inner = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return None


# A run of characters that are part of a path (no white space, no Chinese quotes or brackets).
_PATH_TOKEN = re.compile(r"[^\s“”‘’（）()：，。、]*[\ud800-\udfff][^\s“”‘’（）()：，。、]*")


def shown(text: str | os.PathLike) -> str:
    """Text (a message, a file name) that can always be printed and written as JSON.

    Python keeps a file name that is not valid UTF-8 with its bytes as lone
    surrogates (surrogateescape); printing it would fail. Each path component
    with such bytes is decoded as UTF-8, else as GB18030 (what Windows zips use
    for Chinese names), else shown with \\x escapes. Control characters (a line break in a
    file name) are shown as \\x escapes too, so that a name can never fake a line of output.
    """
    text = os.fspath(text)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if re.search("[\ud800-\udfff]", text):
        text = _PATH_TOKEN.sub(lambda m: "/".join(_decode(part) for part in m.group(0).split("/")), text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _decode(part: str) -> str:
    try:
        raw = part.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that did not come from a file name
        return part.encode("utf-8", "backslashreplace").decode("ascii")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "backslashreplace")
