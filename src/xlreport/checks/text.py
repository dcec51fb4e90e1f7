"""Text rules: the parts of the report the clerk writes must say what the format and the
条例 require (text-missing), and the 信息处理费 figures must agree (fee-consistency).
Python form: `check_text`; formula form: `text_lines`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from xlreport.checks.cover import inferred
from xlreport.checks.formula import Line, blank, spaced
from xlreport.model.report import BLANK_CHARS, Problem, is_blank, is_number, jsonable, number_text, problem
from xlreport.model.spec import ReportFormat

if TYPE_CHECKING:  # the workbook's layout: only the formula forms use it, not `check`
    from xlreport.model.layout import Layout

# Words that mean "nothing to report" in section 五 (common-errors.md E14).
EMPTY_TEXT = {"", "无", "无。", "无.", "暂无", "暂无。", "无其他需要报告的事项。"}
FEE_WORD = "信息处理费"  # what a 六 that speaks of the fees contains
# 条例 第五十条第（四）项: 各级人民政府的年度报告还应当包括工作考核、社会评议和责任追究结果情况
# (30号 format, 一、总体情况: part of 监督保障). A government's report that uses none of these
# words in any of its texts says nothing of it. 追究 covers both 责任追究 and 追究责任.
ACCOUNTABILITY_WORDS = ("考核", "评议", "追究")
GOVERNMENT = "government"  # meta.agency_kind of 各级人民政府


# text-missing is a warning, but a section with nothing in it is an error (issue 19.2): a
# report whose 一 is empty in all its parts, whose 五 is empty or only 「无」, or whose 六
# prints nothing at all is not a report; `render` refuses it without --ignore-errors.
ERROR = "error"


def _empty(data: dict[str, Any], keys) -> bool:
    return all(not isinstance(data.get(k), str) or is_blank(data.get(k)) for k in keys)


def check_text(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
               published: bool = False) -> list[Problem]:
    out = []
    # 一、总体情况 must say something (30号: 不能遗漏): nothing in any of its parts is an error;
    # where the format prints the five sub-headings always (V2021), each needs its text.
    own = own_subheadings(data, fmt, cells) if published else None
    whole, *parts = overview_requirements(fmt)
    if _empty(data, whole[0]):
        out.append(replace(problem("text-missing", whole[0], whole[2], cells), severity=ERROR))
    elif own is not None:  # a published report that wrote 一 under its own sub-headings: said once
        out.append(own)
    else:
        for key, label, message in parts:
            if _empty(data, (key,)):
                if published and not (cells and key in cells):  # no such sub-heading printed, not an empty one
                    message = (f"“一、总体情况”中没有单列“{label}”这一小标题：{fmt.version} 版格式要求分五个方面写明，"
                               f"请单列这一部分（已在其他小标题下写到的，请移到这一小标题下）")
                out.append(problem("text-missing", (key,), message, cells))
    problems_text = data.get("text.problems")
    if not isinstance(problems_text, str) or problems_text.strip(BLANK_CHARS) in EMPTY_TEXT:
        out.append(replace(problem("text-missing", ["text.problems"],
                                   "“五、存在的主要问题及改进情况”为空或只写了“无”，请写明本机关存在的主要问题和改进措施",
                                   cells), severity=ERROR))
    other_keys = other_requirement(fmt)
    if _empty(data, other_keys[:1]) and all(is_blank(data.get(k)) for k in other_keys[1:]):
        out.append(replace(problem("text-missing", other_keys, "“六、其他需要报告的事项”没有任何内容，请填写"
                                   + ("收取信息处理费的申请件数和金额（未收取的填 0），以及" if len(other_keys) > 1 else "")
                                   + "需要报告的其他事项（没有的写“无其他需要报告的事项。”）", cells), severity=ERROR))
    if data.get("meta.agency_kind") == GOVERNMENT:
        keys, message = accountability_requirement(fmt)
        texts = [data.get(k) for k in keys[1:]]
        if not any(isinstance(t, str) and word in t for t in texts for word in ACCOUNTABILITY_WORDS):
            named = str(data.get("meta.agency") or "").strip().endswith("人民政府")  # the name says it: no doubt
            doubt = inferred("meta.agency_kind", cells) and not named
            if doubt:
                message += ("（机关类型是按机关名称推断的，报告中没有写明；如本机关不是人民政府，"
                            + ("请在报告标题中写明机关全称（机关类型按全称判断），无需补写这些内容）" if published
                               else "请在数据文件的“机关类型”中更正）"))
            found = problem("text-missing", keys, message, cells)
            # placed where it is to be written (and, in a workbook, the agency kind it follows from);
            # every text was searched, but listing each of them tells the unit nothing
            section = next((k for k in ("text.overview.supervision", "text.overview") if cells and k in cells), "")
            where = (section,) if published and not doubt else ("meta.agency_kind", section)
            out.append(replace(found, cells=tuple(cells[k] for k in where if cells and k in cells)))
    if fmt.has("fee.count"):
        other = data.get("text.other")
        count, amount = data.get("fee.count"), data.get("fee.amount_yuan")
        if is_blank(count) and is_blank(amount):
            if not _empty(data, ["text.other"]) and not (isinstance(other, str) and FEE_WORD in other):
                out.append(problem("text-missing", ["fee.count", "fee.amount_yuan", "text.other"],
                                   "“六、其他需要报告的事项”未说明信息处理费情况，请填写收取信息处理费的申请件数和金额"
                                   "（未收取的填 0）", cells))
        elif is_blank(count) or is_blank(amount):
            blank = "申请件数" if is_blank(count) else "金额"
            if published:  # the report's 六 states one of the two: the report is what to correct
                given = (f"金额（{number_text(amount)} 元）" if blank == "申请件数"
                         else f"申请件数（{number_text(count)} 件）")
                message = (f"报告写了收取信息处理费的{given}，没有写{blank}；建议在“六、其他需要报告的事项”中"
                           f"一并写明收费的申请件数和金额，便于核对")
            else:
                message = f"信息处理费只填了一项，“{blank}”未填写；请同时填写收费的申请件数和金额（未收取的都填 0）"
            out.append(problem("fee-consistency", ["fee.count", "fee.amount_yuan"], message, cells))
        elif is_number(count) and is_number(amount) and (count == 0) != (amount == 0):
            out.append(problem("fee-consistency", ["fee.count", "fee.amount_yuan"],
                               f"信息处理费申请件数为 {number_text(count)}，金额为 {number_text(amount)} 元：件数为 0 时金额应为 0，"
                               f"件数大于 0 时金额应大于 0，请核对", cells, expected=jsonable(count), actual=jsonable(amount)))
    return out


def own_subheadings(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None) -> Problem | None:
    """One text-missing problem for a published V2021 report whose 一 has text but none under the
    five official sub-headings (it used its own): 「未按 2021 版的五个方面分列」, not five 「没有内容」."""
    overview = fmt.section("一")
    subs = fmt.subheadings(overview)
    if fmt.overview_subheadings == "when-filled" or not subs or not overview.text_key:
        return None
    text = data.get(overview.text_key)
    if not isinstance(text, str) or is_blank(text) or any(isinstance(data.get(t.key), str) and not is_blank(data.get(t.key))
                                                          for t in subs):
        return None
    labels = "、".join(t.label for t in subs)
    found = problem("text-missing", [t.key for t in subs],
                    f"“一、总体情况”未按 {fmt.version} 版的五个方面分列（报告用了自己的小标题，或没有小标题）："
                    f"请按官方的五个小标题（{labels}）分别写明", None)
    where = (cells or {}).get(overview.text_key)
    return replace(found, cells=(where,)) if where else found


def overview_requirements(fmt: ReportFormat) -> list[tuple[Any, str, str]]:
    """(keys, label, message): first all the texts of 一 (all empty: an error), then, where the
    format prints its five sub-headings always (V2021), each of them (empty: a warning)."""
    overview = fmt.section("一")
    subs = fmt.subheadings(overview)
    keys = tuple(t.key for t in fmt.texts if t.section == overview.number)
    whole = (keys, overview.heading, f"“{overview.heading}”没有任何内容，请综述本机关的政府信息公开工作"
             + ("并填写其各方面" if fmt.overview_subheadings != "when-filled" else ""))
    if fmt.overview_subheadings == "when-filled":  # the 试行 format asks only for an overview
        return [whole]
    return [whole, *((t.key, t.label, f"“一、总体情况”的“{t.label}”没有内容：{fmt.version} 版格式要求报告这一方面，请填写")
                     for t in subs)]


def other_requirement(fmt: ReportFormat) -> tuple[str, ...]:
    """The keys of what 六 prints: its text, and (V2021) the fee figures of its fee sentence."""
    return ("text.other", *(("fee.count", "fee.amount_yuan") if fmt.has("fee.count") else ()))


def accountability_requirement(fmt: ReportFormat) -> tuple[tuple[str, ...], str]:
    """(keys, message) of a government's report that says nothing of 工作考核、社会评议和责任追究:
    the agency kind, then every text searched for ACCOUNTABILITY_WORDS."""
    labels = {t.key: t.label for t in fmt.texts}
    kind = dict(fmt.field("meta.agency_kind").choices)[GOVERNMENT]
    words = "".join(f"“{w}”" for w in ACCOUNTABILITY_WORDS)
    message = (f"机关类型为“{kind}”，但报告正文各部分都没有出现{words}：条例第五十条要求{kind}的年度报告"
               f"包括工作考核、社会评议和责任追究结果情况，请在“{labels['text.overview']}”的"
               f"“{labels['text.overview.supervision']}”中写明")
    return ("meta.agency_kind", *labels), message


def text_lines(fmt: ReportFormat, layout: Layout) -> list[Line]:
    """The text rules as 校验 lines."""
    p = layout.positions
    lines: list[Line] = []
    whole, *parts = overview_requirements(fmt)
    empty_all = "AND(" + ",".join(blank(p[k].ref) for k in whole[0]) + ")"
    lines.append(Line("text-missing", "“一、总体情况”应有内容（全部为空是错误）", whole[0], f"IF({empty_all},1,0)",
                      level=ERROR))
    for key, label, _ in parts:
        lines.append(Line("text-missing", f"“一、总体情况”的“{label}”应有内容", (key,),
                          f"IF(AND({blank(p[key].ref)},NOT({empty_all})),1,0)"))
    problems = p["text.problems"].ref
    trimmed = f"TRIM({spaced(problems)})"
    empty = ",".join(f'{trimmed}="{w}"' for w in sorted(EMPTY_TEXT) if w)
    lines.append(Line("text-missing", "“五、存在的主要问题及改进情况”应写明问题和改进措施", ("text.problems",),
                      f"IF(ISERROR({problems}),1,IF(OR({blank(problems)},{empty}),1,0))", level=ERROR))
    other_keys = other_requirement(fmt)
    lines.append(Line("text-missing", "“六、其他需要报告的事项”应有内容", other_keys,
                      "IF(AND(" + ",".join(blank(p[k].ref) for k in other_keys) + "),1,0)", level=ERROR))
    keys, _ = accountability_requirement(fmt)
    kind = p["meta.agency_kind"].ref
    government = dict(fmt.field("meta.agency_kind").choices)[GOVERNMENT]
    absent = ",".join(f'ISERROR(SEARCH("{w}",{p[k].ref}))' for k in keys[1:] for w in ACCOUNTABILITY_WORDS)
    said = "、".join(f"“{w}”" for w in ACCOUNTABILITY_WORDS)
    lines.append(Line("text-missing", f"机关类型为{government}时，正文应写明工作考核、社会评议和责任追究结果"
                      f"（出现{said}之一）", keys,
                      f'IF(ISERROR({kind}),0,IF(AND({kind}="{government}",{absent}),1,0))'))
    if fmt.has("fee.count"):
        count, amount, other = p["fee.count"].ref, p["fee.amount_yuan"].ref, p["text.other"].ref
        lines.append(Line(
            "text-missing", "“六、其他需要报告的事项”应说明信息处理费情况", ("fee.count", "fee.amount_yuan", "text.other"),
            f'IF(AND({blank(count)},{blank(amount)},NOT({blank(other)}),ISERROR(SEARCH("{FEE_WORD}",{other}))),1,0)'))
        lines.append(Line(
            "fee-consistency", "信息处理费的件数和金额应同时填写，且同为 0 或同不为 0", ("fee.count", "fee.amount_yuan"),
            f"IF(AND({blank(count)},{blank(amount)}),0,IF(OR({blank(count)},{blank(amount)}),1,"
            f"IF(AND(ISNUMBER({count}),ISNUMBER({amount})),IF(({count}=0)<>({amount}=0),1,0),0)))"))
    return lines


