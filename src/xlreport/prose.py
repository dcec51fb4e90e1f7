"""Figures quoted in the clerk's own text, compared with the tables (rule `text-figures`).

Published reports often say one thing in 一、总体情况 and another in the tables
(common-errors.md E8: 「受理…17件」 against 95 in table 三; 复议 134 / 诉讼 57
against 170 / 77 in table 四). The phrases below are the ones reports use for
the key figures (format.md §4.4, RT.1–RT.4); a figure that matches none of the
values its phrase may mean is reported as a warning. Only Arabic numerals
followed by 件 are read, and only where the phrase is unambiguous, so that a
warning is worth the clerk's time.

Pattern matching over free text cannot be expressed as a spreadsheet formula,
so this rule runs in Python only (the workbook's Python UDF shows it in Excel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .spec import ReportFormat

N = r"(\d[\d,，]*)件"  # the quoted figure


@dataclass(frozen=True)
class Figure:
    phrase: re.Pattern
    meanings: tuple[tuple[str, ...], ...]  # each: keys (or key prefixes ending in ".") whose sum is a right reading
    names: str  # what the figure is in the tables, for the message


def _f(pattern: str, meanings, names: str) -> Figure:
    return Figure(re.compile(pattern), tuple(tuple(m) for m in meanings), names)


FIGURES = (
    # RT.1: applications received — 新收, or 新收 + 上年结转 as some writers count
    _f(r"(?:受理|收到|收办|新收|接收)[^。；;，,、（(]{0,16}?申请(?:案件)?共?" + N,
       (("t3.new.total",), ("t3.new.total", "t3.carried_over.total")),
       "表三“一、本年新收政府信息公开申请数量”总计（或加上年结转）"),
    # RT.2
    _f(r"(?:答复|办结)(?:了)?(?:政府信息公开)?(?:申请)?共?" + N, (("t3.total.total",),), "表三“（七）总计”"),
    _f(r"(?:含|其中)上年度?结转(?:的)?(?:申请)?" + N, (("t3.carried_over.total",),),
       "表三“二、上年结转政府信息公开申请数量”总计"),
    _f(r"(?:转|结转|顺延)(?:到|至)?下(?:一)?年度(?:继续)?(?:办理|答复)?" + N, (("t3.carried_forward.total",),),
       "表三“四、结转下年度继续办理”总计"),
    _f(N + r"(?:申请)?(?:顺延|结转|转)(?:到|至)?下(?:一)?年度", (("t3.carried_forward.total",),),
       "表三“四、结转下年度继续办理”总计"),
    # RT.3: the outcome groups of the 总计 column
    _f(r"予以公开" + N, (("t3.granted.total",),), "表三“（一）予以公开”总计"),
    _f(r"部分公开" + N, (("t3.partly_granted.total",),), "表三“（二）部分公开”总计"),
    _f(r"不予公开" + N, (("t3.denied.",),), "表三“（三）不予公开”各项总计之和"),
    _f(r"无法提供" + N, (("t3.unable.",),), "表三“（四）无法提供”各项总计之和"),
    _f(r"不予处理" + N, (("t3.not_processed.",),), "表三“（五）不予处理”各项总计之和"),
    _f(r"其他处理(?:（[^）]{0,30}）|\([^)]{0,30}\))?" + N, (("t3.other_handling.",),), "表三“（六）其他处理”总计"),
    # RT.4: 复议 and 诉讼 totals
    _f(r"行政复议(?:案件)?(?:共)?" + N, (("t4.review.total",),), "表四 行政复议“总计”"),
    _f(r"行政诉讼(?:案件)?(?:共)?" + N, (("t4.suit_direct.total", "t4.suit_after_review.total"),),
       "表四 行政诉讼“总计”（未经复议直接起诉与复议后起诉之和）"),
)


def _value(part: str, numbers: dict, fmt: ReportFormat) -> tuple[float | None, list[str]]:
    """A key's number, or for a prefix ("t3.denied.") the sum of its rows' 总计."""
    if not part.endswith("."):
        return numbers.get(part), [part]
    keys = [f.key for f in fmt.value_fields if f.key.startswith(part) and f.key.endswith(".total")]
    values = [numbers.get(k) for k in keys]
    return (None if not keys or any(v is None for v in values) else sum(values)), keys


def figure_problems(data: dict, numbers: dict, fmt: ReportFormat):
    """(text key, quoted phrase, quoted figure, right readings, keys, names) for each contradiction."""
    labels = {t.key: t.label for t in fmt.texts}
    for text_key in labels:
        text = data.get(text_key)
        if not isinstance(text, str):
            continue
        for fig in FIGURES:
            for m in fig.phrase.finditer(text):
                quoted = int(re.sub(r"[,，]", "", m.group(1)))
                readings, keys = [], []
                for meaning in fig.meanings:
                    parts = [_value(p, numbers, fmt) for p in meaning]
                    keys += [k for _, ks in parts for k in ks]
                    if any(v is None for v, _ in parts):
                        readings = None  # a figure it depends on is blank: not evaluated
                        break
                    readings.append(sum(v for v, _ in parts))
                if readings is None or quoted in readings:
                    continue
                yield text_key, labels[text_key], m.group(0), quoted, readings, tuple(dict.fromkeys(keys)), fig.names
