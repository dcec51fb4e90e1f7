"""审查意见: one Word letter per reviewed unit (`xlreport audit --feedback DIR`, the service's feedback.zip).

Each letter says, in the report's 公文 style, which unit and year was reviewed, the verdict, and
every problem with its place and what to do — ready to send back to the unit.

Built with python-docx on the report's own Word template (`report.docx.default_template()`):
its body is emptied and only its styles (报告标题, 报告正文, 一级标题, 表格文字 …), page set-up
and page-number footer are kept, so the letter looks like the report and follows any restyle of
the template. A docxtpl template of its own would add a generated file without gain: the letter
is a list of variable length written by code, and no clerk edits its layout.

The letter is made from `UnitReview` (plain data); `reviews(result)` derives them from an audit.
For the service: `feedback_zip(result)` (every letter, zipped) and `unit_feedback(result, unit)`
(one unit's letter), on the `AuditResult` of `xlreport.api.audit`.
User text (agency names, messages that quote a report) only ever becomes text runs, never markup.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import os
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from xlreport.audit.names import match_names, variant_key
from xlreport.audit.roster import AUDIT_MARKER
from xlreport.audit.results import (
    UNKNOWN_AGENCY,
    VERDICT_CLEAN,
    VERDICT_ERRORS,
    VERDICT_WARNINGS,
    AuditedReport,
    AuditResult,
    PlacedProblem,
)
from xlreport.errors import Exists
from xlreport.io.files import check_target, safe_file_name, write_bytes_atomic
from xlreport.report.layout import STYLES

__all__ = ["Finding", "UnitReview", "feedback_docx", "feedback_name", "feedback_zip", "named_letters", "reviews",
           "unit_feedback", "write_letters"]



@dataclass
class Finding:
    """One problem as the letter states it."""

    severity: str  # "error" or "warning"
    rule: str
    place: str  # in words: 工作簿“表三”表 E7 格; 第5张表第24行 …
    message: str
    action: str  # what the unit should do
    file: str = ""


@dataclass
class UnitReview:
    """What one letter says: the unit (None: the name was not found in the report), the year,
    the files reviewed (a unit may have sent several), the verdict and the findings."""

    agency: str | None
    year: int | None
    files: list[str]
    verdict: str
    findings: list[Finding] = field(default_factory=list)
    previous_files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "error"]

    @property
    def unit(self) -> str:
        """The unit as the letter names it."""
        return self.agency or f"{UNKNOWN_AGENCY}（文件：{'、'.join(Path(f).name for f in self.files)}）"


# --- from an audit ----------------------------------------------------------------

CELL_REF = re.compile(r"^(?P<sheet>[^!]+)!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def place_words(where: str) -> str:
    """A place as a clerk reads it: a workbook's 表三!E7 becomes 工作簿“表三”表 E7 格;
    a published report's place (表三 “……” 总计（第5张表第4行）) is already in words."""
    parts = []
    for part in (where or "").split("；"):
        m = CELL_REF.match(part.strip())
        parts.append(f"工作簿“{m['sheet']}”表 {m['col']}{m['row']} 格" if m else part.strip())
    return "；".join(p for p in parts if p) or "整份报告"


def action_words(rule: str, severity: str, message: str = "") -> str:
    """What the unit should do about a finding: for an error correct it, for a warning check it;
    the rule's requirement in Chinese first where the message itself does not say what to do."""
    from xlreport.model.rules import RULE_BY_ID

    known = RULE_BY_ID.get(rule)
    need = f"{known.title}。" if known is not None and known.title and "请" not in message else ""
    step = "必须更正，更正后重新报送" if severity == "error" else "请核对：确有不符的请更正，无误的请说明"
    return f"{need}{step}"


def finding(problem: PlacedProblem, file: str = "") -> Finding:
    """A Finding from a problem of the audit (with its place)."""
    return Finding(problem.severity, problem.rule, place_words(problem.where), problem.message,
                   action_words(problem.rule, problem.severity, problem.message), file)


def _worst(verdicts: Iterable[str]) -> str:
    found = set(verdicts)
    return next((v for v in (VERDICT_ERRORS, VERDICT_WARNINGS) if v in found), VERDICT_CLEAN)


def reviews(result: AuditResult) -> list[UnitReview]:
    """One UnitReview per reviewed unit of an audit (the reports of the year under review;
    several reports of one unit and year make one letter; a report whose agency was not
    found is a letter of its own, named after its file)."""
    groups: dict[tuple, list[AuditedReport]] = {}
    for r in result.reports:
        key = (variant_key(r.agency), r.year) if r.agency else ("", r.file)
        groups.setdefault(key, []).append(r)
    # the roster's name of a unit whose report called it otherwise (「宿迁市」 for 宿迁市人民政府)
    on_roster = {row.file: row.unit for row in (result.roster.rows if result.roster else ())
                 if row.kind == "名称不一致" and row.unit and row.file}
    out = []
    for members in groups.values():
        several = len(members) > 1
        names = [r.agency or "" for r in members] + [on_roster[r.file] for r in members if r.file in on_roster]
        out.append(UnitReview(
            agency=max(names, key=len) or None,  # the fullest name: the unit's own, or the roster's
            year=members[0].year, files=[r.file for r in members],
            verdict=_worst(r.verdict for r in members),
            findings=_distinct([[finding(p, r.file) for p in r.problems] for r in members]) if several
            else [finding(p) for p in members[0].problems],
            previous_files=[r.previous_file for r in members if r.previous_file]))
    return out


def _distinct(per_file: list[list[Finding]]) -> list[Finding]:
    """The findings of one unit's several files (a PDF and a web page of one report, a workbook …),
    each said once: the n-th finding with the same message in each file is one finding, placed in
    each file it was found in (「a.pdf：第3页 表三 …；a.txt：表三 …（第5张表第4行）」)."""
    groups: dict[tuple, list[Finding]] = {}
    for findings in per_file:
        seen: dict[tuple, int] = {}
        for f in findings:
            key = (f.severity, f.rule, f.message)
            seen[key] = seen.get(key, 0) + 1
            groups.setdefault((*key, seen[key]), []).append(f)
    out = []
    for same in groups.values():
        places: dict[str, list[str]] = {}  # place → the files that place it there
        for f in same:
            places.setdefault(f.place, []).append(Path(f.file).name)
        place = "；".join(f"{'、'.join(files)}：{where}" for where, files in places.items())
        out.append(replace(same[0], place=place, file=""))
    return out


def find_review(items: list[UnitReview], unit: str) -> UnitReview:
    """The review of `unit` — a unit's name, matched as the roster is (spaces, full-width letters,
    政府/人民政府 and a place prefix do not matter), or one of the files reviewed, as the audit
    shows it (`AuditedReport.file`). UnknownUnit when none or several fit."""
    from xlreport.errors import UnknownUnit

    by_file = [r for r in items if unit in r.files]  # the service knows the file it stored for a unit
    if len(by_file) == 1:
        return by_file[0]
    named = [r for r in items if r.agency]
    matches, _, _ = match_names([unit], [r.agency or "" for r in named], suffix=True)
    if not matches:
        raise UnknownUnit(f"审查的报告中没有“{unit}”的报告（或有多个单位与之对应），请核对单位名称")
    return named[matches[0][1]]


# --- the letter -----------------------------------------------------------------------

def feedback_name(review: UnitReview) -> str:
    """「<机关>2024年政府信息公开工作年度报告审查意见.docx」, safe as a file name on every system."""
    year = f"{review.year}年" if review.year else ""
    if review.agency:
        return safe_file_name(f"{review.agency}{year}政府信息公开工作年度报告审查意见", ".docx")
    stem = Path(review.files[0]).stem if review.files else "报告"
    return safe_file_name(f"{UNKNOWN_AGENCY}_{stem}审查意见", ".docx")


def date_words(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def verdict_words(review: UnitReview) -> str:
    """The verdict paragraph: what was found and what the unit does next."""
    errors, warnings = len(review.errors), len(review.warnings)
    if review.verdict == VERDICT_ERRORS:
        also = f"另有 {warnings} 处提示（见“三、需要核对的问题”），请一并核对。" if warnings else ""
        return (f"审查结论：{VERDICT_ERRORS}。报告中有 {errors} 处错误（见“二、需要更正的问题”），"
                f"请逐条更正后重新报送。{also}")
    if review.verdict == VERDICT_WARNINGS:
        return (f"审查结论：{VERDICT_WARNINGS}（未发现错误）。有 {warnings} 处需要核对（见“三、需要核对的问题”），"
                f"请逐条核对：确有不符的请更正后重新报送，无误的请予以说明。")
    return f"审查结论：{VERDICT_CLEAN}。未发现错误或需要核对的问题，可按程序公开。"


def feedback_docx(review: UnitReview, signer: str | None = None, day: _dt.date | None = None) -> bytes:
    """The 审查意见 letter of one unit as .docx bytes."""
    from docx import Document

    day = day or _dt.date.today()
    doc = Document(io.BytesIO(_letter_base()))
    year = f"{review.year}年" if review.year else ""
    report_title = f"{review.agency or ''}{year}政府信息公开工作年度报告"

    def par(style: str, text: str, indent: bool = True, align: str | None = None) -> None:
        p = doc.add_paragraph(_clean(text))
        p._p.get_or_add_pPr().style = STYLE_IDS[style]  # by id: python-docx's lookup by name is slow
        if not indent:
            p.paragraph_format.first_line_indent = 0
        if align is not None:
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT

    par("报告标题", f"关于{report_title}的审查意见")
    par("报告正文", f"{review.unit}：", indent=False)
    files = "、".join(Path(f).name for f in review.files)
    previous = "、".join(Path(f).name for f in review.previous_files)
    compared = "，并与上年报告作了逐年对比" if previous else ""
    par("报告正文", f"你单位报送的{year}政府信息公开工作年度报告已经审查{compared}。现将审查意见告知如下。")
    par("报告正文", f"审查的文件：{files}" + (f"；上年报告：{previous}。" if previous else "。"), align="left")
    par("一级标题", "一、审查结论")
    par("报告正文", verdict_words(review))
    if not review.agency:  # a published report's missing title is only an import note: say it here
        par("报告正文", f"报告中未能识别机关名称（正文开头、网页或文档的标题和文件名中都没有报告标题）。"
                       f"请在报告开头写明标题“（机关全称）{year}政府信息公开工作年度报告”，以便核对和归档"
                       f"（工作簿或数据文件请填写封面的“机关全称”）。")
    for heading, findings in (("二、需要更正的问题", review.errors), ("三、需要核对的问题", review.warnings)):
        par("一级标题", heading)
        if findings:
            _findings_table(doc, findings)
        else:
            par("报告正文", "无。")
    if review.findings:
        par("报告正文", "“位置”指报告中的页码、表格、行和列（工作簿则为工作表和单元格）。"
                       "更正时请同时核对正文中引用的数字与表格是否一致。")
        from xlreport.model.formats import FORMATS

        cited = [f"“{v} 版格式”指{FORMATS[v].source}" for v in sorted(FORMATS)
                 if any(f"{v} 版" in f.message for f in review.findings)]
        if cited:  # the formats by the documents that issued them, as an official letter cites them
            par("报告正文", "本意见中" + "，".join(cited) + "。")
    closing_from = len(doc.paragraphs) - 1  # the last line of text: the date never stands alone on a page
    par("报告正文", "")
    if signer:
        par("报告正文", signer, indent=False, align="right")
    par("报告正文", date_words(day), indent=False, align="right")
    for kept in doc.paragraphs[closing_from:-1]:
        kept.paragraph_format.keep_with_next = True
    props = doc.core_properties
    props.title = _clean(f"关于{report_title}的审查意见")[:250]
    props.author = props.last_modified_by = _clean(signer or "")[:250]
    props.comments = props.subject = props.category = ""
    props.keywords = AUDIT_MARKER  # never read as a report by a later audit of the same folder
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# The report's paragraph styles (report/layout.py STYLES) by the names Word shows
STYLE_IDS = {name: style_id for style_id, name, *_ in STYLES.values()}


@functools.lru_cache(maxsize=1)
def _letter_base() -> bytes:
    """The report's Word template with its body emptied (styles, page set-up, page numbers kept)."""
    from docx import Document

    from xlreport.report.docx import default_template

    doc = Document(str(default_template()))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


COLUMNS = (("序号", 12), ("位置", 40), ("问题", 62), ("处理意见", 42))  # widths in mm (156 in all)


def _findings_table(doc, findings: list[Finding]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Mm

    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.autofit = False
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table._tbl.tblPr.append(parse_xml(
        f'<w:tblBorders xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{border}</w:tblBorders>'))
    rows = [[head for head, _ in COLUMNS]]
    for n, f in enumerate(findings, 1):
        place = f"{Path(f.file).name}：{f.place}" if f.file else f.place
        rows.append([str(n), place, f.message, f.action])
    for j, (_, width) in enumerate(COLUMNS):  # the grid, which LibreOffice and WPS follow
        table.columns[j].width = Mm(width)
    for i, values in enumerate(rows):
        cells = table.rows[0].cells if i == 0 else table.add_row().cells
        for j, (cell, text) in enumerate(zip(cells, values)):
            cell.width = Mm(COLUMNS[j][1])
            paragraph = cell.paragraphs[0]
            paragraph._p.get_or_add_pPr().style = STYLE_IDS["表格文字"]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if i == 0 or j == 0 else WD_ALIGN_PARAGRAPH.LEFT
            paragraph.add_run(_clean(text)).bold = i == 0
    header = table.rows[0]._tr.get_or_add_trPr()  # the header row repeats on every page
    header.append(parse_xml('<w:tblHeader xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    """Text as XML allows it: control characters (and lone surrogates of undecodable names) dropped."""
    return _CONTROL.sub("", str(text))


# --- many letters -----------------------------------------------------------------------

def named_letters(items: list[UnitReview], signer: str | None = None,
                  day: _dt.date | None = None) -> list[tuple[str, bytes]]:
    """(file name, docx bytes) for each review; names made distinct with (2), (3) …"""
    taken: set[str] = set()
    out = []
    for review in items:
        name = feedback_name(review)
        stem, suffix = os.path.splitext(name)
        n = 2
        while name.casefold() in taken:
            name = f"{stem}({n}){suffix}"
            n += 1
        taken.add(name.casefold())
        out.append((name, feedback_docx(review, signer, day)))
    return out


def feedback_zip(result: AuditResult, signer: str | None = None, only_problems: bool = False,
                 day: _dt.date | None = None) -> bytes:
    """Every letter of an audit in one .zip (bytes; UTF-8 file names 「<机关>2024年政府信息公开工作
    年度报告审查意见.docx」); with `only_problems` only the units whose verdict is not 通过."""
    items = [r for r in reviews(result) if not only_problems or r.verdict != VERDICT_CLEAN]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in named_letters(items, signer, day):
            z.writestr(name, data)
    return buffer.getvalue()


def unit_feedback(result: AuditResult, unit: str, signer: str | None = None) -> bytes:
    """The letter (.docx bytes) of one reviewed unit of an audit, found by its name (spaces,
    full-width letters, 政府/人民政府 and a place prefix do not matter) or by one of its files as
    the audit names it; UnknownUnit when no reviewed unit, or more than one, fits."""
    return feedback_docx(find_review(reviews(result), unit), signer)


def prepare_folder(folder: str | os.PathLike) -> Path:
    """The feedback folder, refused before the audit's long part when it cannot be one: a file
    of that name, or a parent folder that does not exist (the folder itself is created)."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise Exists(f"“{target}”已存在且不是文件夹；审查意见请写到一个文件夹中")
    if not target.exists():
        check_target(target)  # its parent exists and is writable
    return target


def refuse_taken(letters: list[tuple[str, bytes]], folder: str | os.PathLike, force: bool = False) -> Path:
    """The feedback folder, checked: refused (nothing written) when a letter's file exists
    there and `force` is not given."""
    target = prepare_folder(folder)
    if not force:
        taken = [name for name, _ in letters if (target / name).exists()]
        if taken:
            raise Exists(f"审查意见文件夹“{target}”中已有“{taken[0]}”等 {len(taken)} 个文件，未写入任何审查意见；"
                         f"如需覆盖请选择覆盖已有文件，或换一个文件夹")
    return target


def planned(result: AuditResult, folder: str | os.PathLike, signer: str | None = None,
            force: bool = False) -> list[tuple[str, bytes]]:
    """Every letter of an audit, made and checked against the folder (Exists when one is there
    and `force` is not given) before anything of the audit is written: all or none."""
    letters = named_letters(reviews(result), signer)
    refuse_taken(letters, folder, force)
    return letters


def write_letters(letters: list[tuple[str, bytes]], folder: str | os.PathLike, force: bool = False) -> list[Path]:
    """Write the letters into `folder` (created if missing): all or none refused, each file atomically."""
    target = refuse_taken(letters, folder, force)
    target.mkdir(exist_ok=True)
    return [write_bytes_atomic(target / name, data, force) for name, data in letters]
