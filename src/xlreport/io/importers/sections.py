"""Importer stage: the text — sections 一 … 六 by their headings, 一's sub-sections, and the
sentences `xlreport render` writes itself (read back without them; 六's fee sentence gives fee.*)."""

from __future__ import annotations

import re
from typing import Any

from xlreport.io.importers.document import Paragraph
from xlreport.io.importers.labels import LABEL_MIN, Label, nfkc, parse_label, similarity
from xlreport.io.importers.tables import Imported
from xlreport.model.spec import ReportFormat

# Words every heading may add or drop (「（一）主动公开情况」, 「公开平台建设方面」): ignored
# when comparing section and sub-section headings.
_FILLERS = re.compile("政府信息公开|情况|方面|工作")


def _heading_label(text: str) -> Label:
    lab = parse_label(text)
    words = _FILLERS.sub("", lab.words) or lab.words
    short = _FILLERS.sub("", lab.short) or lab.short
    return Label(lab.raw, lab.kind, lab.number, words, short)


_HEADING = re.compile(r"^([一二三四五六七八九十]+)[、.,，]")
_SUB = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]")

# Wordings of the six section headings that published reports use besides the official ones (the
# official ones are the formats' SECTIONS, from 国办公开办函〔2019〕60号 and 〔2021〕30号): a heading
# is recognised by its words against these too, never by its number alone (「二、做好信息发布。」 in a
# numbered list is text).
HEADING_VARIANTS = {
    "一": ("概述",),
    "二": ("主动公开情况",),
    "三": ("依申请公开情况", "依申请公开政府信息情况"),
    "四": ("行政复议和行政诉讼情况", "行政复议行政诉讼情况"),
    "五": ("存在的主要问题及整改措施", "存在的问题及改进措施", "主要问题及改进措施"),
    "六": ("其他事项",),
}


def _section_labels(fmt: ReportFormat) -> list[tuple[Any, list[Label]]]:
    """Each section with the labels of its official heading and of its known variants."""
    return [(s, [_heading_label(s.heading)]
             + [_heading_label(f"{s.number}、{v}") for v in HEADING_VARIANTS.get(s.number, ())])
            for s in fmt.sections]


def _split_sections(paragraphs: list[Paragraph], fmt: ReportFormat, out: Imported,
                    pages: dict[str, int] | None = None) -> dict[str, list[str]]:
    """The text of each text key. A line starts a section only when its words match the section's
    heading (or a known variant): well anywhere, loosely (with a note) only as the next section;
    any other numbered line is text of the current section. `pages` gets the page of each text."""
    sections = _section_labels(fmt)
    order = [s.number for s in fmt.sections]
    subs = [(t, _heading_label(t.label)) for t in fmt.texts if t.parent == "text.overview"]
    labels = {t.key: t.label for t in fmt.texts}
    pages = pages if pages is not None else {}
    found: dict[str, list[str]] = {}
    current: str | None = None  # a text key, or "" inside a section without text (二 三 四)
    in_overview = False
    seen_sections: set[str] = set()
    last = -1  # index in `order` of the last section read
    heading = ""  # the official heading of the section being read

    def add(key: str, text: str, page: int | None) -> None:
        found.setdefault(key, []).append(text)
        if page is not None:
            pages.setdefault(key, page)

    own: list[str] = []  # sub-headings of 一 of the report's own
    contents = _contents(paragraphs, sections)
    if contents:
        out.notes.append(f"开头的目录（{len(contents)} 行标题）不作为正文的标题，已略去")
    for i, p in enumerate(paragraphs):
        if i in contents:
            continue
        text = p.text.strip()
        m = _HEADING.match(nfkc(text))
        if m and len(text) <= 40:
            lab = _heading_label(text)
            score, section = max(((max(similarity(lab, x) for x in xs), s) for s, xs in sections),
                                 key=lambda x: x[0])
            in_order = order.index(section.number) > last
            if section.number not in seen_sections and (
                    score >= 0.9 or (score >= LABEL_MIN and order.index(section.number) == last + 1)):
                seen_sections.add(section.number)
                last = order.index(section.number)
                current = section.text_key or ""
                heading = section.heading
                in_overview = section.number == "一"
                if score < 0.9:
                    out.notes.append(f"正文标题“{text}”按官方的“{section.heading}”读入，请核对")
                if not in_order:
                    out.notes.append(f"正文标题“{text}”的位置与官方格式的顺序不同，请核对")
                continue
            numbered = next((s for s in fmt.sections if s.number == m.group(1)), None)
            if numbered is not None and numbered.number not in seen_sections and current is not None:
                taken = f"按“{labels[current]}”的正文读入" if current else f"它在“{heading}”中，该部分没有文字项，未读入"
                out.notes.append(f"“{text}”编号像“{numbered.heading}”，但文字不同，不作为标题：{taken}；"
                                 f"如果它是该部分的标题，请核对")
        m = _SUB.match(text)
        if in_overview and m:
            head, sep, body = text.partition("。")
            lab = _heading_label(head if sep or len(text) <= 30 else text[:20])
            sub_scored = sorted(((similarity(lab, sl), t) for t, sl in subs), key=lambda x: -x[0])
            score, sub = sub_scored[0]
            if score < LABEL_MIN and _same_topic(lab, subs):  # 「（五）及时回应关切，自觉接受监督」: 监督保障
                score, sub = LABEL_MIN, subs[lab.number - 1][0]
            if score >= LABEL_MIN and sub.key != current:  # (the same heading again is text: 「（一）主动公开方面…」)
                current = sub.key
                if score < 0.9:
                    out.notes.append(f"“一、总体情况”的小标题“{head}”按官方的“{sub.label}”读入")
                body = body.strip() if sep else ("" if len(text) <= 30 else text)
                found.setdefault(current, [])
                if body:
                    add(current, body, p.page)
                continue
            if score < LABEL_MIN:
                own.append(head)
        if current:
            add(current, text, p.page)
        elif current == "" and len(text) >= 15 and "。" in text:  # prose where the format keeps no text
            out.notes.append(f"“{heading}”中的文字“{text[:20]}…”不属于任何文字项，未读入")
    if own and fmt.overview_subheadings == "when-filled":  # the 试行 format asks for no sub-headings in 一
        out.notes.append(f"“一、总体情况”的小标题“{'”“'.join(own)}”是报告自己的小标题，其内容并入其前的部分读入")
    elif own:  # said once, not per sub-heading
        out.notes.append(f"“一、总体情况”未按 {fmt.version} 版的五个方面分列：小标题“{'”“'.join(own)}”不是官方的小标题，"
                         f"其内容并入其前的部分；请按官方的五个小标题（{'、'.join(t.label for t, _ in subs)}）分列")
    return found


def _contents(paragraphs: list[Paragraph], sections: list[tuple[Any, list[Label]]]) -> set[int]:
    """The lines of a table of contents: three or more section headings in a row, with nothing between
    them, whose first is printed again below (the report's own heading)."""
    def section_of(text: str) -> str | None:
        if not _HEADING.match(nfkc(text)) or len(text) > 40:
            return None
        lab = _heading_label(text)
        score, section = max(((max(similarity(lab, x) for x in xs), s) for s, xs in sections), key=lambda x: x[0])
        return section.number if score >= 0.9 else None

    numbers = [section_of(p.text.strip()) for p in paragraphs]
    order = [s.number for s, _ in sections]
    i = 0
    while i < len(numbers):
        j = i
        while j < len(numbers) and numbers[j] is not None and (
                j == i or order.index(numbers[j]) > order.index(numbers[j - 1])):  # in order: the list ends
            j += 1                                                              # where 一 comes again
        if j - i >= 3 and numbers[i] in numbers[j:]:
            return set(range(i, j))
        i = max(j, i + 1)
    return set()


_GENERIC = re.compile("政府|信息|公开")  # words every sub-heading of 一 may share


def _same_topic(lab: Label, subs: list) -> bool:
    """A numbered sub-heading of 一 in the report's own words that shares a word (two characters
    or more, not 政府/信息/公开) with the official sub-heading of its number: 「（五）…接受监督」."""
    if lab.kind != "paren" or not 0 < lab.number <= len(subs):
        return False
    official = _GENERIC.sub("|", subs[lab.number - 1][1].words)
    words = _GENERIC.sub("|", lab.words)
    return any(official[i:i + 2] in words for i in range(len(official) - 1) if "|" not in official[i:i + 2])



def text_place(fmt: ReportFormat, key: str, pages: dict[str, int]) -> str:
    """Where a text was printed: 「第1页 正文 （二）依申请公开」 (the page where the Document has pages)."""
    label = next((t.label for t in fmt.texts if t.key == key), fmt.field(key).place if fmt.has(key) else key)
    page = pages.get(key)
    return f"第{page}页 正文 {label}" if page is not None else f"正文 {label}"



# The sentences `xlreport render` writes itself (report/sentences.py): a report it made is read back
# without them, and 六's fee sentence gives back fee.count / fee.amount_yuan. They are compared
# without whitespace (a PDF may put a space or a line break into a wrapped sentence), and a
# sentence may come split over two paragraphs (a wrapped line taken for a paragraph end).
_FEE = (
    (re.compile(r"^本年度未收取信息处理费。$"), lambda m: (0, 0)),
    (re.compile(r"^本年度共对(\d+)件政府信息公开申请收取信息处理费,合计([\d.]+)元。$"),
     lambda m: (int(m.group(1)), float(m.group(2)) if "." in m.group(2) else int(m.group(2)))),
    (re.compile(r"^本年度收取信息处理费合计([\d.]+)元。$"),
     lambda m: (0, float(m.group(1)) if "." in m.group(1) else int(m.group(1)))),
)


def _squeeze(text: str) -> str:
    """For comparing sentences: NFKC (「，」 → 「,」), whitespace dropped."""
    return re.sub(r"\s+", "", nfkc(text))


def _drop_sentence(parts: list[str], is_it) -> tuple[list[str], Any]:
    """`parts` without the generated sentence at its start (one paragraph, or two that join into
    it), and what `is_it` said of it; `parts` unchanged and None when it is not there."""
    for n in (1, 2):
        if len(parts) >= n:
            found = is_it(_squeeze("".join(parts[:n])))
            if found:
                return parts[n:], found
    return parts, None


def _generated(texts: dict[str, list[str]], out: Imported, pages: dict[str, int] | None = None) -> None:
    from xlreport.model.numbers import evaluate
    from xlreport.io.importers.fees import read_fees
    from xlreport.model.sentences import on_request_sentence

    fmt = out.fmt
    pages = pages if pages is not None else {}
    if fmt.has("fee.count") and texts.get("text.other"):
        def fee(text: str):
            for pattern, values in _FEE:
                m = pattern.match(text)
                if m:
                    return values(m)
            return None
        texts["text.other"], values = _drop_sentence(texts["text.other"], fee)
        where = text_place(fmt, "text.other", pages)
        if values:
            out.data["fee.count"], out.data["fee.amount_yuan"] = values
            out.cells["fee.count"] = out.cells["fee.amount_yuan"] = where
        else:  # the report's own words (docs/published-reports.md: 信息处理费)
            label = text_place(fmt, "text.other", {}).removeprefix("正文 ")
            reading = read_fees("\n".join(texts["text.other"]), label)
            out.notes.extend(reading.notes)
            for key, value in (("fee.count", reading.count), ("fee.amount_yuan", reading.amount)):
                if value is not None:
                    out.data[key] = value
                    out.cells[key] = where
    sentence = _squeeze(on_request_sentence(evaluate(out.data, fmt).numbers, fmt))
    if not sentence:
        return
    for key in ("text.overview.on_request", "text.overview"):
        parts = texts.get(key, [])
        for i in range(len(parts)):
            rest, found = _drop_sentence(parts[i:], lambda text: text == sentence)
            if found:
                texts[key] = parts[:i] + rest
                return


