"""The publication package: the approved reports of a year as the files a government site publishes.

For each report: its Word file (.docx), its self-contained web page (.html, for the site's CMS)
and, where LibreOffice is installed, its PDF — named 「<机关>2024年政府信息公开工作年度报告.docx」
(.html, .pdf) — all in one .zip that holds these files and nothing else (data-model.md §6). What
each report got and, for each file missing, why (LibreOffice not installed, errors in the report,
another year) is returned beside the zip (`Package.entries`; `manifest_text` words it in Chinese),
never written into it. The PDFs are converted in one LibreOffice run (its start-up is most of the cost).
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from xlreport.errors import XlreportError, reason, shown
from xlreport.io.files import safe_file_name
from xlreport.model.report import Report, has_errors

__all__ = ["Package", "PackageEntry", "build_package", "manifest_text", "publish_package"]

KINDS = (("docx", "Word 文件"), ("html", "网页"), ("pdf", "PDF"))
PDF_BATCH = 20  # Word files per LibreOffice run: start-up paid once a batch, each run well inside its time limit


@dataclass
class PackageEntry:
    """One report of the package: the files it got (names in the zip) and those missing, with why."""

    source: str  # the report's file, as given
    agency: str | None
    year: int | None
    title: str = ""
    files: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    notes: list[str] = field(default_factory=list)


def _year(report: Report) -> int | None:
    value = report.data.get("meta.year")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def build_package(reports: list[Report], year: int | None = None, pdf: bool | None = None,
                  problems: Callable[[Report], list] | None = None,
                  unreadable: list[tuple[str, str]] | None = None) -> tuple[bytes, list[PackageEntry]]:
    """The package as zip bytes, and its entries. `pdf`: None where LibreOffice is installed,
    True always (MissingProgram when it is not), False never. `problems(report)` gives the
    report's problems (default: its check); a report with errors gets no files. A report of
    another year than `year` is left out, and so is each of `unreadable` (file, why): both
    said in its entry (never in the zip)."""
    from xlreport.checks import check
    from xlreport.io.office import find_soffice
    from xlreport.report.context import build_context
    from xlreport.report.docx import render_report
    from xlreport.report.webpage import html_report

    if pdf is True and find_soffice() is None:
        from xlreport.errors import MissingProgram

        raise MissingProgram("未找到 LibreOffice（soffice），无法生成 PDF；请安装 LibreOffice，或不要求 PDF")
    want_pdf = pdf is not False
    no_pdf_reason = None if find_soffice() is not None else "本机未安装 LibreOffice，未生成 PDF；请在装有 LibreOffice 的电脑上生成，或由 Word/WPS 另存为 PDF"
    if not want_pdf:
        no_pdf_reason = "按要求未生成 PDF"
    entries = [PackageEntry(source, None, None, missing=[(what, f"无法读取：{why}") for _, what in KINDS])
               for source, why in unreadable or ()]
    taken: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="xlreport-publish-") as tmp:
        folder = Path(tmp)
        docxs: list[tuple[PackageEntry, Path, str]] = []  # for the PDF run: entry, docx, its name in the zip
        members: list[tuple[str, Path]] = []
        for n, report in enumerate(reports):
            entry = PackageEntry(shown(report.path), _text(report.data.get("meta.agency")), _year(report))
            entries.append(entry)
            if year is not None and entry.year != year:
                found = f"{entry.year} 年度" if entry.year else "未填写年度"
                for _, what in KINDS:
                    entry.missing.append((what, f"报告是{found}的，不是 {year} 年度的，未列入"))
                continue
            found_problems = problems(report) if problems else report.problems + check(report.data, report.fmt, report.cells)
            if has_errors(found_problems):
                errors = sum(p.severity == "error" for p in found_problems)
                for _, what in KINDS:
                    entry.missing.append((what, f"报告有 {errors} 处错误，未生成；请更正后再发布"))
                continue
            entry.title = str(build_context(report.data, report.fmt)["title"])
            stem = _distinct(safe_file_name(entry.title), taken)
            docx = folder / f"{n}.docx"
            entry.notes += render_report(report.data, report.fmt, docx).warnings
            members.append((f"{stem}.docx", docx))
            entry.files.append(f"{stem}.docx")
            page, warnings = html_report(report.data, report.fmt)
            html = folder / f"{n}.html"
            html.write_bytes(page.encode("utf-8"))
            members.append((f"{stem}.html", html))
            entry.files.append(f"{stem}.html")
            entry.notes += [w for w in warnings if w not in entry.notes]
            if no_pdf_reason is None:
                docxs.append((entry, docx, f"{stem}.pdf"))
            else:
                entry.missing.append(("PDF", no_pdf_reason))
        members += _pdfs(docxs, folder)
        return _zip(members), entries


def _pdfs(docxs: list[tuple[PackageEntry, Path, str]], folder: Path) -> list[tuple[str, Path]]:
    """Convert every Word file in one LibreOffice run; where that fails, one by one, so one
    bad file costs only its own PDF (said in the manifest)."""
    from xlreport.io.office import convert_many
    from xlreport.report.pdf import font_substitutions

    if not docxs:
        return []
    out_dir = folder / "pdf"
    out_dir.mkdir()
    converted: list[Path] = []
    for start in range(0, len(docxs), PDF_BATCH):
        batch = docxs[start:start + PDF_BATCH]
        try:
            converted += convert_many([d for _, d, _ in batch], "pdf", out_dir)
        except XlreportError:
            for entry, docx, _ in batch:
                try:
                    converted += convert_many([docx], "pdf", out_dir)
                except XlreportError as exc:
                    converted.append(out_dir / "-")
                    entry.missing.append(("PDF", f"转换失败（{shown(exc.message)}）"))
    members = []
    for (entry, docx, name), pdf in zip(docxs, converted):
        if pdf.is_file():
            members.append((name, pdf))
            entry.files.append(name)
    if docxs:
        line = font_substitutions(docxs[0][1])
        if line:
            for entry, _, _ in docxs:
                entry.notes.append(line)
    return members


def _distinct(stem: str, taken: set[str]) -> str:
    name, n = stem, 2
    while name.casefold() in taken:
        name = f"{stem}({n})"
        n += 1
    taken.add(name.casefold())
    return name


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def manifest_text(entries: list[PackageEntry]) -> str:
    """The package's list in Chinese (for the console or a page, not the zip): when, and per
    report what it got and what is missing with why."""
    now = _dt.datetime.now().astimezone()
    complete = sum(1 for e in entries if not e.missing)
    lines = [f"政府信息公开工作年度报告发布包（{now.year}年{now.month}月{now.day}日 {now:%H:%M} 生成）",
             f"共 {len(entries)} 份报告，其中 {complete} 份文件齐全，{len(entries) - complete} 份缺少文件（原因见下）。", ""]
    for n, e in enumerate(entries, 1):
        lines.append(f"{n}. {e.title or e.agency or '未能识别机关'}（来源：{e.source}）")
        lines += [f"   已生成：{name}" for name in e.files]
        lines += [f"   缺少{what}：{why}" for what, why in e.missing]
        lines += [f"   注意：{note}" for note in e.notes]
    return "\r\n".join(lines) + "\r\n"


def _zip(members: list[tuple[str, Path]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, path in members:
            z.write(path, name)
    return buffer.getvalue()


@dataclass
class Package:
    """The publication package: the zip's bytes, one entry per report given (the files it got,
    those missing and why) and where it was written (when it was)."""

    data: bytes
    entries: list[PackageEntry] = field(default_factory=list)
    path: Path | None = None


def publish_package(reports: Sequence[Report | str | os.PathLike], year: int | None = None,
                    out: str | os.PathLike | None = None, pdf: bool | None = None, force: bool = False) -> Package:
    """The approved reports as the files the government site publishes, in one .zip: for each its
    Word file, its self-contained web page and (where LibreOffice is installed; `pdf=True`
    requires it, `pdf=False` leaves it out) its PDF, named 「<机关>2024年政府信息公开工作年度报告.docx」
    etc., and nothing else; `entries` name what is missing and why (a report with errors, or not
    of `year`, or a file that cannot be read gets no files: only its own entry says so). Written
    atomically to `out` (.zip) when given, refused before anything is rendered when it exists
    (without `force`) or is one of the inputs."""
    from xlreport.errors import InputError, UsageError
    from xlreport.io.files import OUTPUT_KINDS, check_output, check_target, write_bytes_atomic
    from xlreport.io.readers import load_report

    if isinstance(reports, (str, os.PathLike, Report)):
        reports = [reports]
    if not isinstance(reports, (list, tuple)) or not all(
            isinstance(r, Report) or (isinstance(r, (str, os.PathLike)) and os.fspath(r)) for r in reports):
        raise UsageError("reports 应是报告（Report）或报告文件路径的列表")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise UsageError(f"报告年度应是整数年份，如 2024，而不是 {year!r}")
    target = None
    if out is not None:
        suffixes, what = OUTPUT_KINDS["publish"]
        target = check_target(check_output(out, suffixes, what, tuple(r for r in reports if not isinstance(r, Report))),
                              force)
    loaded, unreadable = [], []
    for r in reports:
        try:
            loaded.append(r if isinstance(r, Report) else load_report(os.fspath(r)))
        except InputError as exc:
            unreadable.append((shown(os.fspath(r)), shown(exc.message)))
        except OSError as exc:
            unreadable.append((shown(os.fspath(r)), f"无法读取（{reason(exc, '读取')}）"))
    data, entries = build_package(loaded, year=year, pdf=pdf, unreadable=unreadable)
    written = write_bytes_atomic(target, data, force) if target is not None else None
    return Package(data, entries, None if written is None else Path(written))


def package_name(year: int | None) -> str:
    """The default name of the package file."""
    return f"{year}年政府信息公开工作年度报告发布包.zip" if year else "政府信息公开工作年度报告发布包.zip"

