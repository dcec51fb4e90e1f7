"""What the clerk's text says against the report's own figures, beyond the quoted counts of
figures.py (issue 17 item 7, issue 19 item 3):

* `text-figures`: 「均获维持」 (复议/诉讼 all upheld) while table 四 has results 纠正, 其他 or 尚未审结
  in that group; 六 saying no 信息处理费 was charged (「未收取信息处理费」) while the fee figures
  are not 0, or quoting a fee figure the fee cells contradict;
* `text-figures-twice`: the clerk's text repeats a figure that the Word report already prints from
  the tables in the same place — 一（二）'s generated data paragraph (model/sentences.py:
  new, carried over, answered, carried forward, the outcome groups) followed by the clerk's own
  「受理…3119件，答复3050件…」, or 六's generated fee sentence followed by the clerk's own. Only for
  reports xlreport renders (a workbook or data file); a published report prints only its own text.

Python only, like figures.py: patterns over free text have no spreadsheet formula.
"""

from __future__ import annotations

import re
from typing import Any

from xlreport.checks.figures import quoted_figures
from xlreport.model.report import Problem, is_number, number_text, problem
from xlreport.model.spec import ReportFormat

SENTENCE = re.compile(r"[^。；;！？!?\n]+")
FULL_SENTENCE = re.compile(r"[^。！？!?\n]+")
# 「均获维持」 「全部维持」 「结果均为维持」 「均被依法维持」
ALL_UPHELD = re.compile(r"(?:均|全部|都|全都)(?:获|被|予以|得到|已|为)?(?:依法)?(?:维持|驳回)|结果均为维持")
# 「未收取信息处理费」 「没有产生信息公开处理费」 「未发生收费情况」 「不收取任何费用」
NO_FEE = re.compile(r"(?:未|没有|无|不|均未)(?:向申请人)?(?:收取|产生|发生|收)(?:任何)?(?:政府信息公开|信息公开)?(?:的)?"
                    r"(?:信息处理费|处理费|费用|收费)")
# A clause about part of the agency only (「其余单位未收取」, 「市本级未收取」): not the report's figure.
PARTIAL = re.compile(r"其余|其他单位|其中|部分|除|以外|之外|本级|分别|各县|各区|各单位")
FEE_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|元)")
FEE_WORD = "信息处理费"


def check_prose(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None, numbers: dict[str, Any],
                published: bool = False) -> list[Problem]:
    out = _upheld(data, fmt, cells, numbers) + _fees(data, fmt, cells, numbers)
    if not published:
        out += _printed_twice(data, fmt, cells, numbers)
    return out


def _quote(text: str, limit: int = 40) -> str:
    """The clerk's sentence as a message quotes it: cut at `limit` characters, the cut shown by …"""
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _labels(fmt: ReportFormat) -> dict[str, str]:
    return {t.key: t.label for t in fmt.texts}


def _upheld(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
            numbers: dict[str, Any]) -> list[Problem]:
    """「均获维持」 while table 四 has other results (common-errors.md E8, Shanghai 2019)."""
    out = []
    parts = [label for _, label in fmt.review_parts]
    t4 = fmt.table("t4").name
    for key, label in _labels(fmt).items():
        text = data.get(key)
        if not isinstance(text, str):
            continue
        for sentence in SENTENCE.findall(text):
            m = ALL_UPHELD.search(sentence)
            if not m or not re.search("复议|诉讼", sentence):
                continue
            before = sentence[:m.start()]
            review, suits = "复议" in before, "诉讼" in before or "起诉" in before
            groups = [g for g in fmt.review_groups if (g.key == "review" and (review or not suits))
                      or (g.key != "review" and (suits or not review))]
            other = [(g, parts[i], k, numbers.get(k)) for g in groups for i, k in enumerate(g.keys) if i > 0]
            if any(v is None for *_, v in other):
                continue  # a blank or unusable cell: value-missing says so
            found = [(g, part, k, v) for g, part, k, v in other if v]
            if not found:
                continue
            said = "、".join(f"{g.label}“{part}”{number_text(v)} 件" for g, part, _, v in found)
            out.append(problem(
                "text-figures", (key, *(k for _, _, k, _ in found)),
                f"“{label}”中写“{_quote(sentence)}”，但{t4}中{said}：结果并非全部维持；"
                f"请按{t4}改写这句话（或核对表格）", cells, expected=0, actual=sum(v for *_, v in found)))
            break
    return out


def _fee_sentences(data: dict[str, Any]) -> list[str]:
    """The whole sentences of 六 that speak of the fee (「…收取了信息处理费2950元。其中，…420元；…」: the
    itemised parts are sentences of their own, starting 其中, and are left out by PARTIAL)."""
    text = data.get("text.other")
    return [s for s in FULL_SENTENCE.findall(text) if FEE_WORD in s or NO_FEE.search(s)] if isinstance(text, str) else []


def _yuan(m: re.Match) -> float:
    return float(m.group(1)) * (10000 if m.group(2) == "万元" else 1)


def _fees(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
          numbers: dict[str, Any]) -> list[Problem]:
    """六 against the fee cells: 「未收取」 while they are not 0, or a figure they contradict."""
    if not fmt.has("fee.count"):
        return []
    count, amount = numbers.get("fee.count"), numbers.get("fee.amount_yuan")
    if not (isinstance(count, (int, float)) and isinstance(amount, (int, float))):
        return []
    label = _labels(fmt)["text.other"]
    keys = ("text.other", "fee.count", "fee.amount_yuan")
    whole = [sentence for sentence in _fee_sentences(data) if not PARTIAL.search(sentence)]
    for sentence in whole:
        if NO_FEE.search(sentence) and not re.search(r"\d", sentence) and (count or amount):
            return [problem("text-figures", keys,
                            f"“{label}”中写“{_quote(sentence)}”，但信息处理费为 {number_text(count)} 件、"
                            f"{number_text(amount)} 元：两者矛盾；请核对收费情况，改正文字或信息处理费数字", cells,
                            expected=0, actual=amount)]
    quoted = [m for sentence in whole if FEE_WORD in sentence for m in FEE_AMOUNT.finditer(sentence)]
    if quoted and not any(abs(_yuan(m) - amount) <= 0.005 for m in quoted):  # any one of them may be the total
        m = quoted[0]
        return [problem("text-figures", keys,
                        f"“{label}”中写信息处理费“{m.group(0)}”，与信息处理费金额（{number_text(amount)} 元）不一致，"
                        f"请核对：报告正文与所填数字应当一致", cells, expected=amount, actual=_yuan(m))]
    return []


def _printed_twice(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                   numbers: dict[str, Any]) -> list[Problem]:
    """The clerk's figures that the generated paragraphs of 一（二） and 六 print already."""
    from xlreport.model.sentences import INCOMPLETE, fee_sentence, on_request_sentence

    out = []
    labels = _labels(fmt)
    year = data.get("meta.year")
    sentence = on_request_sentence(numbers, fmt)
    key = "text.overview.on_request"
    text = data.get(key)
    if isinstance(text, str) and key in labels and sentence and not sentence.startswith(INCOMPLETE[0]):
        printed: dict[str, set] = {}
        for q in quoted_figures(sentence, fmt, year):
            if q.meaning is not None:
                printed.setdefault(q.meaning.id, set()).add(q.figure)
        if "均已办结" in sentence and is_number(numbers.get("t3.total.total")):
            printed.setdefault("answered", set()).add(numbers["t3.total.total"])
        repeated = [q for q in quoted_figures(text, fmt, year)
                    if q.meaning is not None and q.figure in printed.get(q.meaning.id, ())]
        if repeated:
            phrases = "、".join(dict.fromkeys(f"“{q.phrase}”" for q in repeated))
            out.append(problem(
                "text-figures-twice", (key,),
                f"“{labels[key]}”中的{phrases}与报告在这一部分自动生成的数据段落（“{sentence[:30]}…”）重复："
                f"生成的报告中这些数字会印两次；请删去正文中重复的数字，只写数据段落以外的情况", cells,
                actual=len(repeated)))
    fee = fee_sentence(numbers, fmt, data)
    if fee and "text.other" in labels:
        twice = [s.strip() for s in _fee_sentences(data) if not PARTIAL.search(s) and (
            (NO_FEE.search(s) and not re.search(r"\d", s) and not numbers.get("fee.amount_yuan"))
            or any(abs(_yuan(m) - numbers["fee.amount_yuan"]) <= 0.005 for m in FEE_AMOUNT.finditer(s)))]
        if twice:
            out.append(problem(
                "text-figures-twice", ("text.other", "fee.count", "fee.amount_yuan"),
                f"“{labels['text.other']}”中的“{_quote(twice[0])}”与报告在这一部分按信息处理费数字自动生成的句子"
                f"（“{fee}”）重复：生成的报告中会说两遍；请删去正文中的这句话", cells, actual=len(twice)))
    return out
