"""信息处理费 figures (fee.count, fee.amount_yuan) from a report's own words in 六、其他需要报告的事项.

条例 第四十二条 and 国办函〔2020〕109号 make reports state the fees collected; each report words it
its own way: 「全年收取政府信息公开信息处理费0元」, 「未收取信息处理费」, 「对25件政府信息公开申请
案件收取了信息处理费2950元」, 「收取信息处理费，合计Y元」. A figure is read only when it is stated
unambiguously — one total in the sentences that name the fee, one count tied to the charging —
otherwise it stays blank and `read_fees` says why. Nothing is guessed, except that a total of 0 元
(or 「未收取」) means that no application was charged: 0 件.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

FEE = "信息处理费"
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_YEAR = re.compile(r"20\d\d年(度)?")
_NONE = re.compile(r"(未|没有|无|不)(发生|产生)?(收取|收费|征收)?(任何|过)?[^\d]{0,10}信息(公开)?处理费")
# 「未发生收费情况」: no fee of any kind (in 六, where nothing else is charged)
_NO_CHARGE = re.compile(r"(未|没有|无)(发生|产生)?(任何)?(收费|收取费用)(的)?(情况|行为|事项)")
_FEE_WORDS = re.compile(r"信息(公开)?处理费")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(万)?元")
_RATE = re.compile(r"(每|标准|按)[^,，]{0,4}$")          # 「每件100元」「收费标准为100元」: a rate, not a total
_PER = re.compile(r"[/每](件|次|条|个)")  # 「300元/件」: a rate
_ABOUT = re.compile(r"(约|近|大约|大概|将近)$")
_TOTAL = re.compile(r"(信息处理费|合计|共计|总计|共|累计|总额|金额)(为|是|了)?$")
_COUNT = re.compile(r"(\d+)件[^,，:：]{0,16}?(收取|收费|征收)")


@dataclass
class FeeReading:
    count: int | None = None
    amount: int | float | None = None
    notes: list[str] = field(default_factory=list)


def _number(text: str, wan: bool) -> int | float:
    value = float(text) * (10000 if wan else 1)
    value = round(value, 2)
    return int(value) if value == int(value) else value


def read_fees(text: str, where: str) -> FeeReading:
    """The fee figures stated in `text` (六's prose); `where` names it in the notes."""
    out = FeeReading()
    sentences = [s.strip() for s in _SENTENCE.findall(text)
                 if _FEE_WORDS.search(s) or (_NO_CHARGE.search(s) and not re.search(r"\d+(件|元)", s))]
    if not sentences:
        return out
    amounts: list[tuple[int | float | None, str]] = []  # None: a figure that cannot be told
    counts: list[tuple[int, str]] = []
    none_said: list[str] = []
    vague: list[str] = []  # an amount said to be about so much, or figures of more than one year
    for sentence in sentences:
        if len(set(re.findall(r"(20\d\d)年", unicodedata.normalize("NFKC", sentence)))) > 1:
            vague.append(sentence)  # 「2023年收取…500元，2024年未收取」: whose year is each figure?
            continue
        s = _YEAR.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", sentence)))
        s = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", s)
        # 「本年度未收取信息处理费」, in a clause without a figure (not 「对3件申请未收取信息处理费」)
        if any((_NONE.search(c) or _NO_CHARGE.search(c)) and not re.search(r"\d", c) for c in re.split(r"[,，:：]", s)):
            none_said.append(sentence)
            continue
        s = _FEE_WORDS.sub(FEE, s)
        start = s.index(FEE)
        after = s[start:]
        found: list[tuple[re.Match[str] | None, str]] = [
            (m, after[:m.start()]) for m in _AMOUNT.finditer(after)
            if not _RATE.search(after[:m.start()]) and not _PER.match(after[m.end():])]  # not a rate
        if len(found) > 1:  # 「收取信息处理费，合计Y元」: the total; several figures with no total: ambiguous
            found = [(m, before) for m, before in found if _TOTAL.search(before)]
            if len(found) != 1:
                found = found[:2] if found else [(None, "")] * 2
        for m, before in found:  # an amount said to be about so much (「约3000元」, 「3000元左右」) is none
            if m is not None and (_ABOUT.search(before) or after[m.end():].startswith("左右")):
                vague.append(sentence)
                continue
            amounts.append((_number(m.group(1), bool(m.group(2))) if m else None, sentence))
        found_counts = [(int(m.group(1)), sentence) for m in _COUNT.finditer(s)]
        if not found_counts and len(found) == 1:  # 「共计380元，其中民政局1件」: the parts' counts add up
            parts = [int(n) for clause in re.findall(r"其中[^。；]*", s) for n in re.findall(r"(\d+)件", clause)]
            found_counts = [(sum(parts), sentence)] if parts else []
        counts += found_counts
    if vague:
        out.notes.append(f"“{where}”中信息处理费的金额说得不确切（“{_quote(vague[0])}”：约数，或说到不止一个年度），"
                         f"金额和件数未读入；请核对后填写")
        return out
    shown = "”“".join(dict.fromkeys(s for _, s in amounts) or sentences)
    if none_said and amounts and {a for a, _ in amounts} != {0}:  # 「未收取」 and a figure elsewhere
        out.notes.append(f"“{where}”中关于信息处理费的说法不一致（“{_quote(none_said[0])}”“{shown}”），未读入；"
                         f"请核对后填写")
        return out
    first = amounts[0][0] if amounts else None
    if first is not None and None not in (values := {a for a, _ in amounts}) and len(values) == 1:  # said once, or alike
        out.amount = first
        out.notes.append(f"信息处理费金额（{_shown(first)} 元）是从“{where}”的文字“{_quote(amounts[0][1])}”中读出的，请核对")
    elif amounts:
        out.notes.append(f"“{where}”中信息处理费的金额不止一处（“{shown}”），未读入；请核对后填写收取信息处理费的金额")
        return out
    elif none_said:
        out.count, out.amount = 0, 0
        out.notes.append(f"信息处理费按“{where}”的文字“{_quote(none_said[0])}”读为 0 件、0 元，请核对")
        return out
    else:
        out.notes.append(f"“{where}”提到信息处理费，但没有写明金额，金额和件数未读入；请填写")
        return out
    distinct = {n for n, _ in counts}
    if out.amount == 0:
        out.count = 0
        out.notes.append("信息处理费金额为 0 元，收费的申请件数按 0 件读入")
    elif len(distinct) == 1:
        out.count = distinct.pop()
        out.notes.append(f"收取信息处理费的申请件数（{out.count} 件）是从“{where}”的文字“{_quote(counts[0][1])}”中读出的，请核对")
    else:
        out.notes.append(f"“{where}”没有明确写出收取信息处理费的申请件数，件数未读入；请填写")
    return out


def _quote(sentence: str) -> str:
    """A long sentence by its end, where the figure usually is."""
    return sentence if len(sentence) <= 40 else "…" + sentence[-40:]


def _shown(value: int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
