"""Importer stage 1, labels: normalise a printed label and compare it with the official ones.

How a label is recognised (see `similarity` and `row_score` in table3):
- text is normalised: NFKC (full-width → half-width), whitespace and
  punctuation dropped; a leading number (一、 / （三） / 2.) is split off;
- numbering decides where it exists (the structure is trusted over the words):
  a row numbered （三）… 2. is compared only with the official rows so numbered,
  and accepted when its words are at least loosely similar (score ≥ ACCEPT);
- words are compared with difflib's ratio, or — for abbreviations such as
  「1.逾期不补正」 — by how much of the shorter label appears in order in the
  longer one; parenthesised annotations are compared with and without.

Every label comes from the format declarations (formats/v2019.py, formats/v2021.py through
spec.Field.place/row/column); nothing is typed a second time. `prepared()` holds them, per version.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from xlreport.model.formats import FORMATS
from xlreport.model.spec import ReportFormat

ACCEPT = 0.6  # a row label is taken when its score reaches this
LABEL_MIN = 0.6  # an unnumbered label (table 二 items and headers, section headings)
T4_VALUES = 15

CN_DIGITS = "〇一二三四五六七八九十"
_TOP = re.compile(r"^([一二三四五六七八九十]+)[、.,，]")
_PAREN = re.compile(r"^[(]([一二三四五六七八九十]+)[)]")
_ARABIC = re.compile(r"^(\d{1,2})[.、,，](?!\d)")
_PARENTHESES = re.compile(r"[(][^()]*[)]")
_DROP = re.compile(r"[\W_]+")

# ---------------------------------------------------------------------------
# Text normalisation and similarity


def nfkc(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u2212", "-").replace("\u2014", "—").replace("\u2013", "-")


@dataclass(frozen=True)
class Label:
    raw: str
    kind: str  # "top" 一、, "paren" （一）, "arabic" 1., "" none
    number: int
    words: str  # normalised words, numbering removed
    short: str  # words without parenthesised annotations


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS.index(text[1])
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_DIGITS.index(tens) * 10 + (CN_DIGITS.index(ones) if ones else 0)
    return CN_DIGITS.index(text[0])


# Where a second numbered label starts inside one cell (a PDF's text puts 「三、本年度办理结果」 and
# 「（一）予以公开」 on one line): after whitespace, or at a bracketed number （一）…（七） after a
# Chinese character, or at 「1.」 after one (「不予公开1.属于国家秘密」).
_INNER = re.compile(r"\s+(?=[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d{1,2}[.．、](?!\d))"
                    r"|(?<=[\u4e00-\u9fff])(?=[（(][一二三四五六七][)）][\u4e00-\u9fff]|\d[.．](?=[\u4e00-\u9fff]))")


def split_numbered(text: str) -> list[str]:
    """「三、本年度办理结果 （一）予以公开」 → 「三、本年度办理结果」, 「（一）予以公开」 (one label each)."""
    parts = [p for p in _INNER.split(text.strip()) if p.strip()]
    return parts if len(parts) > 1 else [text]


@functools.lru_cache(maxsize=65536)
def parse_label(raw: str) -> Label:
    text = re.sub(r"\s+", "", nfkc(raw))
    kind, number = "", 0
    for k, pattern in (("top", _TOP), ("paren", _PAREN), ("arabic", _ARABIC)):
        m = pattern.match(text)
        if m:
            kind = k
            number = int(m.group(1)) if k == "arabic" else _cn_number(m.group(1))
            text = text[m.end():]
            break
    words = _DROP.sub("", text)
    short = _DROP.sub("", _PARENTHESES.sub("", text)) or words
    return Label(raw, kind, number, words, short)


def _coverage(a: str, b: str) -> float:
    """Share of the shorter string found, in order, in the longer (abbreviations)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 2:
        return 0.0
    blocks = difflib.SequenceMatcher(None, short, long, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(short)


def similarity(a: Label, b: Label) -> float:
    """0..1 between the words of two labels (numbering ignored)."""
    return _similarity(a.words, a.short, b.words, b.short)


@functools.lru_cache(maxsize=1 << 18)  # the same labels recur in every report
def _similarity(a_words: str, a_short: str, b_words: str, b_short: str) -> float:
    best = 0.0
    for x, y in ((a_words, b_words), (a_short, b_short)):
        if not x or not y:
            continue
        if x == y:
            return 1.0
        ratio = difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
        best = max(best, ratio, 0.9 * _coverage(x, y) if min(len(x), len(y)) >= 2 else 0.0)
    return best


# ---------------------------------------------------------------------------
# What the formats declare, prepared for matching (cached per format)


@dataclass
class RowSpec:
    fmt: ReportFormat
    row_key: str  # "denied.state_secret"
    path: tuple[Label, ...]
    order: int


@dataclass
class ItemSpec:
    fmt: ReportFormat
    title: Label  # 第二十条第（一）项
    label: Label  # 规章
    prefix: str  # t2.rules
    columns: tuple[tuple[str, Label], ...]  # (column key, header)


_CACHE: dict[str, Any] = {}


@functools.lru_cache(maxsize=8)  # one per format version
def _t3_rows(fmt: ReportFormat) -> list[RowSpec]:
    out: list[RowSpec] = []
    seen: set[str] = set()
    for f in fmt.fields:
        if f.table == "t3" and f.row:
            row_key = ".".join(f.row_key)
            if row_key not in seen:
                seen.add(row_key)
                out.append(RowSpec(fmt, row_key, tuple(parse_label(x) for x in f.row), len(out)))
    return out


@functools.lru_cache(maxsize=8)
def _t3_columns(fmt: ReportFormat) -> list[str]:
    return [f.col_key for f in fmt.fields if f.table == "t3" and f.row_key == ("new",)]


def _t2_items(fmt: ReportFormat) -> list[ItemSpec]:
    items: dict[str, ItemSpec] = {}
    for f in fmt.fields:
        if f.table != "t2" or len(f.row) != 2 or f.type == "choice":
            continue
        prefix, col = ".".join((f.table, *f.row_key)), f.col_key
        if prefix not in items:
            items[prefix] = ItemSpec(fmt, parse_label(f.row[0]), parse_label(f.row[1]), prefix, ())
        spec = items[prefix]
        spec.columns = (*spec.columns, (col, parse_label(f.column[-1])))
    return list(items.values())


def prepared() -> dict[str, Any]:
    if not _CACHE:
        _CACHE["rows"] = [r for fmt in FORMATS.values() for r in _t3_rows(fmt)]
        _CACHE["items"] = [i for fmt in FORMATS.values() for i in _t2_items(fmt)]
    return _CACHE

