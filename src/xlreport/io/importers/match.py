"""Document → report data: the importer's pipeline over the stages in this package.

labels (labels.py) → cell values (values.py) → tables (tables.py: which table is which;
table2.py, table3.py, table4.py) → cover and name (cover.py) → sections (sections.py) → fees
(fees.py). Both versions are matched at once, so a table of the other version (or one row of
it) is recognised, reported with `format-version`, and still mapped where the key means the same
in the report year's version. The names other modules and the tests use are re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from xlreport.checks.cover import INFERRED
from xlreport.errors import NotAReport
from xlreport.io.importers.cover import _PERIOD, _contact
from xlreport.io.importers.document import Document, Paragraph, Table
from xlreport.io.importers.labels import nfkc, parse_label, similarity
from xlreport.io.importers.name import agency_kind, find_agency
from xlreport.io.importers.sections import (
    _SUB,
    HEADING_VARIANTS,
    _generated,
    _split_sections,
    text_place,
)
from xlreport.io.importers.table2 import match_t2
from xlreport.io.importers.table3 import match_t3
from xlreport.io.importers.table4 import match_t4
from xlreport.io.importers.tables import Imported, _classify, tag
from xlreport.io.importers.values import Value, parse_value
from xlreport.model.formats import FORMATS, format_for_year
from xlreport.model.report import problem
from xlreport.model.spec import ReportFormat, key_table

__all__ = ["HEADING_VARIANTS", "Imported", "Value", "agency_kind", "import_report", "match_document", "nfkc",
           "parse_label", "parse_value", "similarity", "text_place"]


_SECTION_TWO = re.compile(r"二\s*[、.,]\s*主动公开")
_SECTION_THREE = re.compile(r"三\s*[、.,]\s*收到和处理")
# A year that names the report's year where there is no title: 「2023年度」, or a paragraph opening 「2023年，」
_YEAR_OF_REPORT = re.compile(r"(20\d\d)\s*年度")
_YEAR_OPENING = re.compile(r"\s*(20\d\d)\s*年\s*,")


def match_document(doc: Document, year_hint: int | None = None) -> Imported:
    out = _match(doc, year_hint)
    if "meta.year" in out.data or not any(v != out.fmt.version for t in out.versions.values() for v in t):
        return out
    # No year to choose the format by, and the tables are printed in the other version: read them in
    # the version whose rows and columns they have (fewer labels of the other one), and say so.
    readings = [out, *(_match(doc, year_hint, fmt) for fmt in FORMATS.values() if fmt is not out.fmt)]
    other = min(readings, key=_other_version_labels)  # the first (the default format) where equal
    if other is out:
        return out
    other.notes.append(f"表格是 {other.fmt.version} 版格式的样式（表二的栏目、表三的行），已按 {other.fmt.version} 版格式读取")
    tag(other, STAGES["tables"])
    return other


def _other_version_labels(out: Imported) -> int:
    return sum(len(labels) for t in out.versions.values() for v, labels in t.items() if v != out.fmt.version)


def _match(doc: Document, year_hint: int | None = None, chosen: ReportFormat | None = None) -> Imported:
    """The report read in the report year's format (`chosen` where the year is not known)."""
    paragraphs = doc.paragraphs
    # a web page's links (related reports, 「上一篇」) are other pages' titles: no name or year of this report
    name = find_agency([p.text if p.style != "link" else "" for p in paragraphs], doc.titles, doc.path)
    year, title_at = name.year, name.line
    period = None
    for p in paragraphs[:10]:
        m = _PERIOD.search(re.sub(r"\s+", "", nfkc(p.text)))
        if m:
            period = int(m.group(2))
            break
    year = period or year or year_hint
    guessed = ""
    if year is None:  # no title, no statistics period: a 「2023年度」 or the body's opening 「2023年，…」
        for p in [p for p in paragraphs if p.style != "link"][:3]:  # (never a date, nor a year inside a sentence)
            m = _YEAR_OF_REPORT.search(nfkc(p.text)) or _YEAR_OPENING.match(nfkc(p.text))
            if m:
                year, guessed = int(m.group(1)), m.group(0).strip().rstrip(",")
                break
    fmt = format_for_year(year) if year else chosen or FORMATS["2021"]
    out = Imported(fmt)
    out.notes.extend(doc.notes)
    tag(out, STAGES["source"])
    if guessed:
        out.notes.append(f"报告中没有带年度的标题和统计期限，报告年度按开头的“{guessed}”读作 {year} 年，请核对")
    if year is None:
        out.notes.append(f"未能从标题或统计期限中读出报告年度，按 {fmt.version} 版格式读取；请在数据文件中填写 meta.year")
    out.notes.extend(name.notes)
    if period and name.year and period != name.year:  # the title says one year, the statistics period another
        out.notes.append(f"标题中的年度（{name.year} 年）与统计期限的年度（{period} 年）不同，按统计期限读作 {period} 年度"
                         f"（表格的格式也按 {period} 年确定）；请核对报告年度，并更正标题或统计期限")
    out.notice = name.notice
    if name.name:
        out.data["meta.agency"] = name.name
        out.cells["meta.agency"] = name.source
        kind, rules = agency_kind(name.name)
        if kind:
            out.data["meta.agency_kind"] = kind
            out.data["meta.can_make_rules"] = rules
            out.cells["meta.agency_kind"] = out.cells["meta.can_make_rules"] = INFERRED
            out.notes.append(f"机关类型（{dict(fmt.field('meta.agency_kind').choices)[kind]}）和有规章制定权"
                             f"（{'是' if rules else '否'}）是按机关名称推断的，请核对")
    tag(out, STAGES["cover"])
    if year:
        out.data["meta.year"] = year
        out.cells["meta.year"] = "统计期限" if period else "标题"

    caption = ""
    found = set()
    t3_state: dict = {}
    t4_state: dict = {}
    # where 「二、主动公开政府信息情况」 is printed: a table before it (in 一's text: 「表1 主动公开信息统计」
    # with rows 行政许可, 行政处罚) is not table 二
    # (nor one after 「三、收到和处理政府信息公开申请情况」: another table of such items in 六, or an appendix)
    # (a table of contents lists both headings first: the heading is the last 二 before the table)
    two, three = ([i for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)
                   and heading.match(nfkc(b.text).lstrip("#* "))] for heading in (_SECTION_TWO, _SECTION_THREE))
    for at, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            caption = block.text
            continue
        kind = _classify(block, expect_t3="last_order" in t3_state and not t3_state.get("done"))
        heading = max((i for i in two if i < at), default=None)
        if kind == "t2" and two and (heading is None or any(heading < i < at for i in three)):
            where = "“二、主动公开政府信息情况”之前" if heading is None else "“三、收到和处理政府信息公开申请情况”之后"
            out.notes.append(f"第{block.index}张表在{where}，不是表二，未读入")
            tag(out, STAGES["tables"])
            continue
        if kind == "t3":
            match_t3(block, out, fmt, t3_state, doc.kind != "text", caption)
        elif kind == "t4":
            match_t4(block, out, fmt, doc.kind != "text", caption, t4_state)
        elif kind == "t2":
            match_t2(block, out, fmt, caption if _SUB.search(nfkc(caption)) or "第二十条" in caption else "")
        else:
            out.notes.append(f"第{block.index}张表未能识别为表二、表三或表四，未读入")
            tag(out, STAGES["tables"])
            continue
        tag(out, fmt.table(kind).name)
        found.add(kind)
        out.tables.add(kind)
        caption = ""
    for tid in ("t2", "t3", "t4"):
        if tid not in found:
            out.notes.append(f"没有找到{fmt.table(tid).name}")
    missing = [f.key for f in fmt.input_fields if f.table in found and f.key not in out.data and f.required]
    if missing:
        out.notes.append(f"{len(missing)} 个数值没有在表格中找到：" + "、".join(fmt.field(k).where for k in missing[:5])
                         + ("等" if len(missing) > 5 else ""))
    if year:  # without a year there is no format the report should have used (match_document chooses one)
        _version_problems(out, fmt, year)

    tag(out, STAGES["tables"])

    body = [p for i, p in enumerate(paragraphs) if i > title_at]
    _contact(body[:8], out)
    tag(out, STAGES["cover"])
    pages: dict[str, int] = {}
    texts = _split_sections(body, fmt, out, pages)
    tag(out, STAGES["sections"])
    _generated(texts, out, pages)
    tag(out, STAGES["fees"])
    for key, parts in texts.items():
        out.data[key] = "\n".join(parts)
        out.cells[key] = text_place(fmt, key, pages)
    if not (_cut_inside_a_table(doc) and _truncated(out, fmt)):  # a cut-off report: its problem says it all
        _unprinted_totals(out, fmt)
    tag(out, STAGES["tables"])
    return out


# The stages of the pipeline as `import --explain` names them.
STAGES = {"source": "来源", "cover": "封面和机关名称", "tables": "表格", "sections": "正文各部分", "fees": "信息处理费"}


def explain(report) -> list[str]:
    """What `import --explain` prints: per table, how many values were found, printed blank or not
    found; then each note with the stage that wrote it (where a value was found or lost)."""
    fmt = report.fmt
    lines = []
    for tid in ("t2", "t3", "t4"):
        keys = [f.key for f in fmt.value_fields if f.table == tid and (f.required or f.derived)]
        found = [k for k in keys if k in report.cells]
        blank = [k for k in found if report.data.get(k) in (None, "")]
        lines.append(f"{fmt.table(tid).name}：读入 {len(found)} 个数值（其中印为空白 {len(blank)} 个），"
                     f"没有读到 {len(keys) - len(found)} 个")
    stages = list(getattr(report, "note_stages", [])) + [""] * len(report.notes)
    for note, stage in zip(report.notes, stages):
        lines.append(f"{note}〔{stage}〕" if stage else note)
    return lines


def _cut_inside_a_table(doc: Document) -> bool:
    """The text stops inside a table: the document ends with a table (at most a page footer or a
    site's 「关闭窗口」 after it), where every report ends with the text of 五 and 六."""
    for tail, block in enumerate(reversed(doc.blocks), 1):
        if isinstance(block, Table):
            return bool(block.cells)
        text = nfkc(block.text).strip()
        if tail > 3 or len(text) > 10 or "。" in text or _SUB.match(text) or re.match(r"^[一二三四五六七八九十]+、", text):
            return False  # text of the report after the table (a heading, a sentence)
    return False


def _unprinted_totals(out: Imported, fmt: ReportFormat) -> None:
    """One table-incomplete problem per table read whose totals (a row such as （七）总计, or the
    总计 column) are not printed at all: the checker would compute them from their parts and the
    report would pass, though the published table lacks them. Cells printed blank are already
    value-missing, rows that could not be placed already table-incomplete. A total none of whose
    parts was read either (a row or a group of 表四 not read at all) is no silently computed total:
    its parts are value-missing, and nothing can be computed from them."""
    told = {k for p in out.problems if p.rule == "table-incomplete" for k in p.keys}

    def parts(key: str) -> list[str]:  # the values a total sums, down to those a person fills in
        f = fmt.field(key)
        return [leaf for k in f.derived_from for leaf in parts(k)] if f.derived else [key]

    for table in ("t3", "t4"):
        if not any(key_table(k) == table for k in out.cells):
            continue  # the table is not in the report: other notes and problems say so
        missing = [f.key for f in fmt.fields if f.table == table and f.derived and f.key not in out.cells
                   and f.key not in told and any(k in out.cells for k in parts(f.key))]
        if not missing:
            continue
        name = fmt.table(table).name
        where = "、".join(fmt.field(k).where.removeprefix(f"{name} ") for k in missing[:3])
        where += f"等 {len(missing)} 格" if len(missing) > 3 else ""
        # rows or columns printed under labels that are not the official ones (「七、总计」, 「合计」)
        unread = [m.group(0) for n in out.notes if n.startswith(f"{name} ") and "未读入" in n
                  and (m := re.search(r"(?:第\d+张表第\d+行)?“[^”]*”(?=(?:行|列)?(?:未能对应到|不是|不在)官方)", n))]
        if unread:
            why = (f"报告中没有按官方格式印出这些格：{'、'.join(dict.fromkeys(unread))}不是官方的行或列，未读入；"
                   f"如其中是合计，请改用官方的行名或列名")
        else:
            why = "官方格式有这些格，报告中没有这一行或这一列"
        message = (f"{name}缺少合计格：{where}（{why}）；核对时已按各分项之和计算，请按官方格式补全{name}后重新发布")
        p = problem("table-incomplete", missing, message)
        out.problems.append(replace(p, cells=(name,)))


def _truncated(out: Imported, fmt: ReportFormat) -> bool:
    """One table-incomplete problem naming where a cut-off report stops, for every value and text
    after it (not a value-missing line per cell). True when the report was cut inside a table."""
    last = next((k for k in reversed(out.cells) if fmt.has(k) and fmt.field(k).table in ("t2", "t3", "t4")), None)
    order = ("t2", "t3", "t4")
    from_table = order[order.index(fmt.field(last).table):] if last else order  # where it stops, and after
    unread = [f.key for f in fmt.input_fields if f.required and f.table in from_table and f.key not in out.cells]
    if not any(fmt.field(k).table == from_table[0] for k in unread):
        return False  # the last table is whole: a report (or a part of one) that ends there, not one cut inside a table
    where = out.cells[last] if last else "表格开头"
    tables = "、".join(dict.fromkeys(fmt.field(k).place for k in unread))
    cut_in = fmt.field(last).table if last else "t2"
    numbers = [s.number for s in fmt.sections]
    after = numbers[next((i for i, s in enumerate(fmt.sections) if s.table == cut_in), 0) + 1:]
    texts = [s.text_key for s in fmt.sections if s.number in after and s.text_key and not out.data.get(s.text_key)]
    if "六" in after:  # the fee figures are read from 六
        texts += [f.key for f in fmt.input_fields if f.table == "fee" and f.key not in out.data]
    message = (f"报告在表格中中断：读到{where}为止，其后的 {len(unread)} 个数值（{tables}）和后面的正文都没有读到；"
               f"请找到完整的报告（原件、完整的网页或附件）后重新检查")
    p = problem("table-incomplete", [*unread, *texts], message)
    out.problems.append(replace(p, cells=(where,)))
    out.notes.append(message)
    return True


def _version_problems(out: Imported, fmt: ReportFormat, year: int | None) -> None:
    for name, versions in out.versions.items():
        for version, labels in versions.items():
            if version == fmt.version:
                continue
            other = FORMATS[version]
            shown = "、".join(dict.fromkeys(label for label, _ in labels))
            year_text = f"报告年度为 {year} 年，" if year else ""
            p = problem("format-version", ["meta.year"],
                        f"{year_text}应使用 {fmt.version} 版格式，但{name}中“{shown}”是 {other.version} 版格式的写法；"
                        f"能确定含义的数值已按 {fmt.version} 版读入，请按 {fmt.version} 版格式更正",
                        expected=fmt.version, actual=other.version)
            out.problems.append(replace(p, cells=tuple(dict.fromkeys(where for _, where in labels))))


def import_report(path: str | Path):
    """A published report file as a `data.Report` (cells = where each value was printed)."""
    from xlreport.io.importers import extract
    from xlreport.model.report import Report

    doc = extract(path)
    result = match_document(doc)
    name = Path(path).name
    has_tables = any(key_table(k) in ("t2", "t3", "t4") for k in result.data)
    if not has_tables and "meta.year" not in result.data and result.tables:
        shown = "、".join(result.fmt.table(t).name for t in ("t2", "t3", "t4") if t in result.tables)
        raise NotAReport(f"“{name}”中找到了年度报告的表格（{shown}），但表格中的数值全部为空，也没有报告年度，"
                         f"像是空白的报告模板，未读入；请导入填写好的年度报告（标题写明机关全称和年度，表格填写数值，"
                         f"没有发生的填 0）")
    if not has_tables and "meta.year" not in result.data:
        raise NotAReport(f"“{name}”中既没有找到年度报告的表格，也没有找到报告年度，不像政府信息公开工作年度报告；"
                         f"请确认文件内容（扫描件或图片中的表格无法读取）")
    if not has_tables and result.notice and not any(key_table(k) == "text" for k in result.data):
        raise NotAReport(f"“{name}”是发布《{result.notice}》的公告或通知，其中没有年度报告的表格和各部分的"
                         f"正文，未读入；报告通常在公告的附件中，请导入附件（Word、PDF）或报告全文的网页")
    # A year alone is no report (a 工作要点, a 统计公报 …): without any of the report's tables it needs
    # the report's title (the agency's name was found in one) or one of its sections' headings.
    if not has_tables and "meta.agency" not in result.data and not any(key_table(k) == "text" for k in result.data):
        raise NotAReport(f"“{name}”中没有找到年度报告的表格（表二、表三、表四）、“…政府信息公开工作年度报告”这样的标题"
                         f"和年度报告各部分的标题（如“二、主动公开政府信息情况”），不像政府信息公开工作年度报告（可能是"
                         f"工作要点、统计公报等其他文件），未读入；如确是年度报告，请确认文件内容（扫描件或图片中的表格无法读取）")
    report = Report(str(path), result.fmt, result.data, result.cells, result.problems)
    report.notes = result.notes
    report.note_stages = result.stages
    return report
