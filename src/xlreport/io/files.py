"""Files in and out: which files a folder check reads, and safe output (never a
half-written file, never an overwrite without --force)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from xlreport.errors import (
    Exists,
    NotFound,
    OutputError,
    SameAsInput,
    TooLarge,
    Unreadable,
    UnsupportedType,
    WrongExtension,
    os_error_of,
    reason,
)

if TYPE_CHECKING:
    from xlreport.model.report import Report


def regular_file(path: str | os.PathLike, what: str = "文件", limit: int | None = None) -> Path:
    """`path`, refused (an InputError) unless it is a regular file of at most `limit` bytes: every reader
    calls this before opening, since a named pipe hangs a reader and a device (/dev/zero) never ends."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise NotFound(f"找不到{what}“{p}”，请检查路径") from None
    except OSError as exc:
        raise Unreadable(f"无法读取“{p}”（{reason(exc, '读取')}），请检查文件的权限") from None
    if stat.S_ISDIR(st.st_mode):
        raise UnsupportedType(f"“{p}”是一个文件夹，请给出{what}")
    if not stat.S_ISREG(st.st_mode):
        raise UnsupportedType(f"“{p.name}”不是普通文件（是命名管道、设备或套接字），无法读取；请给出{what}本身")
    if limit is not None and st.st_size > limit:
        raise TooLarge(f"“{p.name}”有 {st.st_size // 2**20} MB，超过{what}的上限 {limit // 2**20} MB，拒绝读取")
    return p


def check_target(path: str | os.PathLike, force: bool = False) -> Path:
    """Refuse a target that exists (without force) or whose folder is missing or read-only."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"输出路径“{target}”是一个文件夹，请给出文件名")
    if target.exists() and not force:
        raise Exists(f"文件“{target}”已存在，未覆盖；如需覆盖请选择覆盖已有文件，或换一个文件名")
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


def write_atomic(path: str | os.PathLike, write: Callable[[str], object], force: bool = False,
                 notify: Callable[[str], None] | None = None) -> Path:
    """Let `write(tmp_path)` produce the file beside the target, then rename it into place.

    Either the complete file appears or nothing changes. When the target cannot
    be replaced because another program holds it open (Word on Windows), the
    file is written under a numbered name instead and `notify` is told.
    Returns the path actually written.
    """
    target = check_target(path, force)
    import tempfile  # here, not at import: `check` writes nothing

    try:
        # the temporary file keeps the suffix: some writers look at it (XlsxWriter: .xlsm for macros); its
        # name keeps only the start of the target's, so a name near the system's limit (255 bytes) fits too
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem[:20]}.tmp-", suffix=target.suffix, dir=target.parent)
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
            raise Exists(f"文件“{target}”已存在，未覆盖；如需覆盖请选择覆盖已有文件，或换一个文件名")
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


_UNSAFE_IN_NAMES = str.maketrans({c: "_" for c in '\\/:*?"<>|'})
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
NAME_BYTES = 200  # a file name's stem at most (UTF-8 bytes; file systems allow 255 with the suffix)


def safe_file_name(stem: str, suffix: str = "") -> str:
    """`stem` + `suffix` as a file name valid on Windows, macOS and Linux: the characters
    Windows forbids (\\ / : * ? " < > |) and control characters become 「_」, no leading or
    trailing dots or spaces, no device name (CON, NUL …), at most NAME_BYTES bytes of stem."""
    text = "".join("_" if ord(c) < 32 or 0xD800 <= ord(c) < 0xE000 else c for c in stem.translate(_UNSAFE_IN_NAMES))
    text = " ".join(text.split()).strip(". ")
    while len(text.encode("utf-8")) > NAME_BYTES:
        text = text[:-1]
    text = text.rstrip(". ") or "_"
    first = text.lower()
    if (first[:first.find(".")] if "." in first else first) in _WINDOWS_DEVICES:
        text = "_" + text
    return text + suffix


# --- which files are reports ---------------------------------------------------
# A folder check lists every file it finds: checked, or not checked with a reason.
# READABLE are the suffixes data.load_report reads; a reader for a new kind (the
# published .html/.docx/.pdf reports) moves its suffixes from NOT_READABLE to READABLE.
DATA_SUFFIXES = (".json", ".xlsx", ".xlsm")  # our own data files and workbooks
PUBLISHED = (".html", ".htm", ".docx", ".pdf", ".doc", ".wps", ".txt", ".md")  # published reports (importers)
TEXT_SUFFIXES = (".txt", ".md")  # read when named; in folders they are usually notes, not reports
READABLE = DATA_SUFFIXES + PUBLISHED


def is_published(path: str | os.PathLike) -> bool:
    """Whether `path` is a published report (read by the importers), not a data file or workbook."""
    return Path(path).suffix.lower() in PUBLISHED


def from_published(report: Report) -> bool:
    """Whether a Report was read from a published report, directly or through the data file `import`
    wrote of it (its "source"): there is no cover to fill in."""
    return bool(report.source) or is_published(report.path)
_SAVE_AS = "；如果它是由 xlreport 工作簿另存的，请"
NOT_READABLE = {
    ".xls": "是旧版 Excel 格式（.xls）" + _SAVE_AS + "在 Excel、WPS 或 LibreOffice 中“另存为”Excel 工作簿（.xlsx）后再检查",
    ".et": "是 WPS 表格格式（.et）" + _SAVE_AS + "在 WPS 中“另存为”Excel 工作簿（.xlsx）后再检查",
    ".ods": "是 OpenDocument 表格格式（.ods）" + _SAVE_AS + "在 LibreOffice 中“另存为”Excel 2007-365 工作簿（.xlsx）后再检查",
    ".ofd": "是 OFD 版式文档，目前还不能读取；请找到同一报告的网页、Word 或 PDF 版本",
}
IN_FOLDER_TEXT = ("是文本文件；从文件夹中不读取文本文件（它们常是说明而不是报告），"
                  "如果它是报告，请在命令中单独写出它的文件名")
# Skipped on purpose by a folder check, and counted: Office's lock files of open
# documents (~$名称.xlsx), hidden files and folders (.DS_Store, .git), and the
# folder files Windows writes (Thumbs.db, desktop.ini).
SYSTEM_FILES = ("thumbs.db", "desktop.ini")
IGNORED_WHAT = "Office 锁定文件 ~$*、隐藏文件、Thumbs.db、desktop.ini"


def not_readable_reason(path: str | os.PathLike) -> str:
    """Why a file is not read as a report: one Chinese sentence saying what to do."""
    p = Path(path)
    reason = NOT_READABLE.get(p.suffix.lower())
    if reason:
        return f"“{p.name}”{reason}"
    return (f"不支持的文件类型“{p.name}”：只能检查数据文件（.json）、工作簿（.xlsx/.xlsm）"
            f"或已发布的报告（.html/.docx/.pdf/.doc/.wps/.txt）")


def ignored_on_purpose(name: str) -> bool:
    return name.startswith(("~$", ".")) or name.lower() in SYSTEM_FILES


@dataclass
class Found:
    """What a folder holds, in path order: `entries` are (path, None) for a report file
    to read, (path, reason) for a file or folder that is not checked; `ignored` counts
    the files skipped on purpose."""

    entries: list[tuple[str, str | None]] = field(default_factory=list)
    ignored: int = 0


def walk(folder: str | os.PathLike) -> Found:
    """Every file under `folder` (recursively; folder links are followed once)."""
    found = Found()
    seen: set[tuple[int, int]] = set()

    def visit(path: Path) -> None:
        try:
            st = path.stat()
            if (st.st_dev, st.st_ino) in seen:  # a link back into the tree: its files are listed once
                found.entries.append((str(path), f"“{path.name}”是指向已检查过的文件夹的链接，其中的文件不重复检查"))
                return
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(path) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.entries.append((str(path), f"文件夹“{path.name or path}”无法打开（{reason(exc, '读取')}），"
                                              f"其中的文件未检查；请检查该文件夹的访问权限"))
            return
        for entry in items:
            child = path / entry.name
            if ignored_on_purpose(entry.name):
                found.ignored += 1
                continue
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:
                is_dir = is_file = False
            if is_dir:
                visit(child)
            elif not is_file:
                found.entries.append((str(child), f"“{entry.name}”不是普通文件（链接失效或是设备、管道），未检查"))
            elif child.suffix.lower() in TEXT_SUFFIXES:
                found.entries.append((str(child), f"“{entry.name}”{IN_FOLDER_TEXT}"))
            elif child.suffix.lower() in READABLE:
                found.entries.append((str(child), None))
            else:
                found.entries.append((str(child), not_readable_reason(child)))

    visit(Path(folder))
    return found


# What each writing command writes: the extensions its output may have, and what it is.
# An output named otherwise is refused before anything is read (`export wb.xlsx -o
# wb.xlsx --force` would replace the workbook with JSON).
OUTPUT_KINDS = {
    "new": ((".xlsx",), "不带宏的工作簿"),
    "new --macros": ((".xlsm",), "带宏的工作簿"),
    "export": ((".json",), "数据文件"),
    "render": ((".docx", ".html", ".htm"), "Word 报告或网页"),
    "template": ((".docx",), "Word 模板"),
    "audit": ((".xlsx",), "审查结果工作簿"),
    "publish": ((".zip",), "发布包"),
}


def output_path(kind: str, output: str | os.PathLike, *inputs: object) -> Path:
    """The output path, refused (OutputError) when its extension does not fit what `kind` writes
    or it is one of the inputs (`export wb.xlsx -o wb.xlsx` would replace the workbook)."""
    suffixes, what = OUTPUT_KINDS[kind]
    return check_output(output, suffixes, what, input_paths(*inputs))


def input_paths(*inputs: object) -> tuple[str | os.PathLike, ...]:
    """The files a command reads (a Report: the file it was read from, if it is one), which no output may be."""
    from xlreport.model.report import Report

    found: list[str | os.PathLike] = []
    for x in inputs:
        if isinstance(x, Report):
            if os.path.isfile(x.path):
                found.append(x.path)
        elif isinstance(x, (str, os.PathLike)):
            found.append(x)
    return tuple(found)


def moved(requested: str | os.PathLike, written: str | os.PathLike) -> list[str]:
    """The notice when the target was held open by another program (Word or Excel on
    Windows) and the file was written under a numbered name instead."""
    if Path(written) != Path(requested):
        return [f"“{Path(requested).name}”正被其他程序打开，无法覆盖，已另存为“{Path(written).name}”"]
    return []


def either(items: tuple[str, ...]) -> str:
    """「.docx、.html 或 .htm」: a list said as a sentence says it."""
    return items[0] if len(items) == 1 else f"{'、'.join(items[:-1])} 或 {items[-1]}"


def check_output(output: str | os.PathLike, suffixes: tuple[str, ...], what: str,
                 inputs: tuple[str | os.PathLike | None, ...] = ()) -> Path:
    """Refuse an output whose extension does not say what is written (`export wb.xlsx -o
    wb.xlsx --force` would replace the workbook with JSON), and an output that is one of
    the inputs (a template, last year's workbook)."""
    out = Path(output)
    if out.suffix.lower() not in suffixes:
        raise WrongExtension(f"输出文件应以 {either(suffixes)} 结尾（{what}），而不是“{out.name}”；请改正文件名")
    not_an_input(out, inputs)
    return out


def not_an_input(output: str | os.PathLike, inputs: Iterable[str | os.PathLike | None]) -> None:
    """Refuse (SameAsInput) an output that is one of the inputs, before anything is read."""
    out = Path(output)
    for source in inputs:
        if source is not None and same_file(source, out):
            raise SameAsInput(f"输出文件“{out.name}”就是输入文件“{source}”，写入会毁掉输入；请换一个输出文件名")


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two names are one file (also through links, or a different spelling of the path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return Path(a).resolve() == Path(b).resolve()
