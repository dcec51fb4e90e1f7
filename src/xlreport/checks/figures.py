"""Figures quoted in the clerk's own text, compared with the tables (rule `text-figures`).

Published reports often say one thing in 一、总体情况 and another in the tables
(common-errors.md E8: 「受理…17件」 against 95 in table 三; 复议 134 / 诉讼 57
against 170 / 77 in table 四; 「予以公开及部分公开258件」 against 275). The rule
reads every Arabic figure followed by 件 (format.md §4.4, RT.1–RT.4):

* The words just before it, back to the clause's start or the figure before,
  must end in a *term* (plus filler such as 案件, 共, 为): 受理/收到 …申请,
  答复/办结, 上年结转, 转下年度, an outcome group of table 三 (予以公开 …
  其他处理) or a group of table 四 (行政复议, 行政诉讼). Terms joined by 、/及/和
  (「予以公开及部分公开」, 「复议、诉讼」) mean the sum of their values.
* It stays silent on every figure it cannot pin to one table value: one
  applicant column (自然人 …) or channel (网上, 信函 …), one part of a group
  (结果维持, 直接起诉, a row such as 重复申请), another year or a change
  (较上年, 同比增加, 2019年, 1-6月, 累计), a subset (其中市本级受理 …), a
  figure for each (各) or approximate (左右), a phrase with two terms that do
  not add up (行政复议答复, 受理、办结). Percentages are not read.
* A table value is what the table prints (a published total) or the sum of its
  parts; the figure is right if it is either. A blank cell counts as 0, as the
  published reports that leave cells blank mean (published-reports.md), and the
  warning says so; the blank itself is reported by `value-missing`. A value
  that is not a number leaves the figure unchecked.
* One warning per (meaning, quoted figure), however often it is quoted.

The table words (group names, applicant columns, parts) come from the format
declarations; only the writers' own verbs (受理, 答复, 顺延 …) are listed here.
Pattern matching over free text cannot be expressed as a spreadsheet formula,
so this rule runs in Python only (the workbook's Python UDF shows it in Excel).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from xlreport.model.report import Problem, is_blank, jsonable, number_text, problem
from xlreport.model.spec import ReportFormat

FIGURE = re.compile(r"(?<![\d.．])(\d{1,3}(?:[,，]\d{3})+|\d+)件")
# 「申请 14 件」 (spaces around a figure, as web editors and PDF copies leave them) reads as 「申请14件」.
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff\d])[ \u3000\xa0]+(?=\d)|(?<=\d)[ \u3000\xa0]+(?=[\d件%])")
# 「十四件」: a count in Chinese numerals. A lone 一 is left alone (「办结一件申请」, 「每一件」 are no counts).
_CN_FIGURE = re.compile(r"(?<![每逐这那某同任哪第])([零〇一二两三四五六七八九十百千]{2,}|[二两三四五六七八九十])件")
_CN_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
# 「予以公开12件，占60%」: a share quoted after a figure of table 三.
SHARE = re.compile(r"^[，,]?(?:约|共)?占(?:比|总数|全部|办结总数|总量|申请总数)?(?:的)?(?:比例)?(?:为|达)?(\d+(?:\.\d+)?)%")
CLAUSE_BREAK = re.compile(r"[。；;！？!?\n，,：:]")
SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
TAIL_WINDOW = 60  # characters before a figure searched for its term
# Filler between a term and its figure; a note in brackets only when it says what is included.
FILLER = r"(?:案件|申请|共计|合计|总计|共|计|数量|数|为|达|有|了|的|[（(](?:含|包括|包含)[^（）()]*[）)])*"
INCLUDED_NOTE = re.compile(r"[（(](?:含|包括|包含)[^（）()]*[）)]")
JOIN = r"(?:、|及|和|与|以及|或)"
# Another period than the report year, or a change rather than a count (RT.6 is not read).
OTHER_PERIOD = re.compile(
    r"较上|比上|与上|同比|环比|去年|前年|上年(?!度?结转)|上一年(?!度?结转)|同期|增长|增加|减少|下降|上升|增幅|降幅"
    r"|累计|历年|以来|近[一二三四五两\d]+年|\d+[-—～~至到]?\d*月|季度|上半年|下半年")
YEAR = re.compile(r"(\d{4})年")
# Earlier in the sentence, a clause that sets another period: 「去年，受理…」, 「2023年，…」 (the years are read too).
EARLIER_PERIOD = re.compile(r"(?:^|[，,：:])(?:去年|前年|上一?年(?!度?结转))")
AFTER_APPROX = re.compile(r"^(?:左右|以上|以下|上下|之多)")
# 「行政复议申请150件（含政府信息公开类12件）」: the figure holds more than the report's subject.
AFTER_SUPERSET = re.compile(r"^[（(][^）)]*政府信息公开")
# Writers' words for one part of a group (the table's own part labels are added per format).
PART_WORDS = ("直接", "复议后", "经复议", "维持", "纠正", "驳回", "撤销", "确认违法", "审结", "未结",
              "当面", "网上", "网络", "在线", "信函", "邮寄", "传真", "电子邮件", "电话",  # channels
              "书面", "口头", "当场", "按期", "按时", "逾期", "延期")  # manners of answering
# A subset of the year's applications (其中市本级受理…): not the total.
SUBSET = re.compile(r"其中")


def _cn_number(text: str) -> int | None:
    """「十四」 → 14, 「一百零五」 → 105, 「二三」 → None (not a number as counts are written)."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_VALUES:
            if digit is not None and digit != 0 and _CN_VALUES[ch] != 0:
                return None  # two digits in a row without a unit: 「二三件」 is no count
            digit = _CN_VALUES[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def normalise_figures(text: str) -> str:
    """The text with its counts written as the rule reads them: spaces around a figure dropped,
    Chinese numerals before 件 as Arabic figures (「申请 14 件」, 「申请十四件」 → 「申请14件」)."""
    text = _SPACED.sub("", text)

    def arabic(m: re.Match) -> str:
        n = _cn_number(m.group(1))
        return m.group(0) if n is None else f"{n}件"
    return _CN_FIGURE.sub(arabic, text)


@dataclass(frozen=True)
class Meaning:
    """What a term means in the tables: alternative readings, each a tuple of keys summed."""

    id: str
    readings: tuple[tuple[str, ...], ...]
    names: str  # the table values, in words, for the message
    is_total: bool = False  # a total of the year (a subset phrase 其中… is not it)


@dataclass(frozen=True)
class Figures:
    """The vocabulary of one format: term regexes with their meanings, and the words that silence."""

    terms: tuple[Meaning | None, ...]  # the meaning of each term, in order (None: a part of a group, silent)
    term_any: re.Pattern  # every term, in order, the i-th as the i-th group
    tail: re.Pattern
    after: tuple[tuple[re.Pattern, Meaning], ...]
    parts: re.Pattern  # the parts of groups: named anywhere in the clause, they silence

    def meaning_of(self, term: re.Match) -> Meaning | None:
        """The meaning of a term matched by `term_any`: of the first term in order that matches
        there, which is the one its group tells (None: a part of a group)."""
        assert term.lastindex is not None
        return self.terms[term.lastindex - 1]


@dataclass(frozen=True)
class Quoted:
    """One figure read from the text; `meaning` is None when it cannot be pinned to a table value."""

    figure: int
    start: int
    end: int
    phrase: str
    meaning: Meaning | None


def _word(label: str) -> str:
    """The words of a label without its numbering and note: 「（二）部分公开（区分处理的…）」 → 部分公开."""
    label = re.sub(r"^(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.．、])", "", label)
    return re.sub(r"（[^）]*）$", "", label).strip()


def _rows(fmt: ReportFormat) -> dict[str, tuple[str, ...]]:
    """Table 三's rows: row name (new, denied.state_secret …) → label path (outer to inner)."""
    out: dict[str, tuple[str, ...]] = {}
    for f in fmt.fields:
        if f.table == "t3":
            out.setdefault(".".join(f.row_key), f.row)
    return out


def _columns(table) -> dict[str, tuple[str, ...]]:
    """Value key → header path (outer to inner), from the grid's header cells."""
    return {v.key: tuple(c.text for c in sorted(
        (c for c in table.cells if c.role == "header" and c.col <= v.col < c.col + c.colspan), key=lambda c: c.row))
        for v in table.value_cells()}


@functools.lru_cache(maxsize=None)  # one ReportFormat per version: derived once
def meanings(fmt: ReportFormat) -> Figures:
    """The vocabulary of `fmt`, derived from its declarations."""
    t3, t4 = fmt.table("t3"), fmt.table("t4")
    rows = _rows(fmt)
    name3 = t3.name

    def row_name(row: str) -> str:
        return f"“{re.sub(r'（[^）]*）$', '', rows[row][-1])}”"

    new = f"{name3}{row_name('new')}总计"
    terms: list[tuple[str, Meaning | None]] = []
    # The writers' verbs for the rows of table 三 that are not outcome groups (RT.1, RT.2).
    applications = r"了?(?:各类)?(?:(?:政府信息公开|信息公开|政府信息)?的?(?:申请|件)|依申请公开(?:申请|件)?)"
    received = Meaning("received", (("t3.new.total",), ("t3.new.total", "t3.carried_over.total")),
                       f"{new}（或加上{row_name('carried_over')}）", is_total=True)
    terms.append((r"(?:(?:受理|收到|收办|新收|接收)" + applications + r"|新收)(?:案件)?", received))
    terms.append((r"(?:答复|办结)了?(?:政府信息公开)?(?:申请)?",
                  Meaning("answered", (("t3.total.total",),), f"{name3}{row_name('total')}", is_total=True)))
    terms.append((r"(?:上年度?|上一年度?)结转(?:的)?(?:政府信息公开)?(?:申请)?",
                  Meaning("carried_over", (("t3.carried_over.total",),), f"{name3}{row_name('carried_over')}总计")))
    forward = Meaning("carried_forward", (("t3.carried_forward.total",),), f"{name3}{row_name('carried_forward')}总计")
    terms.append((r"(?:结转|顺延|转)(?:到|至)?下一?年度?(?:继续)?(?:办理|答复)?", forward))
    # The outcome groups of table 三 (RT.3, format.md R3.7): the second level of 三、本年度办理结果.
    groups: dict[str, list[str]] = {}
    parts: list[str] = []
    for row, path in rows.items():
        if len(path) > 1 and row != "total":
            groups.setdefault(path[1], []).append(row)
        if len(path) > 2 and len(_word(path[2])) > 2:  # not 「3.其他」: too common a word
            parts.append(_word(path[2]))
    for label, members in groups.items():
        totals = tuple(f"t3.{r}.total" for r in members)
        label = re.sub(r"（[^）]*）$", "", label)
        names = f"{name3}“{label}”" + ("各项总计之和" if len(totals) > 1 else "总计")
        terms.append((re.escape(_word(label)), Meaning(f"t3:{label}", (totals,), names)))
    # Applicant columns of table 三: one column is one part of the year's figure.
    for c in t3.cells:
        if c.role == "header" and c.text not in ("总计",) and c.row > 0:
            parts += [w for w in c.text.split("或") if len(w) > 2 or w == "法人"]
    # Table 四 (RT.4): the top headers are the groups, the deeper ones their parts.
    columns = _columns(t4)
    tops: dict[str, list[str]] = {}
    for key, path in columns.items():
        if path[-1] == "总计":
            tops.setdefault(path[0], []).append(key)
        parts += [p for p in path[1:] if p != "总计"]
    for top, keys in tops.items():
        subs = [columns[k][1] for k in keys if len(columns[k]) > 2]
        names = f"{t4.name} {top}“总计”" + (f"（{'与'.join(subs)}之和）" if len(subs) > 1 else "")
        meaning = Meaning(f"t4:{top}", (tuple(keys),), names)
        short = top[2:] if top.startswith("行政") else top  # 复议、诉讼 for 行政复议、行政诉讼
        terms.append((f"(?:行政)?{re.escape(short)}" if short != top else re.escape(top), meaning))
        if short == "诉讼":
            terms.append(("(?:提起|被)起诉", meaning))
    # Table 二 (issue 17.7): 「现行有效行政规范性文件393件」, 「制发规范性文件5件」, 「作出行政许可决定12件」.
    documents = {"rules": "规章", "normative_docs": "(?:行政)?规范性文件"}
    verbs = {"in_force": "现行有效(?:的)?", "issued": "(?:制发|印发|出台|制定)了?(?:的)?", "repealed": "废止了?(?:的)?",
             "made": "(?:新)?制作了?(?:的)?"}
    for item, noun in documents.items():
        for column, verb in verbs.items():
            key = f"t2.{item}.{column}"
            if fmt.has(key):
                terms.append((verb + noun, Meaning(key, ((key,),), fmt.field(key).where.replace(" 第二十条", "", 1))))
    for item, noun in (("licensing", "行政许可"), ("penalty", "行政处罚"), ("coercion", "行政强制")):
        key = f"t2.{item}.decisions"
        if fmt.has(key):
            terms.append((f"(?:作出|办理|办结)?了?{noun}(?:处理)?决定", Meaning(key, ((key,),), fmt.field(key).where)))
    # Parts named as terms win over the group they belong to (复议后起诉 before 复议).
    parts = list(dict.fromkeys(p for p in (*parts, *PART_WORDS) if p))
    part_terms = [(re.escape(p), None) for p in sorted(parts, key=len, reverse=True)]
    ordered = part_terms + sorted(terms, key=lambda t: len(t[0]), reverse=True)
    any_term = "|".join(f"(?:{p})" for p, _ in ordered)
    term_any = re.compile("|".join(f"({p})" for p, _ in ordered))
    assert term_any.groups == len(ordered), "a term pattern holds a capturing group: write (?:…)"
    return Figures(
        terms=tuple(m for _, m in ordered),
        term_any=term_any,
        tail=re.compile(rf"(?:{any_term})(?:{JOIN}(?:{any_term}))*{FILLER}$"),
        after=((re.compile(r"^(?:申请)?(?:结转|顺延|转)(?:到|至)?下一?年度?"), forward),),
        parts=re.compile("|".join(re.escape(p) for p in parts)),
    )


def _combine(found: list[Meaning]) -> Meaning | None:
    """Terms joined by 、/及/和 mean the sum of their values, when each has one reading."""
    if len(found) == 1:
        return found[0]
    if len(set(m.id for m in found)) < len(found) or any(len(m.readings) != 1 or m.is_total for m in found):
        return None
    keys = tuple(k for m in found for k in m.readings[0])
    return Meaning("+".join(m.id for m in found), (keys,), "与".join(m.names for m in found))


def quoted_figures(text: str, fmt: ReportFormat, year: Any = None) -> list[Quoted]:
    """Every 「N件」 of `text` (after `normalise_figures`: positions are in the normalised text), with
    the table value it means where it can be pinned to one."""
    vocab = meanings(fmt)
    text = normalise_figures(text)
    out: list[Quoted] = []
    clause_start = sentence_start = 0  # after the last clause end or figure; after the last sentence end
    clause_ends = iter(m.end() for m in CLAUSE_BREAK.finditer(text))
    sentence_ends = iter(m.end() for m in SENTENCE_BREAK.finditer(text))
    next_clause, next_sentence = next(clause_ends, None), next(sentence_ends, None)
    for m in FIGURE.finditer(text):
        while next_clause is not None and next_clause <= m.start():
            clause_start, next_clause = max(clause_start, next_clause), next(clause_ends, None)
        while next_sentence is not None and next_sentence <= m.start():
            sentence_start, next_sentence = next_sentence, next(sentence_ends, None)
        earlier = text[sentence_start:max(sentence_start, clause_start)]
        before, after = text[clause_start:m.start()], text[m.end():m.end() + 24]
        clause_start = m.end()
        meaning, lead, trail = _pin(before, after, vocab, year)
        if meaning is not None and _other_period(earlier, year):
            meaning = None
        figure = int(re.sub(r"[,，]", "", m.group(1)))
        out.append(Quoted(figure, m.start(), m.end(), lead + m.group(0) + trail, meaning))
    return out


def _pin(before: str, after: str, vocab: Figures, year: Any) -> tuple[Meaning | None, str, str]:
    """(the meaning or None, the words of the phrase before and after the figure)."""
    clause = before.lstrip("、 \u3000")
    plain = INCLUDED_NOTE.sub(lambda n: "\u3000" * len(n.group(0)), clause)  # positions kept
    if AFTER_APPROX.match(after) or AFTER_SUPERSET.match(after):
        return None, "", ""
    cut = max(0, len(clause) - TAIL_WINDOW)  # a term and its filler are short: search only the end
    tail = vocab.tail.search(clause, cut)
    post = next(((p.match(after), m) for p, m in vocab.after if p.match(after)), None)
    if (tail is None) == (post is None):
        return None, "", ""  # no term, or one before and one after: cannot tell which
    meaning: Meaning | None
    if post is not None:
        match, meaning = post
        assert match is not None  # post is only taken where its pattern matched
        lead, trail = "", match.group(0)
    else:
        assert tail is not None  # exactly one of tail and post (above)
        lead, trail = clause[tail.start():], ""
        span = plain[tail.start():tail.end()]
        found = [vocab.meaning_of(t) for t in vocab.term_any.finditer(span)]
        known = [f for f in found if f is not None]
        if not found or len(known) < len(found):
            return None, lead, trail  # one part of a group
        prefix = plain[:tail.start()]
        if vocab.term_any.search(prefix) or re.search(JOIN + "$", prefix):
            return None, lead, trail  # another term before (行政复议答复…, 受理、办结…): whose figure?
        meaning = _combine(known)
    if meaning is None:
        return None, lead, trail
    # what else silences: another period or a change, a part named anywhere in the clause, a subset
    if OTHER_PERIOD.search(_without_terms(plain, vocab)) or vocab.parts.search(plain):
        return None, lead, trail
    years = YEAR.findall(plain)
    if years and (not isinstance(year, int) or any(int(y) != year for y in years)):
        return None, lead, trail
    if meaning.is_total and SUBSET.search(plain):
        return None, lead, trail
    return meaning, lead, trail


def _other_period(earlier: str, year: Any) -> bool:
    """The sentence before the figure's clause sets another period than the report year."""
    years = YEAR.findall(earlier)
    return bool(EARLIER_PERIOD.search(earlier)) or bool(years) and (
        not isinstance(year, int) or any(int(y) != year for y in years))


def _without_terms(text: str, vocab: Figures) -> str:
    """The text with the terms blanked, so that 上年结转 is not read as 上年."""
    return vocab.term_any.sub(lambda t: " " * len(t.group(0)), text)


# --- table values -----------------------------------------------------------------------------


def _leaves(key: str, fmt: ReportFormat) -> list[str]:
    f = fmt.field(key)
    if not f.derived:
        return [key]
    return [leaf for k in f.derived_from for leaf in _leaves(k, fmt)]


def _readings(keys: tuple[str, ...], data: dict, numbers: dict, fmt: ReportFormat):
    """(the values the table gives for the sum of `keys`, blank inputs counted as 0), or None.

    Two readings: each key as printed where the table prints it (a published
    total), and everything summed from the inputs. Blank inputs count as 0; an
    input that is not a number makes the reading from the inputs unusable.
    """

    printed: float | None = 0
    parts: float | None = 0
    blanks: list[str] = []
    for key in keys:
        own: float | None = 0
        for leaf in _leaves(key, fmt):
            value = numbers.get(leaf)
            if value is None and is_blank(data.get(leaf)):
                blanks.append(leaf)
            elif value is None or own is None:
                own = None
            else:
                own += value
        shown = numbers.get(key) if fmt.field(key).derived and not is_blank(data.get(key)) else None
        shown = own if shown is None else shown
        printed = None if printed is None or shown is None else printed + shown
        parts = None if parts is None or own is None else parts + own
    values = [v for v in dict.fromkeys((printed, parts)) if v is not None]
    return (values, blanks) if values else None


@dataclass(frozen=True)
class FigureProblem:
    text_key: str
    keys: tuple[str, ...]
    quoted: int | float
    expected: Any
    message: str


def figure_problems(data: dict, numbers: dict, fmt: ReportFormat):
    """One `FigureProblem` per contradiction: per (meaning, quoted figure), first place quoted."""

    labels = {t.key: t.label for t in fmt.texts}
    seen: set[tuple] = set()
    year = data.get("meta.year")
    if isinstance(year, float) and year.is_integer():
        year = int(year)
    for text_key, label in labels.items():
        text = data.get(text_key)
        if not isinstance(text, str):
            continue
        normalised = normalise_figures(text)
        for q in quoted_figures(text, fmt, year):
            if q.meaning is None:
                continue
            share = SHARE.match(normalised[q.end:]) if q.meaning.id.startswith("t3:") else None
            if share is not None:
                wrong = share_problem(text_key, q, share.group(1), label, numbers, fmt)
                if wrong is not None:
                    yield wrong
            said = (tuple(tuple(sorted(r)) for r in q.meaning.readings), q.figure)  # 及 and 、 in any order
            if said in seen:
                continue
            values: list[Any] | None = []
            blanks: list[str] = []
            keys: list[str] = []
            for reading in q.meaning.readings:
                r = _readings(reading, data, numbers, fmt)
                keys += reading
                if r is None:
                    values = None
                    break
                values += r[0]
                blanks += r[1]
            if values is None or q.figure in values:
                continue
            seen.add(said)
            blanks = list(dict.fromkeys(blanks))
            right = "或".join(number_text(v) for v in dict.fromkeys(values))
            message = (f"“{label}”中写“{q.phrase}”，与{q.meaning.names}（{right}）不一致，请核对：报告正文与表格应当一致")
            if blanks:
                where = "、".join(fmt.field(k).where for k in blanks[:3]) + (f"等 {len(blanks)} 格" if len(blanks) > 3 else "")
                message += f"（表中{where}为空白，已按 0 计算；没有的请填 0）"
            yield FigureProblem(text_key, tuple(dict.fromkeys((*keys, *blanks))), q.figure, values[0], message)


def share_problem(text_key: str, q: Quoted, printed: str, label: str, numbers: dict,
                  fmt: ReportFormat) -> FigureProblem | None:
    """A share 「…12件，占60%」 that fits none of the year's totals it can be a share of (办结, 新收,
    新收加上年结转), as printed to its decimals; None when it fits one or a total is blank or 0."""
    done, new, carried = (numbers.get(f"t3.{row}.total") for row in ("total", "new", "carried_over"))
    if not (isinstance(done, (int, float)) and isinstance(new, (int, float)) and isinstance(carried, (int, float))):
        return None
    totals = [done, new, new + carried]
    decimals = len(printed.partition(".")[2])
    said = float(printed)
    computed = [100 * q.figure / d for d in totals if d]
    if not computed or any(abs(said - c) <= 10 ** -decimals + 1e-9 for c in computed):
        return None
    name3 = fmt.table("t3").name
    message = (f"“{label}”中写“{q.phrase}，占{printed}%”，但按{name3}，{q.figure} 件占办结总数 {number_text(totals[0])} 件的 "
               f"{computed[0]:.{max(decimals, 1)}f}%，占本年新收 {number_text(totals[1])} 件的 "
               f"{100 * q.figure / totals[1] if totals[1] else 0:.{max(decimals, 1)}f}%；请按表格重新计算百分比")
    return FigureProblem(text_key, ("t3.total.total", "t3.new.total"), said, round(computed[0], max(decimals, 1)), message)


def check_figures(data: dict[str, Any], fmt: ReportFormat, cells: dict[str, str] | None,
                        numbers: dict[str, Any]) -> list[Problem]:
    return [problem("text-figures", (p.text_key, *p.keys), p.message, cells, expected=jsonable(p.expected),
                    actual=p.quoted)
            for p in figure_problems(data, numbers, fmt)]
