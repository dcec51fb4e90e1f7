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
    stable `code` for programs (docs/api.md lists them). Each kind of error is a class that
    carries its code (`DamagedFile.code == "damaged"`); raise the kind, not a code."""

    code = "error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:  # kept for callers of earlier releases; new code raises the kind
            self.code = code


class UsageError(XlreportError):
    """The command or a function was called wrongly (an empty file name, options that do not go together)."""

    code = "usage"


class InputError(XlreportError):
    """A file cannot be read as a report (missing, unreadable, wrong kind, changed structure)."""

    code = "input"


class NotFound(InputError):
    """The file (or template, roster) does not exist."""

    code = "not-found"


class Unreadable(InputError):
    """The file exists but cannot be read (permissions, a disk error)."""

    code = "unreadable"


class UnsupportedType(InputError):
    """A file of a kind that is not a report (.xls, a picture, a Word file given as a workbook)
    or not what the job needs."""

    code = "unsupported-type"


class DamagedFile(InputError):
    """A damaged or truncated file (workbook, .docx, .pdf, web page), an empty one, or one
    that is not what its name says."""

    code = "damaged"


class TooLarge(InputError):
    """A file beyond the guards: archive size, ratio or parts (a zip bomb), pages, cells, bytes."""

    code = "too-large"


class BadJson(InputError):
    """A data file that is not valid JSON, not UTF-8, or not of the contract's shape."""

    code = "bad-json"


class NotAReport(InputError):
    """A file that was read but holds no annual report (no tables and no year; no text layer)."""

    code = "not-a-report"


class NotXlreport(NotAReport):
    """A workbook not made by xlreport (no marker, or a damaged one)."""

    code = "not-xlreport"


class LayoutChanged(InputError):
    """A workbook whose structure was changed (a sheet renamed, rows inserted, a label
    overwritten), or made by another release with another layout."""

    code = "layout-changed"


class NoReports(InputError):
    """The audit found no report of the year under review."""

    code = "no-reports"


class UnknownUnit(InputError):
    """No reviewed unit of an audit has the name asked for (audit.feedback.unit_feedback)."""

    code = "unknown-unit"


class TemplateError(InputError):
    """A custom Word template cannot be used (broken tags, unknown variables, refused expressions)."""

    code = "template"


class OutputError(XlreportError):
    """An output cannot be written (folder missing or read-only, disk full)."""

    code = "output"


class Exists(OutputError):
    """The output exists and overwriting it was not asked for."""

    code = "exists"


class WrongExtension(OutputError):
    """The output's extension does not fit what is written."""

    code = "wrong-extension"


class SameAsInput(OutputError):
    """The output is one of the inputs: writing it would destroy the input."""

    code = "same-as-input"


class MissingProgram(XlreportError):
    """A program the job needs is not installed (LibreOffice for PDF and .doc, Gnumeric, xlwings)."""

    code = "missing-program"


class ProgramFailed(XlreportError):
    """A program the job runs (LibreOffice, Gnumeric) failed or took too long."""

    code = "program-failed"


# Every kind, by its code (docs/api.md lists them)
KINDS: dict[str, type[XlreportError]] = {cls.code: cls for cls in (
    XlreportError, UsageError, InputError, NotFound, Unreadable, UnsupportedType, DamagedFile, TooLarge, BadJson,
    NotAReport, NotXlreport, LayoutChanged, NoReports, UnknownUnit, TemplateError, OutputError, Exists, WrongExtension,
    SameAsInput, MissingProgram, ProgramFailed)}


def reworded(message: str, terms: tuple[tuple[str, str], ...]) -> str:
    """A message with some phrases said in a shell's own terms (the audit's, the command line's)."""
    for theirs, ours in terms:
        message = message.replace(theirs, ours)
    return message


def read_error(path: str | os.PathLike, exc: OSError) -> InputError:
    """The error for a file that could not be read: NotFound, or Unreadable with the reason in Chinese."""
    if isinstance(exc, FileNotFoundError):
        return NotFound(f"找不到文件“{shown(path)}”，请检查路径")
    return Unreadable(f"无法读取“{shown(path)}”（{reason(exc, '读取')}），请检查文件和它的权限")


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
    errno.ELOOP: "路径中的链接绕成了圈",
    errno.ENXIO: "设备不存在或未连接",
    errno.ENODEV: "设备不存在或未连接",
    errno.EXDEV: "不能跨磁盘移动文件",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.ESPIPE: "这不是普通文件（管道或设备）",
    errno.EPIPE: "接收输出的程序已关闭",
    errno.ENOMEM: "内存不足",
    errno.EAGAIN: "资源暂时不可用，请稍后重试",
    errno.EINTR: "操作被中断，请重试",
    errno.ETIMEDOUT: "操作超时（网络磁盘可能断开）",
    errno.ESTALE: "网络磁盘上的文件已失效，请重新连接",
}


def reason(exc: BaseException, doing: str = "") -> str:
    """Why an OSError happened, in Chinese (the errno's meaning; the number if unknown).
    `doing` ("读取", "写入") completes a permission error: 没有写入权限."""
    err = os_error_of(exc) or exc
    code = getattr(err, "errno", None)
    if code in REASONS:
        return REASONS[code].format(doing=doing)
    # rare: the number, never the system's own words (English on most systems)
    return f"系统错误（错误号 {code}）" if isinstance(code, int) else "系统错误"


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
