"""Importer stage 2, cell values: the text of one table cell → a number, blank, or text kept as printed."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from xlreport.io.importers.labels import nfkc

_NUMBER = re.compile(r"^([+\-]?)(\d+(?:\.\d+)?)(万元|元|件|个|条|项|次|笔|宗|份|%)?(?:[(](.*)[)])?(.*)$")
EMPTY_MARKS = {"-", "--", "—", "——", "/", "无", "\\", "–", "~"}

# ---------------------------------------------------------------------------
# Cell values


@dataclass(frozen=True)
class Value:
    value: Any  # int/float, None (blank) or the text when it is not a number
    note: str = ""  # what was dropped or why it is blank
    status: str = "number"  # "number", "blank", "empty-mark", "text"
    unit: str = ""


def _marked_digit(ch: str) -> bool:
    """A character that NFKC turns into a digit but is none: ①, ⑴, ⒈, superscript ¹, subscript ₁
    (a note's number after a figure: 「12①」 is not 121)."""
    return not ("0" <= ch <= "9" or "０" <= ch <= "９") and any(c.isdigit() for c in unicodedata.normalize("NFKC", ch))


@functools.lru_cache(maxsize=65536)
def parse_value(raw: str) -> Value:
    if any(_marked_digit(ch) for ch in raw or ""):
        return Value(raw.strip(), f"“{raw.strip()}”中有带圈、上标或下标的数字（可能是注释的编号），原样读入，请核对", "text")
    spaced = re.sub(r"(?<=\d)[,，]\s*(?=\d{3}(?!\d))", "", nfkc(raw or "").strip())  # 1,234 / 1，234
    text = re.sub(r"\s+", "", spaced)
    if re.search(r"\d\s+\d", spaced):  # 「1 2」: two cells merged by the extraction (PDF), not 12
        return Value(raw.strip(), f"“{' '.join(raw.split())}”一格中有两个数（可能是相邻的两格被合在一起），原样读入，请核对", "text")
    if not text:
        return Value(None, "", "blank")
    if text in EMPTY_MARKS or set(text) <= set("-—/\\–~"):
        return Value(None, f"写作“{raw.strip()}”，按空白读入（没有的应填 0）", "empty-mark")
    cleaned = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", text)  # not 「1,2345」: no thousands there
    m = _NUMBER.match(cleaned)
    if not m or (m.group(5) and not m.group(5).startswith(("(", "（"))):
        return Value(raw.strip(), f"“{raw.strip()}”不是数字，原样读入", "text")
    sign, digits, unit, inside, rest = m.groups()
    number: int | float = float(digits) if "." in digits else int(digits)
    if sign == "-":
        number = -number
    notes = []
    if unit:
        notes.append(f"去掉单位“{unit}”")
    if inside:
        notes.append(f"括号内注释“{inside}”未计入")
    if rest:
        notes.append(f"其后的“{rest}”未计入")
    return Value(number, "，".join(notes), "number", unit or "")

