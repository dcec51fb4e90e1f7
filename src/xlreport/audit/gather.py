"""The reviewer's desk (`xlreport audit`): a folder of reports as one summary.

Each file is read and checked once, by `xlreport.api.check_file`, in a worker process;
`audited` turns its report and problems into an `AuditedReport` (results.py: the key figures
and numbers computed once, each problem with its place). `audit` finds the files and hands
them to the API's runner; `assemble` then puts the records together in this process:

* pairs: reports of the same agency in consecutive years (`pair_reports`, by name:
  NFKC without spaces; where the names differ, 「区政府办」 and 「区人民政府办公室」
  are the same only when exactly one report on each side fits: names.py), with the
  cross-year rules run on each pair (data.attach_previous + checks.check:
  t3-carry-continuity, t2-*-continuity, text-repeated);
* the roster (roster.py): units with no report for the year, reports from units not on it;
* totals (`totals`): every numeric key summed over the reports of a year, per format
  version (amounts in one unit), and the same checks run on the sum;
* each unit's series (`unit_series`): every report read, by unit (linked through the
  pairs) and year.

A reviewer's folder is read as it is (`maybe_reports`): the .txt/.md in it and the files
in a saved page's folder are read, and those that are not reports are listed apart
(`not_reports`), not failing the run.

The result (`AuditResult`) is written as a workbook by book.py and as JSON by `--json`.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from pathlib import Path
from typing import Any, Callable, Sequence

from xlreport.audit.figures import COMPARED, Number, figure_notes, key_figures
from xlreport.audit.names import match_names, name_key, variant_key
from xlreport.audit.results import (
    UNKNOWN_AGENCY,
    AuditedReport,
    AuditResult,
    Duplicate,
    NotRead,
    Pair,
    PlacedProblem,
    ReadFailure,
    Roster,
    SameReport,
    SeriesEntry,
    Side,
    Skipped,
    Total,
    TotalValue,
)
from xlreport.audit.roster import is_audit_workbook, read_roster, roster_rows
from xlreport.checks.cover import INFERRED
from xlreport.errors import InputError, reworded, shown
from xlreport.model.report import Problem, Report
from xlreport.model.spec import ReportFormat, key_table

CROSS_YEAR_ONLY = ("text-repeated", "t2-public-total-continuity")  # rules that need last year's report but no previous.* key
DROPPED_ON_TOTALS = ("text-", "meta-")  # the sum has no text and no cover of its own

# `run(files, progress)`: each file read and checked (api.check_file, then `audited`), in order
Runner = Callable[[list[str], Callable[[int, int], None] | None], Sequence[AuditedReport | ReadFailure]]


# --- one file -----------------------------------------------------------------

def audited(file: str, report: Report, problems: list[Problem], numbers: dict[str, Any]) -> AuditedReport:
    """The audit's record of one report read and checked (api.check_file): its numbers, as the
    check computed them, serve the key figures, their notes and the totals."""
    return AuditedReport(
        file=file, path=report.path, agency=_text(report.data.get("meta.agency")),
        year=_year(report.data.get("meta.year")), format=report.fmt.version,
        problems=[with_place(p, report.fmt) for p in problems],
        figures=key_figures(numbers, report.fmt), figure_notes=figure_notes(report.data, numbers, report.fmt),
        notes=list(report.notes), data=dict(report.data), cells=dict(report.cells), numbers=numbers)


INFERRED_KEYS = ("meta.agency_kind", "meta.can_make_rules")  # marked INFERRED by the importer


def with_place(problem: Problem, fmt: ReportFormat) -> PlacedProblem:
    """The problem with `where`: its cells (表三!E7, or the place in a published report);
    for a data file, which has no cells, the places of its keys as the format names them."""
    if problem.cells:  # the importer's mark of an inferred cover value is no place: the cover's field is
        inferred = [k for k in problem.keys if k in INFERRED_KEYS and fmt.has(k)]
        places: Sequence[str] = [f"{fmt.field(inferred[0]).where}（{INFERRED}）" if c == INFERRED and inferred else c
                                 for c in problem.cells]
    else:
        texts = {t.key: f"正文 {t.label}" for t in fmt.texts}
        places = [fmt.field(k).where if fmt.has(k) else texts.get(k, k) for k in problem.keys]
    return PlacedProblem(problem.rule, problem.severity, problem.keys, problem.message, problem.cells,
                         problem.expected, problem.actual, where="；".join(dict.fromkeys(places)))


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _year(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999 else None


# --- pairs --------------------------------------------------------------------

def pair_reports(records: list[AuditedReport]) -> tuple[list[tuple[AuditedReport, AuditedReport, bool]], list[str]]:
    """(this year's record, last year's record, matched by a variant of the name) for every
    agency with reports in consecutive years; and notes on the reports that could have been
    paired but were not (the same agency twice in one year)."""
    by_year: dict[int, list[AuditedReport]] = {}
    for r in records:
        if r.agency and r.year:
            by_year.setdefault(r.year, []).append(r)
    pairs: list[tuple[AuditedReport, AuditedReport, bool]] = []
    notes = []
    for year in sorted(by_year):
        if year - 1 not in by_year:
            continue
        this, last = by_year[year], by_year[year - 1]
        matches, left, _ = match_names([r.agency or "" for r in this], [r.agency or "" for r in last], suffix=True)
        pairs += [(this[i], last[j], variant) for i, j, variant in matches]
        last_keys = {name_key(r.agency or "") for r in last}
        unpaired: dict[str, list[AuditedReport]] = {}  # one note per agency, naming all its files
        for i in left:
            if name_key(this[i].agency or "") in last_keys:
                unpaired.setdefault(name_key(this[i].agency or ""), []).append(this[i])
        for group in unpaired.values():
            notes.append(f"“{group[0].agency}”{year} 年或 {year - 1} 年有不止一份报告，无法确定哪两份逐年对比："
                         + "；".join(r.file for r in group))
    return pairs, notes


def cross_year(this: AuditedReport, last: AuditedReport) -> tuple[list[PlacedProblem], list[str]]:
    """The cross-year problems of this year's report against last year's, and the warnings
    of attach_previous (last year's report is blank …)."""
    from xlreport.checks import check
    from xlreport.io.previous import attach_previous
    from xlreport.model.formats import FORMATS

    fmt = FORMATS[this.format]
    report = Report(this.path, fmt, {k: v for k, v in this.data.items() if key_table(k) != "previous"},
                    dict(this.cells))
    previous = Report(last.path, FORMATS[last.format], dict(last.data), dict(last.cells))
    try:
        warnings = attach_previous(report, previous)
    except InputError as exc:
        return [], [exc.message]
    found = [p for p in check(report.data, fmt, report.cells)
             if p.rule in CROSS_YEAR_ONLY or any(key_table(k) == "previous" for k in p.keys)]
    return [with_place(p, fmt) for p in found], warnings


def pair(this: AuditedReport, last: AuditedReport, variant: bool) -> Pair:
    """Run the cross-year checks of a pair; this year's record takes their findings in place of
    those it had from its own previous.* keys."""
    found, warnings = cross_year(this, last)
    this.problems = [p for p in this.problems if not any(key_table(k) == "previous" for k in p.keys)] + found
    this.previous_file = last.file
    notes = {k: Side(last.figure_notes.get(k), this.figure_notes.get(k))
             for k in COMPARED if k in last.figure_notes or k in this.figure_notes}
    return Pair(agency=this.agency or "", last_agency=last.agency or "", by_variant=variant,
                year=this.year or 0, last_year=last.year or 0, file=this.file, last_file=last.file,
                problems=found, warnings=[in_audit_terms(w) for w in warnings],
                figures={k: Side(last.figures.get(k), this.figures.get(k)) for k in COMPARED}, figure_notes=notes)


# --- one report in several files ------------------------------------------------

# The file a report is reviewed from when it came in several: the fullest first (a workbook or data
# file holds every cell with its place; a PDF has pages; a transcription the least).
FORM_ORDER = (".xlsx", ".xlsm", ".json", ".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".mht", ".txt", ".md")


def _form_rank(r: AuditedReport) -> tuple[int, str]:
    suffix = Path(r.path).suffix.lower()
    return (FORM_ORDER.index(suffix) if suffix in FORM_ORDER else len(FORM_ORDER), r.file)


def _table_values(r: AuditedReport) -> tuple:
    """The tables' figures as the rules read them — a total the file leaves out computed from its
    parts, so that a workbook (totals are formulas) and its exported data file (totals written) are
    alike — and a value that is no number as printed."""
    def value(k: str) -> Any:
        v = r.numbers.get(k)
        if v is None:
            return r.data.get(k)
        return int(v) if isinstance(v, float) and v.is_integer() else v

    keys = {k for k in (*r.data, *r.numbers) if key_table(k) in ("t2", "t3", "t4")}
    return tuple(sorted((k, str(v)) for k in keys if (v := value(k)) is not None and v != ""))


def same_report_once(records: list[AuditedReport]) -> tuple[list[AuditedReport], list[SameReport]]:
    """One report in several files — the same agency and year, and every figure of its tables the
    same (its PDF and its web page, or a transcription) — is reviewed once, from its fullest file
    (FORM_ORDER); the others are named (SameReport). Two reports of one agency and year whose
    figures differ stay two (they are 「同一机关同一年度有多份报告」)."""
    groups: dict[tuple[str, int, bool], list[AuditedReport]] = {}
    for r in records:
        if r.agency and r.year and _table_values(r):
            groups.setdefault((variant_key(r.agency), r.year, r.comparison_only), []).append(r)
    dropped: set[int] = set()
    same: list[SameReport] = []
    for members in groups.values():
        alike: dict[tuple, list[AuditedReport]] = {}
        for r in members:
            alike.setdefault(_table_values(r), []).append(r)
        for files in alike.values():
            if len(files) > 1:
                kept, *others = sorted(files, key=_form_rank)
                dropped.update(id(o) for o in others)
                same.append(SameReport(kept.agency or "", kept.year or 0, kept.file, [o.file for o in others]))
    return [r for r in records if id(r) not in dropped], sorted(same, key=lambda s: (s.year, s.kept))


# --- totals -------------------------------------------------------------------

def one_per_agency(records: list[AuditedReport]) -> tuple[list[AuditedReport], list[Duplicate]]:
    """The reports that count in 合计 — one per agency and year, the first by file name (reports
    without an agency or year all count) — and the same agency twice in a year."""
    groups: dict[tuple[str, int], list[AuditedReport]] = {}
    counted = []
    for r in sorted(records, key=lambda r: r.file):
        if r.agency and r.year:
            groups.setdefault((variant_key(r.agency), r.year), []).append(r)  # 「宿迁市」 = 「宿迁市人民政府」
        else:
            counted.append(r)
    duplicates = []
    for members in groups.values():
        counted.append(members[0])
        if len(members) > 1:
            first = members[0]
            duplicates.append(Duplicate(first.agency or "", first.year or 0, [r.file for r in members], first.file,
                                        [r.file for r in members[1:]]))
    return counted, duplicates


def totals(records: list[AuditedReport]) -> list[Total]:
    """Per (year, format version): every numeric key summed over the reports (each as printed:
    a published total counts as printed, else its parts), and the checks run on the sum.
    `records`: one report per agency and year (one_per_agency)."""
    from xlreport.checks import check
    from xlreport.model.formats import FORMATS

    groups: dict[tuple[int, str], list[AuditedReport]] = {}
    for r in records:
        if r.year and r.format:
            groups.setdefault((r.year, r.format), []).append(r)
    out = []
    for (year, version), members in sorted(groups.items()):
        fmt = FORMATS[version]
        fields = [f for f in fmt.value_fields if f.numeric]
        units = amount_units(fmt)
        sums: dict[str, list] = {f.key: [] for f in fields}
        for r in members:
            for f in fields:
                v = in_total_unit(r, f.key, units)
                if v is not None and math.isfinite(v):
                    sums[f.key].append(v)
        values = {k: _sum(v) for k, v in sums.items() if v}
        data = {**values, **{unit: TOTAL_UNIT for unit in units.values()},
                "meta.agency": f"{len(members)} 个报告合计", "meta.year": year,
                "meta.can_make_rules": any(r.data.get("meta.can_make_rules") is True for r in members)}
        problems = [with_place(p, fmt) for p in check(data, fmt) if not p.rule.startswith(DROPPED_ON_TOTALS)]
        out.append(Total(year, version, len(members), problems,
                         [TotalValue(f.key, f.place or f.table,
                                     f.where + (f"（{TOTAL_UNIT}，以元填报的已换算）" if f.key in units else ""),
                                     values.get(f.key), len(sums[f.key]), len(members) - len(sums[f.key]))
                          for f in fields]))
    return out


TOTAL_UNIT = "万元"  # amounts whose unit is chosen per report (V2019 采购总金额) are summed in 万元
UNIT_FACTORS = {"万元": 1, "元": 1 / 10_000}


def amount_units(fmt: ReportFormat) -> dict[str, str]:
    """Amount keys whose unit is a choice of its own (元 or 万元, printed in the column beside the
    amount: 「采购总金额单位」 beside 「采购总金额」): amount key -> unit key."""
    units = [u for u in fmt.input_fields if u.type == "choice" and {c for c, _ in u.choices} == set(UNIT_FACTORS)]
    return {f.key: u.key for u in units for f in fmt.value_fields
            if f.numeric and f.table == u.table and f.row == u.row and u.column and f.column
            and u.column[-1] == f"{f.column[-1]}单位"}


def in_total_unit(r: AuditedReport, key: str, units: dict[str, str]) -> Number:
    """The report's value of `key` for the sum: an amount with a unit of its own in TOTAL_UNIT
    (None, so counted as missing, where the unit was not chosen)."""
    value = r.numbers.get(key)
    if key not in units or value is None:
        return value
    factor = UNIT_FACTORS.get(str(r.data.get(units[key]) or "").strip())
    return None if factor is None else round(value * factor, 6)


def _sum(values: list) -> int | float:
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return round(math.fsum(values), 6)


# --- everything ---------------------------------------------------------------

def audit(names: list[str], run: Runner, roster: str | None = None, year: int | None = None,
          previous_dirs: tuple[str, ...] = (), output: str | None = None,
          progress: Callable[[int, int], None] | None = None) -> AuditResult:
    """Read every report under `names` (and `previous_dirs`, for comparison only) and put the
    audit together (see `assemble`). `run(files, progress)` reads and checks the files (the
    API's: api.check_file in its process pool); `output` and our own audit workbooks are left
    out of the files read."""
    from xlreport.batch import find_reports
    from xlreport.io.files import same_file

    roster_names = read_roster(roster) if roster else None  # a bad roster stops before the long part
    found = find_reports(list(names))
    found_previous = find_reports(list(previous_dirs)) if previous_dirs else None
    entries = [(n, why, False) for n, why in found.entries]
    if found_previous:
        entries += [(n, why, True) for n, why in found_previous.entries]
    entries, tentative, resources = maybe_reports(entries)
    entries = distinct(entries)
    if output:
        entries = [e for e in entries if not (os.path.isfile(e[0]) and same_file(e[0], output))]
    skipped = []
    for e in [e for e in entries if e[1] is None and Path(e[0]).suffix.lower() in (".xlsx", ".xlsm", ".docx")]:
        if is_audit_workbook(e[0]):  # our audit workbooks, and our 审查意见 letters (feedback.py marks them)
            entries.remove(e)
            what = "审查意见" if Path(e[0]).suffix.lower() == ".docx" else "审查结果"
            skipped.append(Skipped(shown(e[0]), f"xlreport audit 生成的{what}，不是报告，不读取"))
    results = iter(run([n for n, why, _ in entries if why is None], progress))
    records, not_read = [], []
    not_reports: list[NotRead] = []
    for name, why, comparison_only in entries:
        if why is not None:
            not_read.append(NotRead(shown(name), in_audit_terms(shown(why)), read=False))
            continue
        record = next(results)
        maybe = _key(name) in tentative
        if isinstance(record, ReadFailure):
            (not_reports if maybe else not_read).append(
                NotRead(record.file, in_audit_terms(record.reason), read=True, code=record.code))
        elif maybe and not has_tables(record):
            not_reports.append(NotRead(record.file, f"“{Path(name).name}”中没有找到年度报告的表格（表二、表三、表四），"
                                                    f"不像政府信息公开工作年度报告", read=True))
        else:
            record.comparison_only = comparison_only
            records.append(record)
    ignored = found.ignored + (found_previous.ignored if found_previous else 0) + resources
    result = assemble(records, not_read, names=list(names), roster=roster_names, roster_file=roster, year=year,
                      previous_dirs=list(previous_dirs), ignored=ignored, skipped=skipped)
    result.not_reports = not_reports
    return result


def has_tables(record: AuditedReport) -> bool:
    """Whether a report read holds any value of the tables 二, 三 or 四."""
    from xlreport.model.formats import FORMATS

    fmt = FORMATS[record.format]
    return any(fmt.has(k) and fmt.field(k).table in ("t2", "t3", "t4") for k in record.data)


def _key(name: str) -> str:
    return os.path.normcase(os.path.realpath(name))


def maybe_reports(entries: list[tuple[str, str | None, bool]]) -> tuple[list[tuple[str, str | None, bool]], set[str], int]:
    """What a reviewer's folder holds, made readable: a .txt/.md found in a folder (which `check`
    leaves alone: usually notes) is read, and so is a report-kind file inside the folder of a
    saved web page (「报告_files/」); both are reports only if they read as one (`tentative`:
    their keys; otherwise they are listed as not reports, without failing the run). The other
    files of a saved page's folder (images, styles, scripts) are left out and counted.
    Returns (entries, tentative, resources left out)."""
    from xlreport.io.files import IN_FOLDER_TEXT

    named = {_key(n) for n, why, _ in entries if why is None and Path(n).suffix.lower() in (".txt", ".md")}
    out, tentative, resources = [], set(), 0
    for name, why, comparison_only in entries:
        in_page = page_resource(name)
        if why is not None and (why.endswith(IN_FOLDER_TEXT) or in_page) and os.path.isfile(name):
            if in_page and not why.endswith(IN_FOLDER_TEXT):
                resources += 1
                continue
            why = None
            if _key(name) not in named:
                tentative.add(_key(name))
        elif why is None and in_page:
            tentative.add(_key(name))
        out.append((name, why, comparison_only))
    return out, tentative, resources


SAVED_PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".mht", ".mhtml")


def page_resource(name: str) -> bool:
    """Whether a file lies in the folder a browser saves beside a web page (「报告_files/」, or
    「报告.files/」) next to that page."""
    path = Path(name)
    for folder in path.parents:
        for end in ("_files", ".files"):
            if folder.name.endswith(end) and len(folder.name) > len(end):
                stem = folder.name[:-len(end)]
                if any((folder.parent / f"{stem}{suffix}").is_file() for suffix in SAVED_PAGE_SUFFIXES):
                    return True
    return False


def distinct(entries: list[tuple[str, str | None, bool]]) -> list[tuple[str, str | None, bool]]:
    """Each file once, however often it was named or found (`y y/a.json ./y/../y`, or the same
    file under the arguments and --previous-dir), at its first place: read if any mention
    reads it (a .txt named explicitly is read, though a folder walk skips it), and under
    review if any mention is not comparison-only."""
    first: dict[str, int] = {}
    out: list[list] = []
    for name, why, comparison_only in entries:
        key = os.path.normcase(os.path.realpath(name))
        if key not in first:
            first[key] = len(out)
            out.append([name, why, comparison_only])
            continue
        kept = out[first[key]]
        if kept[1] is not None and why is None:
            kept[0], kept[1] = name, None
        kept[2] = kept[2] and comparison_only
    return [(n, why, c) for n, why, c in out]


# Messages of the shared readers that name another command or option; in the audit they
# are said in its own terms.
AUDIT_TERMS = (
    ("请单独指定：xlreport check 文件名", "请把它的文件名另外写在命令中（如 xlreport audit 文件夹 文件夹/报告.txt）"),
    ("工作簿请直接用 xlreport check 检查", "请把工作簿直接放在审查的文件夹中"),
    ("工作簿请用 xlreport check 检查", "请把工作簿直接放在审查的文件夹中"),
    ("请核对上年报告是否是本机关上一年的报告", "请核对这两份报告是否是同一机关的"),
    ("请改用填好的上年报告", "请把填好的上年报告放在审查的文件夹中（或上年报告的文件夹中）"),
    ("只能检查数据文件", "只能审查数据文件"),
    ("后再检查", "后再审查"),
)


def in_audit_terms(message: str) -> str:
    return reworded(message, AUDIT_TERMS)


def assemble(records: list[AuditedReport], not_read: list[NotRead], names: list[str],
             roster: list[str] | None = None, roster_file: str | None = None, year: int | None = None,
             previous_dirs: list[str] | None = None, ignored: int = 0,
             skipped: list[Skipped] | None = None) -> AuditResult:
    """The audit: the reports of the year under review (`year`, default the latest year read; the
    others and those of `previous_dirs` only serve as last year's), their pairs, the roster and
    totals (one report per agency and year)."""
    from xlreport.model._version import __version__

    review_year = year if year is not None else max(
        (r.year for r in records if r.year and not r.comparison_only), default=None)
    for r in records:  # by default a report without a year stays under review: its problems are shown
        if review_year is not None and r.year != review_year and (year is not None or r.year):
            r.comparison_only = True
    records, same = same_report_once(records)
    reviewed = [r for r in records if not r.comparison_only]
    pair_list, pair_notes = pair_reports(records)
    pairs = [pair(this, last, variant) for this, last, variant in pair_list if not this.comparison_only]
    series = unit_series(records, [(this, last) for this, last, _ in pair_list])
    counted, duplicates = one_per_agency(reviewed)
    reviewed.sort(key=lambda r: (-(r.year or 0), name_key(r.agency or ""), r.file))
    now = _dt.datetime.now().astimezone()
    return AuditResult(
        xlreport=__version__, generated=now.isoformat(timespec="seconds"),
        generated_text=f"{now.year}年{now.month}月{now.day}日 {now:%H:%M}",
        inputs=[shown(n) for n in names], previous_dirs=[shown(n) for n in previous_dirs or ()],
        year=review_year, year_given=year is not None, reports=reviewed,
        comparison_only=[r.file for r in records if r.comparison_only], not_read=not_read, ignored=ignored,
        skipped=skipped or [], pairs=pairs, pair_notes=pair_notes, duplicates=duplicates,
        roster=None if roster is None else Roster(shown(roster_file or ""), len(roster),
                                                  roster_rows(roster, reviewed, review_year)),
        totals=totals(counted), series=series, same_report=same)


def unit_series(records: list[AuditedReport], links: list[tuple[AuditedReport, AuditedReport]]) -> list[SeriesEntry]:
    """Every report read, grouped into units through the pairs (this year's report and last
    year's of one agency are one unit, whatever their names) and named after the latest
    year's agency (the fullest of its names: 「宿迁市人民政府」 over 「宿迁市」); sorted by unit and
    year. A report without an agency is a unit of its own."""
    parent = list(range(len(records)))
    index = {id(r): i for i, r in enumerate(records)}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for this, last in links:
        parent[root(index[id(this)])] = root(index[id(last)])
    first: dict[str, int] = {}
    for i, r in enumerate(records):  # the same name in other years (not consecutive) is the same unit too
        if r.agency:
            j = first.setdefault(variant_key(r.agency), i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, list[AuditedReport]] = {}
    for i, r in enumerate(records):
        groups.setdefault(root(i), []).append(r)
    out = []
    for members in groups.values():
        members.sort(key=lambda r: (r.year or 0, r.file))
        named = [r for r in members if r.agency]
        latest = [r.agency or "" for r in named if r.year == named[-1].year] if named else []
        unit = max(latest, key=len) if latest else f"{UNKNOWN_AGENCY}（{members[0].file}）"  # the fullest name
        out += [SeriesEntry(unit or "", r.year, r.agency, r.file, r.format, r.verdict, r.errors, r.warnings,
                            dict(r.figures), not r.comparison_only) for r in members]
    out.sort(key=lambda e: (name_key(e.unit), e.year or 0, e.file))
    return out
