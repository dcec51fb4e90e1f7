"""The Python API: every job of the command line, as functions (docs/api.md).

    import xlreport
    result = xlreport.check("2024年报表.xlsx", previous="2023年报表.xlsx")
    if result.ok:
        xlreport.render_docx(result.report, "2024年报.docx")

Each function does its job once here; the command line, the Excel button and
functions, and the demo call these and only print. Nothing here prints: what a
person must know is returned (`notices`), and what cannot be done raises an
`XlreportError` (InputError, OutputError, …) with a Chinese message and a stable `code`.

Over 500 lines: one short function per job of the command line, and the batch jobs
(check_files, import_files, audit) beside check_file, whose FileResult they share.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, Union, overload

from xlreport.errors import (InputError, MissingProgram, NoReports, OutputError, UnsupportedType, UsageError,
                             WrongExtension, XlreportError, reason, shown)
from xlreport.io.files import input_paths, moved, output_path
from xlreport.model.report import CheckResult, Problem, Report, has_errors, is_blank
from xlreport.model.spec import ReportFormat

if TYPE_CHECKING:
    from xlreport.audit.results import AuditedReport, AuditResult, ReadFailure

PathLike = Union[str, os.PathLike]
ReportLike = Union[Report, PathLike]


# ---------------------------------------------------------------------------
# reading and checking


def _path(value: Any, what: str = "文件") -> str:
    """A path given to the API, refused (UsageError) when it is not a path or is empty
    ("" would mean the current folder)."""
    if isinstance(value, Report) or not isinstance(value, (str, os.PathLike)):
        raise UsageError(f"{what}应是文件路径（字符串或 pathlib.Path），而不是 {type(value).__name__}")
    text = os.fspath(value)
    if not isinstance(text, str) or text == "":
        raise UsageError(f"{what}的文件名为空（\"\"）；要指当前文件夹请写 \".\"")
    return text


def load(path: PathLike) -> Report:
    """Read a report: a JSON data file, an xlreport workbook (.xlsx/.xlsm, any released
    layout), or a published report (.html/.htm/.docx/.doc/.wps/.pdf/.txt/.md).
    Raises InputError with a Chinese reason when it cannot be read."""
    from xlreport.io.readers import load_report

    return load_report(_path(path))


def _report(report_or_path: ReportLike, what: str = "报告") -> Report:
    if isinstance(report_or_path, Report):
        return report_or_path
    return load(_path(report_or_path, what))


def attach_previous(report: Report, previous: ReportLike) -> list[str]:
    """Give `report` last year's figures and texts (for the cross-year rules and
    text-repeated); returns the notices (another agency's report, a blank one)."""
    from xlreport.io.previous import attach_previous as attach

    return attach(report, _report(previous))


def check(report_or_path: ReportLike, previous: ReportLike | None = None) -> CheckResult:
    """Every problem of one report (data-model.md §4), with last year's report if given.

    Never raises on bad data (that is what the problems are); raises InputError when a
    file cannot be read at all."""
    from xlreport.checks import check_numbers, with_reading
    from xlreport.io.files import from_published

    report = _report(report_or_path)
    notices: list[str] = []
    if previous is not None:  # last year's figures and texts go into a copy: the caller's Report stays as it was
        report = replace(report, data=dict(report.data))
        notices = attach_previous(report, _report(previous, "上年报告"))
    published = from_published(report)
    found, numbers = check_numbers(report.data, report.fmt, report.cells, published)
    problems = with_reading(report.problems, found)
    if published and is_blank(report.data.get("meta.agency")):  # no cover error: a notice the reviewer sees
        from xlreport.io.importers.name import NOT_FOUND

        notices.append(next((n for n in report.notes if n.startswith(NOT_FOUND)), NOT_FOUND))
    return CheckResult(report, problems, notices, numbers)


@dataclass
class FileResult:
    """One file of a batch, as plain data (it crosses process boundaries)."""

    file: str  # the name as given, printable (a name that is not UTF-8 decoded for display)
    format: str | None = None
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # why the file could not be read (or checked)
    not_checked: bool = False  # a file of another kind, or a folder that cannot be opened
    error_code: str | None = None  # the stable code of that error (docs/api.md)
    output: Path | None = None  # the data file written (import_files)
    # the report as read (check_file; None in a batch's results, which cross process boundaries)
    report: Report | None = field(default=None, repr=False, compare=False)
    numbers: dict[str, Any] | None = field(default=None, repr=False, compare=False)  # as the check computed them

    @property
    def ok(self) -> bool:
        """The file was read and checked and has no error (warnings allowed)."""
        return self.error is None and not has_errors(self.problems)

    def to_dict(self) -> dict[str, Any]:
        """The object of `check --json` (data-model.md §5, plus "warnings" and "notes")."""
        out: dict[str, Any] = {"file": self.file, "format": self.format,
                               "problems": [p.to_dict() for p in self.problems]}
        if self.error is not None:
            out["error"] = self.error
            out["code"] = self.error_code
            if self.notices:
                out["warnings"] = list(self.notices)
            return out
        out["warnings"] = list(self.notices)
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@dataclass
class BatchResult:
    """The files of `check_files` or `import_files`, in order (`len()` and iteration go over
    them), and how many were left out on purpose (Office lock files, hidden files:
    files.ignored_on_purpose)."""

    results: list[FileResult]
    ignored: int = 0

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[FileResult]:
        return iter(self.results)

    @property
    def ok(self) -> bool:
        """Every file is ok (exit code 0 of `xlreport check` on several files)."""
        return all(r.ok for r in self.results)


def check_file(path: PathLike, previous: Report | None = None) -> FileResult:
    """Check one file of a batch; never raises (an unreadable file is a FileResult with an error)."""
    name = os.fspath(path)
    file = shown(name)  # printable and valid in JSON, whatever the name's encoding
    try:
        report = load(name)
    except Exception as exc:  # one broken file must not stop a batch
        return _failed(file, exc, "无法读取")
    try:
        result = check(report, previous)
    except XlreportError as exc:
        return FileResult(file, report.fmt.version, error=shown(exc.message), error_code=exc.code)
    except Exception as exc:  # a bug must not stop a batch either; say which file
        return _failed(file, exc)
    return FileResult(file, report.fmt.version, result.problems, result.notices, list(report.notes), report=report,
                      numbers=result.numbers)


def _failed(file: str, exc: Exception, what: str = "") -> FileResult:
    """The FileResult of a file that could not be read (or checked): the error's message and code;
    an OSError's reason in Chinese; a missing reader's package; anything else a bug (`what` says
    where), naming the file. Python's exception names and English messages never reach a user."""
    if isinstance(exc, (XlreportError, OSError)):
        return FileResult(file, error=shown(exc.message) if isinstance(exc, XlreportError) else
                          f"无法读取（{reason(exc, '读取')}）", error_code=getattr(exc, "code", "unreadable"))
    if isinstance(exc, ImportError):  # the reader of this kind of file is missing from the installation
        return FileResult(file, error=shown(f"无法读取：读取 {Path(file).suffix} 文件所需的程序包未安装或已损坏，"
                                            f"请重新安装 xlreport"), error_code=MissingProgram.code)
    return FileResult(file, error=f"{what}（文件已损坏或内容异常，程序未能处理），请把这个文件发给维护人员" if what
                      else "程序内部错误，请把这个文件发给维护人员")


def _batch_file(path: str, previous: Report | None = None) -> FileResult:
    """check_file for a batch: without the report (each result crosses process boundaries)."""
    result = check_file(path, previous)
    result.report = result.numbers = None
    return result


def not_checked(path: PathLike, why: str) -> FileResult:
    return FileResult(shown(os.fspath(path)), error=shown(why), not_checked=True, error_code="not-checked")


def check_files(paths: Sequence[PathLike], previous: ReportLike | None = None,
                progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Check files and folders (searched recursively): every file found is checked or
    listed as not checked with the reason. Large batches use every core (at most 8
    processes); a stop signal raises batch.Stopped, and no worker outlives the batch.
    `previous` (last year's report) applies to every file."""
    from xlreport.batch import find_reports, run_many

    names = _paths(paths)
    if progress is not None and not callable(progress):
        raise UsageError("progress 应是一个函数 progress(已完成数, 总数)，或 None")
    last = _report(previous, "上年报告") if previous is not None else None
    found = find_reports(names)
    to_check = [name for name, why in found.entries if why is None]
    checked = iter(run_many(partial(_batch_file, previous=last), to_check, progress))
    results = [not_checked(name, why) if why else next(checked) for name, why in found.entries]
    return BatchResult(results, found.ignored)


def _paths(paths: Sequence[PathLike] | PathLike) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):  # one path given alone
        paths = [paths]
    if not isinstance(paths, (list, tuple)):
        raise UsageError(f"paths 应是文件或文件夹路径的列表，而不是 {type(paths).__name__}")
    return [_path(p, "文件或文件夹") for p in paths]


def import_files(paths: Sequence[PathLike] | PathLike, out_dir: PathLike, force: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> BatchResult:
    """Read published reports (files and folders, searched recursively) and write each as a data
    file `out_dir/<name>.json`: every file found is imported (`FileResult.output`, with what was
    noticed while reading in `problems` and `notes`), could not be read (`error`) or is listed as
    not imported with the reason (`not_checked`: not a published report). Refused before anything is
    read when `out_dir` is not a folder, when two reports would have one data file's name, or when a
    data file exists and `force` is not given. Large batches use every core, as check_files."""
    from xlreport.batch import find_published, run_many
    from xlreport.io.files import check_target

    names = _paths(paths)
    folder = Path(_path(out_dir, "输出文件夹"))
    if not folder.is_dir():
        raise OutputError(f"输出文件夹“{shown(folder)}”不存在，请先创建")
    found = find_published(names)
    targets: dict[str, Path] = {}
    for name, why in found.entries:
        if why is None:
            target = folder / (Path(name).stem + ".json")
            if target in targets.values():
                raise UsageError(f"“{shown(Path(name).name)}”与另一个文件同名，输出都会是“{target.name}”；请分开导入")
            targets[name] = output_path("export", target, *names, *(n for n, _ in found.entries))
            check_target(target, force)  # refuse before reading anything: nothing half-done
    done = iter(run_many(partial(_import_file, out_dir=str(folder), force=force), list(targets), progress))
    return BatchResult([not_checked(name, why) if why else next(done) for name, why in found.entries], found.ignored)


def _import_file(name: str, out_dir: str, force: bool = False) -> FileResult:
    """One file of import_files (in a worker process): read, then written as a data file."""
    file = shown(name)
    try:
        report = load(name)
        written = export_json(report, Path(out_dir) / (Path(name).stem + ".json"), force=force)
    except Exception as exc:  # one broken file must not stop a batch
        return _failed(file, exc)
    return FileResult(file, report.fmt.version, list(report.problems), list(written.notices), list(report.notes),
                      output=written.path, report=report)


# ---------------------------------------------------------------------------
# writing


@dataclass
class Written:
    """A file written (atomically; never over an existing one without force), and what
    the person must know about it."""

    path: Path
    notices: list[str] = field(default_factory=list)

    def __fspath__(self) -> str:
        return str(self.path)


def new_workbook(path: PathLike, year: int, agency: str | None = None, data: ReportLike | None = None,
                 previous: ReportLike | None = None, macros: bool = False, force: bool = False) -> Written:
    """Write the locked workbook of the right format version for `year` (.xlsx; .xlsm with
    the 生成报告 button and the Python functions when `macros`), prefilled from a data
    file or report (`data`) and from last year's report (`previous`)."""
    from xlreport.checks.cover import LAST_YEAR, year_not_covered
    from xlreport.model.numbers import evaluate
    from xlreport.io.previous import prefill_from_previous
    from xlreport.model.formats import FIRST_YEAR, format_for_year
    from xlreport.workbook.writer import write_workbook

    _path(path, "输出文件")
    if isinstance(year, bool) or not isinstance(year, int):
        raise UsageError(f"报告年度应是整数年份，如 2024，而不是 {year!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(f"报告年度{year_not_covered(year)}")
    if data is not None and not isinstance(data, (Report, str, os.PathLike)):
        raise UsageError(f"data 应是报告（Report）或数据文件的路径，而不是 {type(data).__name__}")
    fmt = format_for_year(year)
    out = output_path("new --macros" if macros else "new", path,
                      *(x.path if isinstance(x, Report) else x for x in (data, previous) if x is not None))
    values: dict[str, Any] = {}
    notices: list[str] = []
    if data is not None:
        source = _report(data)
        name = Path(source.path).name
        if source.fmt is not fmt:
            raise InputError(f"数据文件“{name}”是 {source.fmt.version} 版格式，"
                             f"而 {year} 年度应使用 {fmt.version} 版格式，不能直接填入")
        unknown = [p for p in source.problems if p.rule == "unknown-key"]  # not format-version of an import
        if unknown:
            keys = "、".join(k for p in unknown for k in p.keys)
            raise InputError(f"数据文件“{name}”中有约定以外的项目：{keys}；请改正后再生成")
        their_year = source.data.get("meta.year")
        if isinstance(their_year, int) and their_year != year:
            raise InputError(f"数据文件“{name}”是 {their_year} 年度的数据，与报告年度 {year} 不一致；"
                             f"请核对年度（上一年的报告请作为上年报告给出）")
        values.update(source.data)
        computed = evaluate({k: v for k, v in values.items() if not (fmt.has(k) and fmt.field(k).derived)},
                            fmt).numbers
        for f in fmt.value_fields:  # published totals become formulas: say where they disagree
            given = values.get(f.key)
            if f.derived and isinstance(given, (int, float)) and computed.get(f.key) not in (None, given):
                notices.append(f"数据文件中{f.where}为 {given}，与各项之和 {computed[f.key]} 不一致；"
                               f"工作簿中该格由公式计算，显示 {computed[f.key]}")
    values["meta.year"] = year
    if agency:
        values["meta.agency"] = agency
    if previous is not None:
        notices += prefill_from_previous(values, fmt, _report(previous), os.fspath(path))
    vba = None
    if macros:
        from xlreport.workbook.macros import MacroParts

        vba = MacroParts()
    written = write_workbook(out, fmt, values, force=force, vba=vba)
    return Written(Path(written), notices + moved(out, written))


def upgrade_workbook(old: PathLike, path: PathLike, force: bool = False) -> Written:
    """Carry a filled workbook made by an earlier release (any released layout) into the
    current layout: every value, text, cover entry and last year's figure, as read; an
    .xlsm stays an .xlsm (the current 生成报告 button and functions). The old file is not
    changed. Refused when the workbook has keys outside the contract."""
    report = load(old)
    suffix = Path(_path(old)).suffix.lower()
    if suffix not in (".xlsx", ".xlsm"):
        raise UnsupportedType(f"“{Path(old).name}”不是工作簿：只有 xlreport 生成的工作簿（.xlsx/.xlsm）需要升级")
    year = report.data.get("meta.year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise InputError(f"“{Path(old).name}”的封面“报告年度”没有填写有效年份，无法确定格式版本；请先填写报告年度")
    return new_workbook(path, year, data=report, macros=suffix == ".xlsm", force=force)


@overload
def export_json(report_or_path: ReportLike, path: None = None, force: bool = False) -> str: ...
@overload
def export_json(report_or_path: ReportLike, path: PathLike, force: bool = False) -> Written: ...


def export_json(report_or_path: ReportLike, path: PathLike | None = None, force: bool = False) -> Written | str:
    """The report as a JSON data file (data-model.md §3): written to `path`, or returned as
    text when `path` is None. Refused when the report has keys outside the contract (they
    would be lost)."""
    from xlreport.io.jsonfile import dumps, source_of, write_json

    if path is not None:
        output_path("export", _path(path, "输出文件"), report_or_path)
    report = _report(report_or_path)
    unknown = [p for p in report.problems if p.rule == "unknown-key"]
    if unknown:  # unknown keys in a JSON input would be lost: say so
        keys = "、".join(k for p in unknown for k in p.keys)
        raise InputError(f"“{Path(report.path).name}”中有约定以外的项目：{keys}；请改正后再导出")
    if path is None:
        return dumps(report.data, report.fmt, source_of(report))
    written = write_json(path, report.data, report.fmt, force=force, source=source_of(report))
    return Written(Path(written), moved(path, written))


@dataclass
class Rendered:
    """What `render_docx` / `render_html` did: the check of the report (`result`), the files
    written (none when errors blocked them), and the notices: about last year's report and
    removed control characters (`notices`), the fonts the PDF used instead of the 公文 fonts
    (`pdf_notices`), a target held open by another program (`renamed`)."""

    result: CheckResult
    path: Path | None = None
    pdf: Path | None = None
    notices: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # a target held open elsewhere: written under another name
    pdf_notices: list[str] = field(default_factory=list)  # the fonts that stood in for the 公文 fonts in the PDF

    @property
    def blocked(self) -> bool:
        """Errors in the data kept the report from being written."""
        return self.path is None


def _render(report_or_path: ReportLike, previous: ReportLike | None, ignore_errors: bool) -> tuple[CheckResult, bool]:
    result = check(report_or_path, previous)
    return result, bool(result.errors) and not ignore_errors


def render_docx(report_or_path: ReportLike, path: PathLike, template: PathLike | None = None,
                previous: ReportLike | None = None, pdf: bool = False, force: bool = False,
                ignore_errors: bool = False) -> Rendered:
    """Check the report, then render the Word report (and with `pdf` its PDF through
    LibreOffice). With errors nothing is written unless `ignore_errors` (the figures are
    then printed as entered). `force` only allows overwriting."""
    from xlreport.io.files import check_target
    from xlreport.io.office import find_soffice
    from xlreport.report.docx import render_report
    from xlreport.report.pdf import convert_pdf

    if template is not None:
        _path(template, "Word 模板")
    inputs = input_paths(report_or_path, template, previous)
    target = output_path("render", _path(path, "输出文件"), *inputs)
    if target.suffix.lower() != ".docx":
        raise WrongExtension(f"Word 报告应以 .docx 结尾，而不是“{target.name}”；网页请用 render_html")
    if pdf:  # the PDF beside it is an output too: never one of the inputs, with or without force
        from xlreport.io.files import check_output

        check_output(target.with_suffix(".pdf"), (".pdf",), "PDF", inputs)
    result, blocked = _render(report_or_path, previous, ignore_errors)
    rendered = Rendered(result, notices=list(result.notices))
    if blocked:
        return rendered
    pdf_target = target.with_suffix(".pdf")
    if pdf:
        check_target(pdf_target, force)
        if find_soffice() is None:  # fail before writing anything
            raise MissingProgram("未找到 LibreOffice（soffice），无法转换为 PDF；请安装 LibreOffice，"
                                "或不转换 PDF、只生成 Word 文件")
    report = result.report
    docx = render_report(report.data, report.fmt, target, template=template, force=force, numbers=result.numbers)
    rendered.path = Path(docx.path)
    rendered.notices += list(docx.warnings)
    rendered.renamed += moved(target, docx.path)
    if pdf:
        converted = convert_pdf(docx.path, pdf_target, force)
        rendered.pdf = Path(converted.path)
        rendered.pdf_notices += list(converted.warnings)
        rendered.renamed += moved(pdf_target, converted.path)
    return rendered


def render_html(report_or_path: ReportLike, path: PathLike, fragment: bool = False,
                previous: ReportLike | None = None, force: bool = False, ignore_errors: bool = False) -> Rendered:
    """Check the report, then write it as one self-contained web page for the government
    site (or with `fragment` only the article body for pasting into a CMS editor)."""
    from xlreport.report.webpage import HTML_SUFFIXES, render_html as write_page

    target = output_path("render", _path(path, "输出文件"), *input_paths(report_or_path, previous))
    if target.suffix.lower() not in HTML_SUFFIXES:
        raise WrongExtension(f"网页应以 .html 结尾，而不是“{target.name}”；Word 报告请用 render_docx")
    result, blocked = _render(report_or_path, previous, ignore_errors)
    rendered = Rendered(result, notices=list(result.notices))
    if blocked:
        return rendered
    page = write_page(result.report.data, result.report.fmt, target, force=force, fragment=fragment,
                      numbers=result.numbers)
    rendered.path = Path(page.path)
    rendered.notices += list(page.warnings)
    rendered.renamed += moved(target, page.path)
    return rendered


def copy_template(path: PathLike, force: bool = False) -> Written:
    """A copy of the built-in Word template, to restyle in Word or WPS and use with
    `render_docx(…, template=…)`."""
    from xlreport.io.files import write_bytes_atomic
    from xlreport.report.docx import default_template

    out = output_path("template", _path(path, "输出文件"), default_template())
    written = write_bytes_atomic(out, default_template().read_bytes(), force)
    return Written(Path(written), moved(out, written))


@dataclass
class Audited:
    """What `audit` read and found (`result`, an `audit.results.AuditResult`; `result.to_dict()` is
    `xlreport audit --json`), the workbook written and the 审查意见 letters written (`feedback`)."""

    result: AuditResult
    path: Path | None = None
    feedback: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error in the reports under review and every file read (exit code 0)."""
        return self.result.exit_code == 0


def _audit_file(path: str) -> AuditedReport | ReadFailure:
    """One file of the audit (in a worker process): read and checked by check_file, then
    the audit's record of it (its key figures and numbers)."""
    from xlreport.audit.gather import audited
    from xlreport.audit.results import ReadFailure

    result = check_file(path)
    if result.error is not None or result.report is None:
        return ReadFailure(result.file, result.error or "", result.error_code)
    try:
        return audited(result.file, result.report, result.problems, result.numbers or {})
    except Exception as exc:  # a bug must not stop the batch; say which file
        failed = _failed(result.file, exc)
        return ReadFailure(failed.file, failed.error or "", failed.error_code)


def audit(paths: Sequence[PathLike], output: PathLike | None = None, roster: PathLike | None = None,
          year: int | None = None, previous_dirs: Sequence[PathLike] = (), force: bool = False,
          progress: Callable[[int, int], None] | None = None, feedback: PathLike | None = None,
          signer: str | None = None) -> Audited:
    """Read and check every report under `paths` (any kind `check` reads), pair each agency's consecutive
    years (`previous_dirs`: last year's, for comparison only), compare with the `roster`, sum the year under
    review (default: the latest read); write the workbook to `output` and the 审查意见 into `feedback`."""
    from xlreport.audit import feedback as letters
    from xlreport.audit.book import write_audit
    from xlreport.audit.gather import audit as gather
    from xlreport.batch import run_many
    from xlreport.io.files import check_target

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    names = [_path(p, "文件或文件夹") for p in paths]
    previous = [_path(p, "上年报告所在的文件夹") for p in previous_dirs]
    if output is not None:
        from xlreport.audit.gather import is_audit_workbook
        from xlreport.batch import find_reports
        from xlreport.io.files import not_an_input, same_file

        output_path("audit", _path(output, "输出文件"), roster)
        reviewed = [name for name, _ in find_reports([*names, *previous]).entries if same_file(name, output)]
        not_an_input(output, [name for name in reviewed if not is_audit_workbook(name)])  # an earlier audit: no report
        check_target(output, force)  # refused before the long part, not after
    if feedback is not None:
        letters.prepare_folder(_path(feedback, "审查意见文件夹"))
    result = gather(names, partial(run_many, _audit_file), roster=None if roster is None else _path(roster, "名单"), year=year,
                    previous_dirs=tuple(previous), output=None if output is None else os.fspath(output),
                    progress=progress)
    if not result.reports and not result.comparison_only:
        reasons = "；".join(f"{item.file}：{item.reason}" for item in (result.not_read + result.not_reports)[:3])
        raise NoReports(f"没有读到任何报告，未生成审查结果（{reasons}）")
    if not result.reports:
        if year is None:
            raise NoReports(f"读到的 {len(result.comparison_only)} 个报告都在上年报告的文件夹中（只用于逐年对比），"
                             f"未生成审查结果；请同时给出本年度报告所在的文件夹（上年报告的文件夹只用于逐年对比）")
        raise NoReports(f"读到的 {len(result.comparison_only)} 个报告中没有 {year} 年度的，未生成审查结果；"
                         f"请核对审查年度")
    made = letters.planned(result, feedback, signer, force) if feedback is not None else []  # all or none
    written = write_audit(output, result, force=force) if output is not None else None
    sent = letters.write_letters(made, feedback, force) if feedback is not None else []
    return Audited(result, None if written is None else Path(written), sent)


def read_roster(path: PathLike) -> list[str]:
    """The unit names of a roster: the first column of an .xlsx, or one name a line of a .txt
    (as `audit --roster` and `accounts --roster` read it)."""
    from xlreport.audit.roster import read_roster as read

    return read(_path(path, "名单"))


def bundle(output: PathLike, platform: str = "win_amd64", pythons: Sequence[str] | None = None,
           force: bool = False, progress: Callable[[str], None] | None = None, server: bool = False):
    """The offline installer for office PCs (a folder and its .zip): the wheels of xlreport and
    of every dependency for `platform` and the Python versions, 安装.bat / install.sh and the
    instructions (docs/excel.md); with `server` also `xlreport[server]` (the submission desk).
    Needs the internet and xlreport's source."""
    from xlreport.bundle import DEFAULT_PYTHONS, make_bundle

    return make_bundle(_path(output, "输出文件夹"), platform=platform, pythons=tuple(pythons or DEFAULT_PYTHONS),
                       force=force, progress=progress, server=server)


def report_title(report: Report) -> str:
    """「<机关全称><年份>年政府信息公开工作年度报告」, as the report prints it."""
    from xlreport.report.context import build_context

    return str(build_context(report.data, report.fmt)["title"])


def formats() -> dict[str, ReportFormat]:
    """The official formats by version ("2019", "2021")."""
    from xlreport.model.formats import FORMATS

    return dict(FORMATS)
