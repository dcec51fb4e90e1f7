"""The report's data as a template context: what the Word template (and the web page) print.

`build_context(data, fmt)` gives the nested context of one report; `make_context`
gives it with the warnings of cleaning the user's texts. The Word report
(docx.py) renders it into templates/report.docx, the web page (webpage.py)
into HTML, so both print the same figures, sentences and texts.

Where the generated data paragraph of 一 goes
    `fmt.overview_subheadings` says when the five sub-headings （一）…（五）
    of 一、总体情况 are printed. "always" (V2021): the data paragraph (新收,
    上年结转, 办结, 结转, outcomes) opens （二）依申请公开, followed by the
    clerk's `text.overview.on_request`. "when-filled" (V2019): a sub-heading
    is printed only when its text is filled in. If the clerk uses no
    sub-headings at all (the usual V2019 report), the data paragraph closes 一
    (after the overview text, before 二) under no sub-heading; as soon as any
    sub-text is filled in, （二）依申请公开 is printed as well and the data
    paragraph opens it, as in V2021, so it never ends up under another
    sub-heading.

Template variables (the context of `build_context`)
    fmt                        "2019" or "2021"
    format_source              the notice that issued the format (fmt.source)
    title                      <机关全称><年份>年政府信息公开工作年度报告
    meta.agency, meta.year, meta.office, meta.address, meta.postcode,
    meta.phone, meta.email     cover data as printed ("" when blank)
    meta.agency_kind           各级人民政府 / 政府部门 / 其他;  meta.can_make_rules 是 / 否
    t2.*, t3.*, t4.*, fee.*    every value of the format under its data key,
                               e.g. {{ t3.new.natural_person }}, totals included,
                               formatted for print (ints as ints, decimals as
                               entered, "" when blank)
    t2.procurement.amount_unit (V2019) 元 / 万元, printed after 采购总金额
    previous.*                 last year's figures, when given
    text.overview, text.overview.proactive, .on_request, .management,
    .platform, .supervision, text.problems, text.other
                               the clerk's texts. Each prints as the whole text
                               and also has .paragraphs (list of its non-empty
                               lines), .heading (the official (sub-)heading)
                               and .show_heading (bool), so text.overview is
                               both a string and the parent of its sub-texts.
    sentences.contact          如对本报告有疑问，请与…联系（地址：…，邮编：…，电话：…，电子邮箱：…）。
    sentences.on_request       the data paragraph of 一（二）依申请公开 (table 三)
    sentences.review           the data paragraph of 四 (table 四)
    sentences.fee              V2021 六: 信息处理费 sentence ("" in V2019)
    sections                   list of {number, heading} (一 … 六)

All numbers in the sentences come from `model.numbers.evaluate(data, fmt).numbers`,
the same numbers the tables print, so the prose cannot contradict a table
(sentences.py).

User text is data, never template code: characters that XML cannot hold
(control characters, lone surrogates) are removed here, with a Chinese warning.
"""

from __future__ import annotations

import re
from typing import Any

from xlreport.model.report import BLANK_CHARS, is_blank
from xlreport.checks.text import EMPTY_TEXT
from xlreport.model.numbers import evaluate
from xlreport.io.jsonfile import tidy_line
from xlreport.model.spec import Field, ReportFormat
from xlreport.model.sentences import (
    contact_sentence,
    fee_sentence,
    format_number,
    on_request_sentence,
    review_sentence,
)

__all__ = ["Text", "build_context", "make_context", "split_paragraphs", "format_number"]

# XML 1.0 cannot hold C0 controls other than tab/newline/return, U+FFFE/U+FFFF or
# lone surrogates; C1 controls are legal but never belong in a report.
ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Word's manual line break (Shift+Enter) arrives as U+000B in text pasted from Word:
# it separates lines, so it becomes a new paragraph (XML cannot hold it as it is)
LINE_BREAK = "\x0b"
LINE_STRIP = BLANK_CHARS  # indentation typed by hand; the body style indents the first line
NOTHING = EMPTY_TEXT - {""}  # a 六 that only says "nothing"


class Text(str):
    """A narrative text for the template.

    Prints as the whole text; `.paragraphs` lists its non-empty lines (one Word
    paragraph each), `.heading` / `.show_heading` describe its heading, and
    sub-texts hang off it as attributes (`text.overview.proactive`).
    """

    paragraphs: list[str]
    heading: str
    show_heading: bool

    def __new__(cls, value: str = "", heading: str = "", show_heading: bool = False) -> Text:
        obj = super().__new__(cls, value)
        obj.paragraphs = split_paragraphs(value)
        obj.heading = heading
        obj.show_heading = show_heading
        return obj


def split_paragraphs(text: str) -> list[str]:
    """Each line is a paragraph; blank lines are dropped, indentation spaces trimmed
    (the body style indents the first line by two characters)."""
    lines = (line.strip(LINE_STRIP) for line in text.splitlines())
    return [line for line in lines if line]


class _Cleaner:
    """Removes characters XML cannot hold and records a warning per field."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def __call__(self, value: Any, where: str) -> str:
        text = value if isinstance(value, str) else str(value)
        text = text.replace(LINE_BREAK, "\n")
        found = ILLEGAL_CHARS.findall(text)
        if not found:
            return text
        codes = "、".join(sorted({f"U+{ord(c):04X}" for c in found})[:5])
        self.warnings.append(f"“{where}”中有 {len(found)} 个无法写入 Word 的控制字符（{codes}），已删除")
        return ILLEGAL_CHARS.sub("", text)


def _value_text(f: Field, data: dict[str, Any], numbers: dict[str, Any], clean: _Cleaner) -> str:
    number = numbers.get(f.key)
    if number is not None:
        return format_number(number, f.type)
    raw = data.get(f.key)
    if is_blank(raw):
        return ""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return format_number(raw, f.type)
    return clean(raw, f.where)  # printed as entered (only with --ignore-errors)


def _nest(flat: dict[str, Any], fmt: ReportFormat) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = fmt.field(key).path
        node = root
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"key {key} is below a value")
        if isinstance(node.get(leaf), dict):
            raise ValueError(f"key {key} is also a parent")
        node[leaf] = value
    return root


# ---------------------------------------------------------------------------
# Context


def build_context(data: dict[str, Any], fmt: ReportFormat) -> dict[str, Any]:
    """The nested template context for one report (see the module docstring)."""
    return make_context(data, fmt)[0]


def make_context(data: dict[str, Any], fmt: ReportFormat, numbers: dict[str, float | int | None] | None = None
                 ) -> tuple[dict[str, Any], list[str]]:
    """The context and the warnings (Chinese) of cleaning the user's texts. `numbers`: the
    report's figures where the check computed them (`CheckResult.numbers`), else computed here."""
    clean = _Cleaner()
    if numbers is None:
        numbers = evaluate(data, fmt).numbers

    flat: dict[str, Any] = {}
    for f in (*fmt.value_fields, *fmt.previous):
        if f.numeric:
            flat[f.key] = _value_text(f, data, numbers, clean)
        else:
            raw = data.get(f.key)
            flat[f.key] = "" if is_blank(raw) else clean(raw, f.where)
    # V2019 采购总金额: the unit is printed after the amount, and only with one
    if fmt.has("t2.procurement.amount_unit") and not flat.get("t2.procurement.amount"):
        flat["t2.procurement.amount_unit"] = ""

    meta: dict[str, Any] = {}
    for f in fmt.meta_fields:
        raw = data.get(f.key)
        name = f.name
        if is_blank(raw):
            meta[name] = ""
        elif f.choices:
            labels = dict(f.choices)
            meta[name] = labels[raw] if _hashable(raw) and raw in labels and type(raw) is type(f.choices[0][0]) \
                else clean(raw, f.where)
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            meta[name] = format_number(raw)
        else:
            value = clean(raw, f.where)
            meta[name] = tidy_line(value) if f.type == "text" else value  # one line, as the reader makes it

    text = _texts(data, fmt, clean)
    sentences = {
        "contact": contact_sentence(meta),
        "on_request": on_request_sentence(numbers, fmt),
        "review": review_sentence(numbers, fmt),
        "fee": fee_sentence(numbers, fmt, data),
    }
    if sentences["fee"]:  # 「无。」 after the fee sentence would read as a contradiction
        other = text["other"]
        kept = [p for p in other.paragraphs if p not in NOTHING]
        if kept != other.paragraphs:
            new = Text(str(other), other.heading, other.show_heading)
            new.paragraphs = kept
            text["other"] = new

    context = _nest(flat, fmt)
    context.update({
        "fmt": fmt.version,
        "format_source": fmt.source,
        "title": f"{meta['agency']}{meta['year']}年政府信息公开工作年度报告",
        "meta": meta,
        "text": text,
        "sentences": sentences,
        "sections": [{"number": s.number, "heading": s.heading} for s in fmt.sections],
    })
    return context, clean.warnings


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _texts(data: dict[str, Any], fmt: ReportFormat, clean: _Cleaner) -> dict[str, Text]:
    labels = {t.key: t.label for t in fmt.texts}
    raw = {}
    for t in fmt.texts:
        value = data.get(t.key)
        # clean before judging blankness: str.strip() counts \x1c-\x1f as white space
        raw[t.key] = "" if value is None else clean(value, t.label)
    always = fmt.overview_subheadings == "always"
    root_texts: dict[str, Text] = {}
    for t in fmt.texts:
        if not t.subheading:
            root_texts[t.name] = Text(raw[t.key], labels[t.key], True)
    root_texts.setdefault("overview", Text("", "", True))
    names = {t.key: t.name for t in fmt.texts}
    for t in fmt.texts:
        if not t.subheading:
            continue
        siblings = [s.key for s in fmt.texts if s.parent == t.parent]
        any_sub = any(split_paragraphs(raw[k]) for k in siblings)
        filled = bool(split_paragraphs(raw[t.key]))
        # the data paragraph counts as content of （二）依申请公开 once sub-headings are used
        show = always or filled or (t.key == "text.overview.on_request" and any_sub)
        setattr(root_texts[names[t.parent]], t.name, Text(raw[t.key], labels[t.key], show))
    return root_texts
