"""Text copied from last year's report (rule `text-repeated`, 「内容雷同」).

国办公开办函〔2021〕30号 names 「内容雷同」 among the failings of annual reports. With
last year's report of the same agency at hand (`check --previous`, or a folder read
by `xlreport audit`), each narrative section (every text.* key of the format) is
compared with the same section of last year's report:

* Both texts are split into sentences (。；！？ and line breaks). Sentences that
  every report may repeat are dropped from this year's text first: the official
  headings of the format (「一、总体情况」, 「（一）主动公开」 …, from the format
  declarations), the sentences the Word report generates from the tables
  (report/sentences.py: on_request_sentence, review_sentence, fee_sentence, computed from this
  year's figures), and CUSTOMARY sentences (the 条例/统计期限/网址/联系方式 lines).
* What is left is normalised: NFKC, every run of digits becomes one 「#」 (a copied
  text with this year's figures put in is still a copy), and only letters and CJK
  characters are kept (punctuation and spacing do not count).
* The measure is *containment*: the share of this year's character 5-grams
  (SHINGLE) that also occur in last year's section. The rule fires at THRESHOLD
  (0.8) or more. A section whose remaining text is shorter than MIN_CHARS (50)
  characters is not compared (「本年度未收取信息处理费。」 may rightly be the same).

Last year's texts reach the checker under private keys (`PREVIOUS_TEXT` + text
key, e.g. `_previous.text.problems`), set by data.attach_previous: no format
declares them, so they are never written to a data file or a workbook.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from xlreport.model.report import Problem, problem
from xlreport.model.spec import ReportFormat

PREVIOUS_TEXT = "_previous."  # data["_previous.text.problems"]: last year's 五 (private, never written)
SHINGLE = 5
THRESHOLD = 0.8
MIN_CHARS = 50
SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
DIGITS = re.compile(r"\d+")
NOT_WORD = re.compile(r"[^\w#]|_")
# Sentences most reports repeat word for word each year (the opening 「根据《中华人民共和国
# 政府信息公开条例》…编制本报告」, the statistics period, where the report is published and whom
# to ask): dropped before comparing.
CUSTOMARY = re.compile(r"政府信息公开条例.{0,40}(?:编制|要求)|编制本(?:年度)?报告|本报告|统计期限|统计期间|"
                       r"https?://|www\.|网址|联系电话|联系方式|电子邮箱|邮政编码|如对.{0,10}报告")


@dataclass(frozen=True)
class Repeated:
    key: str  # the text key of this year's section
    share: float  # containment, 0 … 1
    chars: int  # characters compared (after dropping headings and boilerplate)


def normalised(sentence: str) -> str:
    text = unicodedata.normalize("NFKC", sentence)
    return NOT_WORD.sub("", DIGITS.sub("#", text))


def shingles(text: str) -> set[str]:
    return {text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def own_text(text: str, fixed: set[str]) -> str:
    """The normalised text without the sentences every report may repeat."""
    kept = []
    for sentence in SENTENCE.findall(text):
        norm = normalised(sentence)
        if not norm or norm in fixed or CUSTOMARY.search(unicodedata.normalize("NFKC", sentence)):
            continue
        kept.append(norm)
    return "".join(kept)


def fixed_sentences(fmt: ReportFormat, data: dict[str, Any], numbers: dict[str, Any]) -> set[str]:
    """Headings of the format and the sentences the Word report generates, normalised."""
    out = {normalised(s.heading) for s in fmt.sections} | {normalised(t.label) for t in fmt.texts}
    try:
        from xlreport.model.sentences import fee_sentence, on_request_sentence, review_sentence

        generated: tuple[str, ...] = (on_request_sentence(numbers, fmt), review_sentence(numbers, fmt), fee_sentence(numbers, fmt, data))
    except Exception:  # incomplete figures: no generated sentence to drop
        generated = ()
    for text in generated:
        out |= {normalised(s) for s in SENTENCE.findall(text or "")}
    out.discard("")
    return out


def repeated_sections(data: dict[str, Any], fmt: ReportFormat, numbers: dict[str, Any]) -> list[Repeated]:
    """The sections of this year's report largely the same as last year's (empty without last year's texts)."""
    found = [(t.key, data.get(t.key), data.get(PREVIOUS_TEXT + t.key)) for t in fmt.texts]
    pairs = [(k, this, last) for k, this, last in found if isinstance(this, str) and isinstance(last, str)]
    if not pairs:
        return []
    fixed = fixed_sentences(fmt, data, numbers)
    out = []
    for key, this, last in pairs:
        mine = own_text(this, fixed)
        if len(mine) < MIN_CHARS:
            continue
        before = shingles(normalised(last))
        grams = shingles(mine)
        share = len(grams & before) / len(grams)
        if share >= THRESHOLD:
            out.append(Repeated(key, share, len(mine)))
    return out


def check_repeated(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                        numbers: dict[str, Any]) -> list[Problem]:
    """Rule text-repeated (repeated.py): only when last year's texts are attached."""
    if not any(PREVIOUS_TEXT + t.key in data for t in fmt.texts):
        return []
    labels = {t.key: t.label for t in fmt.texts}
    return [problem("text-repeated", [r.key],
                    f"“{labels[r.key]}”与上年报告的同一部分内容雷同：本年文字（不计标题、套话和数字，{r.chars} 字）中"
                    f"有 {r.share:.0%} 的 {SHINGLE} 字片段在上年报告中出现过（{THRESHOLD:.0%} 及以上即提示，"
                    f"不足 {MIN_CHARS} 字的部分不比较）；请按本年度的实际工作重写这一部分",
                    cells, expected=THRESHOLD, actual=round(r.share, 3))
            for r in repeated_sections(data, fmt, numbers)]
