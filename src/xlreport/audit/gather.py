"""The reviewer's desk (`xlreport audit`): a folder of reports as one summary.

Over 500 lines: the reading, pairing, roster and totals share the records' plain-data
shape and the agency-name matching (name_key, variant_key, match_names); the roster part
(read_roster … one_per_agency) is the one to move to its own module when it grows.

Each file is read and checked by `audit_one` (in a worker process; the result is a
plain-data record, so it crosses process boundaries). The records are then put
together in this process by `assemble`:

* pairs: reports of the same agency in consecutive years (`pair_reports`, by name:
  NFKC without spaces; where the names differ, 「区政府办」 and 「区人民政府办公室」
  are the same only when exactly one report on each side fits), with the cross-year
  rules run on each pair (data.attach_previous + checks.check: t3-carry-continuity,
  t2-*-continuity, text-repeated);
* the roster (`read_roster`): units with no report for the year, reports from units
  not on it;
* totals (`totals`): every numeric key summed over the reports of a year, per format
  version, and the same checks run on the sum.

The result (`Audit`, plain data) is written as a workbook by audit_book.py and as
JSON by `--json`. `audit_one` is the only place that reads a report: it can be
replaced by the package's file-checking API without touching the rest.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any, Callable

from xlreport.errors import InputError, XlreportError, reason, shown
from xlreport.model.spec import key_table

VERDICT_ERRORS, VERDICT_WARNINGS, VERDICT_CLEAN, VERDICT_UNREADABLE = "未通过", "有警告", "通过", "无法读取"
CROSS_YEAR_ONLY = ("text-repeated", "t2-public-total-continuity")  # rules that need last year's report but no previous.* key
# Our own audit workbooks carry this custom document property (book.py writes it); those
# of earlier versions are known by their title. Either marks a workbook never to read as a
# report or a roster.
AUDIT_MARKER = "xlreport-audit"
AUDIT_TITLE = "政府信息公开工作年度报告审查结果"


# --- one file -----------------------------------------------------------------

def audit_one(name: str) -> dict:
    """Read and check one file. A record: file, agency, year, format, verdict, errors,
    warnings, problems (with `where`), figures, notes, data and cells (for the pairs and
    totals; not part of the JSON output). A file that cannot be read gives `error`."""
    from xlreport.checks import check
    from xlreport.io.files import is_published
    from xlreport.io.readers import load_report

    file = shown(name)
    try:
        report = load_report(name)
    except XlreportError as exc:
        return {"file": file, "path": name, "error": shown(exc.message)}
    except OSError as exc:
        return {"file": file, "path": name, "error": f"无法读取（{reason(exc, '读取')}）"}
    except Exception as exc:  # one broken file must not stop the batch
        return {"file": file, "path": name, "error": shown(f"无法读取（{type(exc).__name__}: {exc}）")}
    try:
        problems = report.problems + check(report.data, report.fmt, report.cells, is_published(name))
        record = {"file": file, "path": name, "agency": _text(report.data.get("meta.agency")),
                  "year": _year(report.data.get("meta.year")), "format": report.fmt.version,
                  "problems": [with_place(p.to_dict(), report.fmt) for p in problems],
                  "figures": key_figures(report.data, report.fmt),
                  "figure_notes": figure_notes(report.data, report.fmt), "notes": list(report.notes),
                  "data": dict(report.data), "cells": dict(report.cells)}
    except Exception as exc:  # a bug must not stop the batch either; say which file
        return {"file": file, "path": name, "error": shown(f"程序内部错误（{type(exc).__name__}: {exc}），"
                                                           f"请把这个文件发给维护人员")}
    return tally(record)


def tally(record: dict) -> dict:
    """Set errors, warnings and verdict from the record's problems."""
    errors = sum(p["severity"] == "error" for p in record["problems"])
    record["errors"], record["warnings"] = errors, len(record["problems"]) - errors
    record["verdict"] = VERDICT_ERRORS if errors else VERDICT_WARNINGS if record["warnings"] else VERDICT_CLEAN
    return record


def with_place(problem: dict, fmt) -> dict:
    """The problem with `where`: its cells (表三!E7, or the place in a published report);
    for a data file, which has no cells, the places of its keys as the format names them."""
    if problem["cells"]:
        places = problem["cells"]
    else:
        texts = {t.key: f"正文 {t.label}" for t in fmt.texts}
        places = [fmt.field(k).where if fmt.has(k) else texts.get(k, k) for k in problem["keys"]]
    problem["where"] = "；".join(dict.fromkeys(places))
    return problem


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _year(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999 else None


# --- key figures --------------------------------------------------------------
# The figures a reviewer looks at first (the list), each the sum of some
# keys as printed (a published total counts as printed, else its parts). Group
# keys come from the format declarations (fmt.outcomes, fmt.review_groups).
FIGURES = (  # (id, column header)
    ("new", "本年新收"), ("carried_over", "上年结转"), ("handled", "办结（七）总计"),
    ("carried_forward", "结转下年度"), ("granted", "予以公开"), ("granted_share", "予以公开占办结"),
    ("denied", "不予公开"), ("unable", "无法提供"), ("review", "行政复议"), ("review_corrected", "复议纠正率"),
    ("suit", "行政诉讼"), ("suit_corrected", "诉讼纠正率"), ("fee", "信息处理费（元）"),
)
SHARES = {"granted_share", "review_corrected", "suit_corrected"}
COMPARED = ("new", "carried_over", "handled", "carried_forward", "granted", "denied", "unable", "review", "suit",
            "fee")  # side by side in 逐年对比


def figure_keys(fmt) -> dict[str, tuple[str, ...]]:
    groups = {g.key: g.keys for g in fmt.outcomes}
    suits = [g for g in fmt.review_groups if g.key != "review"]
    return {
        "new": ("t3.new.total",), "carried_over": ("t3.carried_over.total",), "handled": ("t3.total.total",),
        "carried_forward": ("t3.carried_forward.total",), "granted": groups["granted"],
        "denied": groups["denied"], "unable": groups["unable"], "review": ("t4.review.total",),
        "review_corrected_part": ("t4.review.corrected",),
        "suit": tuple(f"t4.{g.key}.total" for g in suits),
        "suit_corrected_part": tuple(f"t4.{g.key}.corrected" for g in suits),
        "fee": ("fee.amount_yuan",) if fmt.has("fee.amount_yuan") else (),
    }


def key_figures(data: dict, fmt) -> dict[str, float | int | None]:
    from xlreport.model.numbers import evaluate

    numbers = evaluate(data, fmt).numbers
    sums: dict[str, float | int | None] = {}
    for name, keys in figure_keys(fmt).items():
        values = [numbers.get(k) for k in keys]
        sums[name] = None if not keys or any(v is None or not math.isfinite(v) for v in values) \
            else sum(v for v in values if v is not None)
    out: dict[str, float | int | None] = {name: sums.get(name) for name, _ in FIGURES if name not in SHARES}
    out["granted_share"] = _share(sums["granted"], sums["handled"])
    out["review_corrected"] = _share(sums["review_corrected_part"], sums["review"])
    out["suit_corrected"] = _share(sums["suit_corrected_part"], sums["suit"])
    return out


SUM_RULES = ("t3-results-sum", "t3-row-sum", "t4-sum")  # a printed total against its parts


def figure_notes(data: dict, fmt) -> dict[str, str]:
    """For each key figure holding a printed total that contradicts its parts (Hongze 2023:
    行政复议 总计 printed 0, parts 11): a note 「总计印为 0，各项合计 11」. The figure itself
    stays as printed (sortable); the note goes beside it."""
    from xlreport.checks.arithmetic import run_check
    from xlreport.model.numbers import evaluate
    from xlreport.model.report import number_text

    numbers = evaluate(data, fmt).numbers
    can_make_rules = data.get("meta.can_make_rules") is True
    wrong: dict[str, tuple] = {}  # printed total key -> (expected, actual)
    for c in fmt.all_checks():
        if c.rule in SUM_RULES and len(c.actual) == 1:
            ok, expected, actual = run_check(c, numbers, can_make_rules)
            if ok is False:
                wrong.setdefault(c.actual[0].key, (expected, actual))
    notes = {}
    for name, keys in figure_keys(fmt).items():
        found = [(fmt.field(k).where if fmt.has(k) else k, *wrong[k]) for k in keys if k in wrong]
        if found and name in dict(FIGURES):
            notes[name] = "；".join(f"{where}印为 {number_text(a)}，各项合计 {number_text(e)}" if len(keys) > 1
                                    else f"总计印为 {number_text(a)}，各项合计 {number_text(e)}"
                                    for where, e, a in found)
    return notes


def _share(part, whole) -> float | None:
    return None if part is None or not whole else part / whole


# --- agencies and pairs -------------------------------------------------------

def name_key(name: str) -> str:
    """An agency name for comparison: NFKC (full-width letters and brackets as half-width), no spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def variant_key(name: str) -> str:
    """The name with the usual short forms spelled out: 政府 → 人民政府, 人民政府办 → 人民政府办公室
    (「区政府办」 and 「区人民政府办公室」 give the same key), a place alone → its 人民政府 (the importer
    keeps 「宿迁市」 as its title prints it). Used only where it fits one report."""
    key = re.sub(r"(?<!人民)政府", "人民政府", name_key(name))
    if re.search(r"(省|市|自治区|自治州|州|盟|区|县|旗)$", key):  # a report titled by its place alone (「宿迁市」)
        key += "人民政府"
    return re.sub(r"人民政府办(?!公)", "人民政府办公室", key)


def match_names(left: list[str], right: list[str],
                suffix: bool = False) -> tuple[list[tuple[int, int, bool]], list[int], list[int]]:
    """Match two lists of names one to one: the same name first, then the same variant where
    exactly one name on each side has it; with `suffix` (the roster), then a left name whose
    variant ends exactly one right name's variant after a place prefix (「洪泽区政府」 for
    「淮安市洪泽区人民政府」), where no other left name ends that right name. Returns
    (matches (i, j, not the same name), left unmatched, right unmatched); a name that
    appears more than once on a side is not matched."""
    matches: list[tuple[int, int, bool]] = []
    free_l, free_r = set(range(len(left))), set(range(len(right)))
    for key, by_variant in ((name_key, False), (variant_key, True)):
        index_l: dict[str, list[int]] = {}
        index_r: dict[str, list[int]] = {}
        for i in sorted(free_l):
            index_l.setdefault(key(left[i]), []).append(i)
        for j in sorted(free_r):
            index_r.setdefault(key(right[j]), []).append(j)
        for k, ls in index_l.items():
            rs = index_r.get(k, [])
            if len(ls) == 1 and len(rs) == 1:
                matches.append((ls[0], rs[0], by_variant))
                free_l.discard(ls[0])
                free_r.discard(rs[0])
    if suffix:
        fits = {i: [j for j in sorted(free_r) if is_place_suffix(variant_key(left[i]), variant_key(right[j]))]
                for i in sorted(free_l)}
        owners: dict[int, list[int]] = {}
        for i, js in fits.items():
            for j in js:
                owners.setdefault(j, []).append(i)
        for i, js in fits.items():
            if len(js) == 1 and len(owners[js[0]]) == 1:
                matches.append((i, js[0], True))
                free_l.discard(i)
                free_r.discard(js[0])
    return sorted(matches), sorted(free_l), sorted(free_r)


PLACE_ENDS = "省市县区州盟旗"  # the last character of a place prefix (淮安市, 江苏省淮安市)


def is_place_suffix(short: str, full: str) -> bool:
    """Whether `full` is `short` with a place prefix: 「淮安市」+「洪泽区人民政府」."""
    return len(short) >= 3 and len(full) > len(short) and full.endswith(short) and full[-len(short) - 1] in PLACE_ENDS


def pair_reports(records: list[dict]) -> tuple[list[tuple[dict, dict, bool]], list[str]]:
    """(this year's record, last year's record, matched by a variant of the name) for every
    agency with reports in consecutive years; and notes on the reports that could have been
    paired but were not (the same agency twice in one year)."""
    by_year: dict[int, list[dict]] = {}
    for r in records:
        if r.get("agency") and r.get("year"):
            by_year.setdefault(r["year"], []).append(r)
    pairs, notes = [], []
    for year in sorted(by_year):
        if year - 1 not in by_year:
            continue
        this, last = by_year[year], by_year[year - 1]
        matches, left, right = match_names([r["agency"] for r in this], [r["agency"] for r in last])
        pairs += [(this[i], last[j], variant) for i, j, variant in matches]
        last_keys = {name_key(r["agency"]) for r in last}
        for i in left:
            if name_key(this[i]["agency"]) in last_keys:
                notes.append(f"“{this[i]['agency']}”{year} 年或 {year - 1} 年有不止一份报告，无法确定哪两份逐年对比："
                             f"{this[i]['file']}")
    return pairs, notes


def cross_year(this: dict, last: dict) -> tuple[list[dict], list[str]]:
    """The cross-year problems of this year's report against last year's, and the warnings
    of attach_previous (last year's report is blank …)."""
    from xlreport.checks import check
    from xlreport.model.report import Report
    from xlreport.io.previous import attach_previous
    from xlreport.model.formats import FORMATS

    fmt = FORMATS[this["format"]]
    report = Report(this["path"], fmt, {k: v for k, v in this["data"].items() if key_table(k) != "previous"},
                    this["cells"])
    previous = Report(last["path"], FORMATS[last["format"]], dict(last["data"]), last["cells"])
    try:
        warnings = attach_previous(report, previous)
    except InputError as exc:
        return [], [exc.message]
    found = [p for p in check(report.data, fmt, report.cells)
             if p.rule in CROSS_YEAR_ONLY or any(key_table(k) == "previous" for k in p.keys)]
    return [with_place(p.to_dict(), fmt) for p in found], warnings


# --- roster -------------------------------------------------------------------
ROSTER_HEADERS = ("单位", "单位名称", "机关", "机关名称", "机关全称", "名称", "部门", "部门名称")


def read_roster(path: str | os.PathLike) -> list[str]:
    """Unit names: the first column of the first sheet of an .xlsx, or one name a line of a
    .txt (UTF-8, or GBK as Windows Notepad saves it). Blank lines and a header row are skipped."""
    from xlreport.io.files import regular_file

    p = regular_file(path, "名单文件", 20 * 2**20)  # a roster of a few hundred units is well under 1 MB
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from python_calamine import CalamineWorkbook

        import io

        from xlreport.model.layout import SHEET_MARKER

        if is_audit_workbook(p):
            raise InputError(f"“{p.name}”是 xlreport audit 生成的审查结果，不是名单；请用 --roster 指定应报送单位名单"
                             f"（.xlsx 第一列为单位名称，或 .txt 每行一个单位）")
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(p.read_bytes()))
            sheet_names = list(book.sheet_names)
            rows = book.get_sheet_by_index(0).to_python()
        except BaseException as exc:  # calamine's errors, or a Rust panic
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise InputError(f"无法打开名单“{p.name}”：文件已损坏或不是 Excel 工作簿") from None
        if SHEET_MARKER in sheet_names:
            raise InputError(f"“{p.name}”是年度报告工作簿，不是名单；请把它放在审查的文件夹中，"
                             f"用 --roster 指定应报送单位名单（.xlsx 第一列为单位名称，或 .txt 每行一个单位）")
        names = [_cell_name(row[0]) for row in rows if row]
    elif suffix == ".txt":
        raw = p.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover (gb18030 decodes any bytes but a few)
            raise InputError(f"名单“{p.name}”不是 UTF-8 或 GBK 编码的文本，请另存为 UTF-8 后重试")
        names = [line.strip() for line in text.splitlines()]
    else:
        raise InputError(f"名单“{p.name}”应是 Excel 工作簿（.xlsx，第一列为单位名称）或文本文件（.txt，每行一个单位）")
    names = [n for n in names if n]
    if names and name_key(names[0]) in ROSTER_HEADERS:
        names = names[1:]
    if not names:
        raise InputError(f"名单“{p.name}”中没有单位名称（.xlsx 读第一列，.txt 每行一个单位）")
    return list(dict.fromkeys(names))


def is_audit_workbook(path: str | os.PathLike) -> bool:
    """Whether a file is an audit workbook of ours (the marker property, or the title that
    every version wrote). Reads two small parts of the archive, never the sheets."""
    try:
        with zipfile.ZipFile(path) as z:
            for part in ("docProps/custom.xml", "docProps/core.xml"):
                try:
                    info = z.getinfo(part)
                except KeyError:
                    continue
                if info.file_size < 1 << 20:
                    text = z.read(info).decode("utf-8", "replace")
                    if AUDIT_MARKER in text or AUDIT_TITLE in text:
                        return True
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, RuntimeError):
        return False
    return False


def _cell_name(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


def roster_rows(roster: list[str], records: list[dict], year: int | None) -> list[dict]:
    """未报送 (on the roster, no report of `year`), 名单外 (a report of `year` from a unit not on
    it), 名称不一致 (matched by a variant of the name or without its place prefix: worth
    correcting) and 多份报告 (a unit that sent more than one report: counted as reported)."""
    groups: dict[str, list[dict]] = {}
    for r in records:
        if r.get("year") == year and r.get("agency"):
            groups.setdefault(variant_key(r["agency"]), []).append(r)  # 「宿迁市」 and 「宿迁市人民政府」: one unit
    agencies = list(groups.values())
    matches, missing, extra = match_names(roster, [g[0]["agency"] for g in agencies], suffix=True)
    rows = [{"kind": "未报送", "unit": roster[i], "agency": None, "file": None,
             "note": f"名单中有，未找到 {year} 年度的报告" if year is not None else "名单中有，未找到其报告"}
            for i in missing]
    rows += [{"kind": "名单外", "unit": None, "agency": r["agency"], "file": r["file"],
              "note": "报告的机关不在名单中（或名单中有同名的多个单位），请核对"} for j in extra for r in agencies[j]]
    for i, j, variant in matches:
        group = agencies[j]
        if variant and not any(name_key(r["agency"]) == name_key(roster[i]) for r in group):
            short = variant_key(roster[i]) == variant_key(group[0]["agency"])
            rows.append({"kind": "名称不一致", "unit": roster[i], "agency": group[0]["agency"], "file": group[0]["file"],
                         "note": "按简称与全称对应，请核对报告中的机关全称" if short else
                         "名单中的名称没有地名前缀，按报告中机关全称的末尾对应，请核对"})
        if len(group) > 1:
            rows.append({"kind": "多份报告", "unit": roster[i], "agency": group[0]["agency"],
                         "file": "；".join(r["file"] for r in group),
                         "note": f"报送了 {len(group)} 份，请核对（合计只计入第一份：{group[0]['file']}）"})
    return rows


def one_per_agency(records: list[dict]) -> tuple[list[dict], list[dict]]:
    """The reports that count in 合计 — one per agency and year, the first by file name (reports
    without an agency or year all count) — and the same agency twice in a year, each as
    {agency, year, files, counted, left_out}."""
    groups: dict[tuple, list[dict]] = {}
    counted = []
    for r in sorted(records, key=lambda r: r["file"]):
        if r.get("agency") and r.get("year"):
            groups.setdefault((variant_key(r["agency"]), r["year"]), []).append(r)
        else:
            counted.append(r)
    duplicates = []
    for members in groups.values():
        counted.append(members[0])
        if len(members) > 1:
            duplicates.append({"agency": members[0]["agency"], "year": members[0]["year"],
                               "files": [r["file"] for r in members], "counted": members[0]["file"],
                               "left_out": [r["file"] for r in members[1:]]})
    return counted, duplicates


# --- totals -------------------------------------------------------------------
DROPPED_ON_TOTALS = ("text-", "meta-")  # the sum has no text and no cover of its own


def totals(records: list[dict]) -> list[dict]:
    """Per (year, format version): every numeric key summed over the reports (each as printed:
    a published total counts as printed, else its parts), and the checks run on the sum.
    `records`: one report per agency and year (one_per_agency)."""
    from xlreport.checks import check
    from xlreport.model.numbers import evaluate
    from xlreport.model.formats import FORMATS

    groups: dict[tuple[int, str], list[dict]] = {}
    for r in records:
        if r.get("year") and r.get("format"):
            groups.setdefault((r["year"], r["format"]), []).append(r)
    out = []
    for (year, version), members in sorted(groups.items()):
        fmt = FORMATS[version]
        fields = [f for f in fmt.value_fields if f.numeric]
        sums: dict[str, list] = {f.key: [] for f in fields}
        for r in members:
            numbers = evaluate(r["data"], fmt).numbers
            for f in fields:
                v = numbers.get(f.key)
                if v is not None and math.isfinite(v):
                    sums[f.key].append(v)
        values = {k: _sum(v) for k, v in sums.items() if v}
        data = {**values, "meta.agency": f"{len(members)} 个报告合计", "meta.year": year,
                "meta.can_make_rules": any(r["data"].get("meta.can_make_rules") is True for r in members)}
        problems = [with_place(p.to_dict(), fmt) for p in check(data, fmt)
                    if not p.rule.startswith(DROPPED_ON_TOTALS)]
        errors = sum(p["severity"] == "error" for p in problems)
        out.append({
            "year": year, "format": version, "reports": len(members),
            "verdict": VERDICT_ERRORS if errors else VERDICT_WARNINGS if problems else VERDICT_CLEAN,
            "problems": problems,
            "values": [{"key": f.key, "table": f.place or f.table, "where": f.where, "total": values.get(f.key),
                        "counted": len(sums[f.key]), "missing": len(members) - len(sums[f.key])} for f in fields],
        })
    return out


def _sum(values: list) -> int | float:
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return round(math.fsum(values), 6)


# --- everything ---------------------------------------------------------------

def audit(names: list[str], roster: str | None = None, year: int | None = None,
          previous_dirs: tuple[str, ...] = (), output: str | None = None,
          progress: Callable[[int, int], None] | None = None,
          run: Callable[..., list[dict]] | None = None) -> dict:
    """Read every report under `names` (and `previous_dirs`, for comparison only) and put the
    audit together (see `assemble`). `run(files, progress)` checks the files (default: the
    CLI's process pool); `output` and our own audit workbooks are left out of the files read."""
    from xlreport.batch import find_reports, run_many
    from xlreport.io.files import same_file

    roster_names = read_roster(roster) if roster else None  # a bad roster stops before the long part
    found = find_reports(list(names))
    found_previous = find_reports(list(previous_dirs)) if previous_dirs else None
    entries = [(n, why, False) for n, why in found.entries]
    if found_previous:
        entries += [(n, why, True) for n, why in found_previous.entries]
    entries = distinct(entries)
    if output:
        entries = [e for e in entries if not (os.path.isfile(e[0]) and same_file(e[0], output))]
    skipped = []
    for e in [e for e in entries if e[1] is None and Path(e[0]).suffix.lower() in (".xlsx", ".xlsm")]:
        if is_audit_workbook(e[0]):
            entries.remove(e)
            skipped.append({"file": shown(e[0]), "reason": "xlreport audit 生成的审查结果，不是报告，不读取"})
    to_read = [n for n, why, _ in entries if why is None]
    if run is None:
        def run(files, progress):
            return run_many(audit_one, files, progress)
    results = iter(run(to_read, progress))
    records, not_read = [], []
    for name, why, comparison_only in entries:
        if why is not None:
            not_read.append({"file": shown(name), "reason": in_audit_terms(shown(why)), "read": False})
            continue
        record = next(results)
        if "error" in record:
            not_read.append({"file": record["file"], "reason": in_audit_terms(record["error"]), "read": True})
        else:
            record["comparison_only"] = comparison_only
            records.append(record)
    ignored = found.ignored + (found_previous.ignored if found_previous else 0)
    return assemble(records, not_read, names=list(names), roster=roster_names, roster_file=roster, year=year,
                    previous_dirs=list(previous_dirs), ignored=ignored, skipped=skipped)


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
    ("请核对 --previous 是否是本机关上一年的报告", "请核对这两份报告是否是同一机关的"),
    ("请用填好的上年报告作为 --previous", "请把填好的上年报告放在审查的文件夹中（或用 --previous-dir 指定其文件夹）"),
)


def in_audit_terms(message: str) -> str:
    for theirs, ours in AUDIT_TERMS:
        message = message.replace(theirs, ours)
    return message


def assemble(records: list[dict], not_read: list[dict], names: list[str], roster: list[str] | None = None,
             roster_file: str | None = None, year: int | None = None, previous_dirs: list[str] | None = None,
             ignored: int = 0, skipped: list[dict] | None = None) -> dict:
    """The audit as plain data: the reports of the year under review (`year`, default the latest
    year read; the others and those of `previous_dirs` only serve as last year's), their pairs,
    the roster and totals (one report per agency and year)."""
    from xlreport.model._version import __version__

    review_year = year if year is not None else max(
        (r["year"] for r in records if r.get("year") and not r.get("comparison_only")), default=None)
    for r in records:  # by default a report without a year stays under review: its problems are shown
        if review_year is not None and r.get("year") != review_year and (year is not None or r.get("year")):
            r["comparison_only"] = True
    reviewed = [r for r in records if not r.get("comparison_only")]
    pairs = []
    pair_list, pair_notes = pair_reports(records)
    for this, last, variant in pair_list:
        if this.get("comparison_only"):
            continue
        found, warnings = cross_year(this, last)
        warnings = [in_audit_terms(w) for w in warnings]
        this["problems"] = [p for p in this["problems"] if not any(key_table(k) == "previous" for k in p["keys"])]
        this["problems"] += found
        this["previous_file"] = last["file"]
        tally(this)
        pairs.append({"agency": this["agency"], "last_agency": last["agency"], "by_variant": variant,
                      "year": this["year"], "last_year": last["year"], "file": this["file"], "last_file": last["file"],
                      "problems": found, "warnings": warnings,
                      "verdict": _verdict(found),
                      "figures": {k: {"last": last["figures"].get(k), "this": this["figures"].get(k)}
                                  for k in COMPARED},
                      "figure_notes": {k: {"last": last.get("figure_notes", {}).get(k),
                                           "this": this.get("figure_notes", {}).get(k)}
                                       for k in COMPARED
                                       if k in last.get("figure_notes", {}) or k in this.get("figure_notes", {})}})
    counted, duplicates = one_per_agency(reviewed)
    reviewed.sort(key=lambda r: (-(r.get("year") or 0), name_key(r.get("agency") or ""), r["file"]))
    now = _dt.datetime.now().astimezone()
    return {
        "xlreport": __version__,
        "generated": now.isoformat(timespec="seconds"),
        "generated_text": f"{now.year}年{now.month}月{now.day}日 {now:%H:%M}",
        "inputs": [shown(n) for n in names], "previous_dirs": [shown(n) for n in previous_dirs or ()],
        "year": review_year, "year_given": year is not None, "roster_year": review_year,
        "reports": reviewed,
        "comparison_only": [r["file"] for r in records if r.get("comparison_only")],
        "not_read": not_read, "ignored": ignored, "skipped": skipped or [],
        "pairs": pairs, "pair_notes": pair_notes, "duplicates": duplicates,
        "roster": None if roster is None else {"file": shown(roster_file or ""), "units": len(roster),
                                               "rows": roster_rows(roster, reviewed, review_year)},
        "totals": totals(counted),
        "left_out_of_totals": [f for d in duplicates for f in d["left_out"]],
    }


def counts_text(reports: list[dict]) -> str:
    """「3 个：1 个未通过，2 个有警告，0 个通过」 — the one wording of the console and the 说明 sheet."""
    failed = sum(1 for r in reports if r["errors"])
    warned = sum(1 for r in reports if not r["errors"] and r["warnings"])
    return (f"{len(reports)} 个：{failed} 个{VERDICT_ERRORS}，{warned} 个{VERDICT_WARNINGS}，"
            f"{len(reports) - failed - warned} 个{VERDICT_CLEAN}")


def _verdict(problems: list[dict]) -> str:
    if any(p["severity"] == "error" for p in problems):
        return VERDICT_ERRORS
    return VERDICT_WARNINGS if problems else VERDICT_CLEAN


def as_json(result: dict) -> dict:
    """The audit for programs: the same content as the workbook, without each report's raw data."""
    from xlreport.io.jsonfile import _plain

    def report(r: dict) -> dict:
        return {k: v for k, v in r.items() if k not in ("data", "cells", "path")}

    out = dict(result)
    out["reports"] = [report(r) for r in result["reports"]]
    for r in out["reports"]:
        for p in r["problems"]:
            p["expected"], p["actual"] = _plain(p["expected"]), _plain(p["actual"])
    return out


def exit_code(result: dict) -> int:
    """0 no errors, 1 errors found in a report under review, 2 a file could not be read (as `check`)."""
    if result["not_read"]:
        return 2
    return 1 if any(r["errors"] for r in result["reports"]) else 0
