"""The Word report: `xlreport render FILE -o OUT.docx [--pdf] [--template T.docx] [--force] [--ignore-errors]`.

A docxtpl (Jinja2) template is filled with a context built from the report data.
The default template is `templates/report.docx`, generated from the format
declarations by `tools/make_docx_template.py` (see `word_template.py`).

One template, both versions
    The template holds both versions: parts that differ (tables 二 and 三) sit
    in `{%p if fmt == "2019" %}` … `{%p elif fmt == "2021" %}` … `{%p endif %}`
    blocks, everything else is written once. A clerk who restyles the report
    (organisation header, signature block, fonts) does it once, and a report
    of either year comes out the same way. See word_template.py.

Where the generated data paragraph of 一 goes
    V2021 prints the five sub-headings （一）…（五） of 一、总体情况 always; the
    data paragraph (新收, 上年结转, 办结, 结转, outcomes) opens （二）依申请公开,
    followed by the clerk's `text.overview.on_request`. V2019 prints a
    sub-heading only when its text is filled in. If the clerk uses no
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

All numbers in the sentences come from `checks.evaluate(data, fmt).numbers`,
the same numbers the tables print, so the prose cannot contradict a table.

User text is data, never template code: the template is rendered in the
sandbox of sandbox.py (limits on sizes, range and time; no other files, no
unescaped output) with autoescape and StrictUndefined;
characters that XML cannot hold (control characters, lone surrogates) are
removed with a Chinese warning. Module-level imports are light: docxtpl,
python-docx and Jinja2 are imported inside the functions that need them.

Speed: compiling a template (docxtpl's XML patching + Jinja code generation)
costs ~0.15–0.4 s, several times the rendering itself (~35 ms for the demo);
the compiled template is kept in memory, so rendering many reports in one
process (the Excel button, batch use) pays for it once.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from xlreport.model.report import BLANK_CHARS, is_blank
from xlreport.checks.text import EMPTY_TEXT
from xlreport.checks.values import evaluate
from xlreport.io.jsonfile import tidy_line
from xlreport.errors import InputError, OutputError, XlreportError
from xlreport.io.files import check_target, warn, write_atomic
from xlreport.model.spec import Field, ReportFormat

__all__ = ["RenderResult", "build_context", "render_report", "lint_template", "render_file", "default_template"]

# XML 1.0 cannot hold C0 controls other than tab/newline/return, U+FFFE/U+FFFF or
# lone surrogates; C1 controls are legal but never belong in a report.
ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Word's manual line break (Shift+Enter) arrives as U+000B in text pasted from Word:
# it separates lines, so it becomes a new paragraph (XML cannot hold it as it is)
LINE_BREAK = "\x0b"
LINE_STRIP = BLANK_CHARS  # indentation typed by hand; the body style indents the first line
NOTHING = EMPTY_TEXT - {""}  # a 六 that only says "nothing"
INCOMPLETE = "（{table}数据不完整，未生成本段数字，请补全后重新生成）"


@dataclass
class RenderResult:
    """Where the report was written, and the warnings of the rendering (Chinese)."""

    path: Path
    warnings: list[str] = field(default_factory=list)

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)


class Text(str):
    """A narrative text for the template.

    Prints as the whole text; `.paragraphs` lists its non-empty lines (one Word
    paragraph each), `.heading` / `.show_heading` describe its heading, and
    sub-texts hang off it as attributes (`text.overview.proactive`).
    """

    def __new__(cls, value: str = "", heading: str = "", show_heading: bool = False):
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


# ---------------------------------------------------------------------------
# Printing values


def format_number(value: Any, type_: str = "int") -> str:
    """A number as printed: ints as ints, decimals as entered without float noise.

    Whole-valued floats print as integers whatever the field type (`type_` is
    accepted for callers that know it); other floats print with at most 15
    significant digits and never in exponent notation.
    """
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = format(Decimal(format(value, ".15g")), "f")  # 15 significant digits, no exponent
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


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


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
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
    return _build(data, fmt)[0]


def _build(data: dict[str, Any], fmt: ReportFormat) -> tuple[dict[str, Any], list[str]]:
    clean = _Cleaner()
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
        name = f.key.removeprefix("meta.")
        if is_blank(raw):
            meta[name] = ""
        elif f.choices:
            labels = dict(f.choices)
            meta[name] = labels[raw] if _hashable(raw) and raw in labels and type(raw) is type(f.choices[0][0]) \
                else clean(raw, f.where)
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            meta[name] = format_number(raw)
        else:
            text = clean(raw, f.where)
            meta[name] = tidy_line(text) if f.type == "text" else text  # one line, as the reader makes it

    text = _texts(data, fmt, clean)
    sentences = {
        "contact": contact_sentence(meta),
        "on_request": on_request_sentence(numbers, fmt),
        "review": review_sentence(numbers),
        "fee": fee_sentence(numbers, fmt, data),
    }
    if sentences["fee"]:  # 「无。」 after the fee sentence would read as a contradiction
        other = text["other"]
        kept = [p for p in other.paragraphs if p not in NOTHING]
        if kept != other.paragraphs:
            new = Text(str(other), other.heading, other.show_heading)
            new.paragraphs = kept
            text["other"] = new

    context = _nest(flat)
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
    sub_keys = [t.key for t in fmt.texts if t.key.startswith("text.overview.")]
    any_sub = any(split_paragraphs(raw[k]) for k in sub_keys)
    always = fmt.version != "2019"  # V2021 prints the five sub-headings always
    root_texts: dict[str, Text] = {}
    for t in fmt.texts:
        if t.key in sub_keys:
            continue
        root_texts[t.key.removeprefix("text.")] = Text(raw[t.key], labels[t.key], True)
    overview = root_texts.setdefault("overview", Text("", "", True))
    for key in sub_keys:
        filled = bool(split_paragraphs(raw[key]))
        # the data paragraph counts as content of （二）依申请公开 once sub-headings are used
        show = always or filled or (key == "text.overview.on_request" and any_sub)
        setattr(overview, key.rsplit(".", 1)[1], Text(raw[key], labels[key], show))
    return root_texts


# ---------------------------------------------------------------------------
# Generated sentences


# Words that make an office name complete on its own (市人民政府办公室, 某某局办公室, 政务公开办).
PLACE_WORDS = ("省", "市", "县", "区", "州", "盟", "旗", "镇", "乡", "街道", "政府", "局", "委", "厅", "部", "署", "院", "中心")


def _generic_office(office: str) -> bool:
    """办公室, 综合科 … need the agency's name in front; 淮安市人民政府办公室 does not."""
    return not any(word in office for word in PLACE_WORDS)


def contact_sentence(meta: dict[str, str]) -> str:
    details = [(label, meta.get(name, "")) for name, label in
               (("address", "地址"), ("postcode", "邮编"), ("phone", "电话"), ("email", "电子邮箱"))]
    details = [f"{label}：{value}" for label, value in details if value.strip()]
    office = meta.get("office", "").strip()
    agency = meta.get("agency", "").strip()
    if not office and not details:
        return ""
    # 办公室 needs the agency in front, unless the agency's name already ends with it
    # (测试局办公室 + 办公室 must not read 测试局办公室办公室)
    if office and agency.endswith(office):
        who = agency
    else:
        who = office if agency in office or not _generic_office(office) else f"{agency}{office}"
    sentence = f"如对本报告有疑问，请与{who}联系"
    if details:
        sentence += "（" + "，".join(details) + "）"
    return sentence + "。"


def _n(value: Any) -> str:
    return format_number(value)


def t3_outcomes(numbers: dict[str, Any], fmt: ReportFormat) -> dict[str, Any] | None:
    """The 总计-column figures of table 三 that the prose quotes; None if any is blank."""
    rows = [f.key[len("t3."):-len(".total")] for f in fmt.fields
            if f.table == "t3" and f.key.endswith(".total")]

    def total(row: str):
        return numbers.get(f"t3.{row}.total")

    def group(name: str):
        values = [total(r) for r in rows if r == name or r.startswith(name + ".")]
        return None if not values or any(v is None for v in values) else sum(values)

    out = {
        "new": total("new"), "carried_over": total("carried_over"), "total": total("total"),
        "carried_forward": total("carried_forward"), "granted": group("granted"),
        "partly_granted": group("partly_granted"), "denied": group("denied"), "unable": group("unable"),
        "not_processed": group("not_processed"), "other_handling": group("other_handling"),
    }
    return None if any(v is None for v in out.values()) else out


OUTCOMES = (("granted", "予以公开"), ("partly_granted", "部分公开"), ("denied", "不予公开"), ("unable", "无法提供"),
            ("not_processed", "不予处理"), ("other_handling", "作其他处理"))


def _listing(items: list[tuple[str, Any]]) -> str:
    """「予以公开2件，无法提供1件」 — only the items that occurred."""
    return "，".join(f"{label}{_n(value)}件" for label, value in items if value)


def on_request_sentence(numbers: dict[str, Any], fmt: ReportFormat) -> str:
    """一（二）的数据段落, in the words of a report: only what happened is said."""
    o = t3_outcomes(numbers, fmt)
    if o is None:
        return INCOMPLETE.format(table="表三")
    new, carried, done, forward = o["new"], o["carried_over"], o["total"], o["carried_forward"]
    if not (new or carried or done or forward):
        return "本年度未收到政府信息公开申请，也没有上年结转的政府信息公开申请。"
    if new:
        text = f"本年度新收政府信息公开申请{_n(new)}件"
        if carried:
            text += f"，上年结转{_n(carried)}件"
    else:
        text = f"本年度未新收政府信息公开申请，上年结转{_n(carried)}件"
    if done and not forward and done == new + carried:
        text += "，均已办结"
    elif done:
        text += f"，办结{_n(done)}件"
    if forward:
        text += f"{'，' if done else '，均在办理中，'}结转下年度继续办理{_n(forward)}件"
    text += "。"
    outcomes = [(label, o[key]) for key, label in OUTCOMES]
    shown = [(label, value) for label, value in outcomes if value]
    if len(shown) == 1 and shown[0][1] == done:
        text += f"办结的申请均{shown[0][0]}。"
    elif shown:
        text += f"办结的申请中，{_listing(outcomes)}。"
    return text


T4_PARTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"))


ALL_SAME = {"结果维持": "结果均为维持", "结果纠正": "结果均为纠正", "其他结果": "均为其他结果", "尚未审结": "均尚未审结"}


def review_sentence(numbers: dict[str, Any]) -> str:
    """四's data paragraph: the 复议 and 诉讼 counts and their results, as table 四 has them."""
    keys = [f"t4.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")]
    if any(numbers.get(k) is None for k in keys):
        return INCOMPLETE.format(table="表四")
    n = numbers

    def any_case(*groups: str) -> bool:
        return any(n[f"t4.{g}.{c}"] for g in groups for c in ("upheld", "corrected", "other", "pending", "total"))

    def results(total: Any, parts: list[tuple[str, Any]]) -> str:
        shown = [(label, value) for label, value in parts if value]
        if len(shown) == 1 and shown[0][1] == total:
            return f"，{ALL_SAME[shown[0][0]] if total > 1 else shown[0][0]}"
        return f"，其中{_listing(parts)}" if shown else ""

    if not any_case("review", "suit_direct", "suit_after_review"):  # every cell, not only the totals
        return "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    review = n["t4.review.total"]
    if any_case("review"):
        first = f"本年度因政府信息公开工作被申请行政复议{_n(review)}件" + results(
            review, [(label, n[f"t4.review.{c}"]) for c, label in T4_PARTS])
    else:
        first = "本年度未发生因政府信息公开工作被申请行政复议的情况"
    direct, after = n["t4.suit_direct.total"], n["t4.suit_after_review.total"]
    suits = direct + after
    if any_case("suit_direct", "suit_after_review"):
        how = "、".join(part for part, value in (("未经复议直接起诉", direct), ("复议后起诉", after)) if value)
        split = (f"（未经复议直接起诉{_n(direct)}件，复议后起诉{_n(after)}件）" if direct and after
                 else f"（均为{how}）" if how else "")
        second = f"被提起行政诉讼{_n(suits)}件{split}" + results(
            suits, [(label, n[f"t4.suit_direct.{c}"] + n[f"t4.suit_after_review.{c}"]) for c, label in T4_PARTS])
    else:
        second = "未发生因政府信息公开工作被提起行政诉讼的情况"
    return f"{first}；{second}。"


def fee_sentence(numbers: dict[str, Any], fmt: ReportFormat, data: dict[str, Any]) -> str:
    """V2021 六: the 信息处理费 sentence from fee.count / fee.amount_yuan ("" in V2019).

    Only what the clerk entered is stated: with a figure blank there is no
    sentence (the checks warn: text-missing or fee-consistency), and the
    clerk's own words in 六 stand alone.
    """
    if not fmt.has("fee.count"):
        return ""
    count, amount = numbers.get("fee.count"), numbers.get("fee.amount_yuan")
    if count is None or amount is None:
        return ""
    if not count and not amount:
        return "本年度未收取信息处理费。"
    if count:
        return f"本年度共对{_n(count)}件政府信息公开申请收取信息处理费，合计{format_number(amount, 'decimal')}元。"
    return f"本年度收取信息处理费合计{format_number(amount, 'decimal')}元。"


# ---------------------------------------------------------------------------
# Templates


def default_template() -> Path:
    """templates/report.docx, shipped as xlreport.templates (repo path while not installed)."""
    try:
        from importlib.resources import files

        candidate = files("xlreport.templates") / "report.docx"
        if candidate.is_file():
            return Path(str(candidate))
    except (ImportError, ModuleNotFoundError, TypeError, FileNotFoundError, NotADirectoryError):
        pass
    return Path(__file__).resolve().parents[2] / "templates" / "report.docx"


def _environment():
    """The sandboxed Jinja environment (one per process; it holds no per-report state)."""
    global _ENV
    if _ENV is None:
        from jinja2 import StrictUndefined

        from xlreport.report.sandbox import TemplateEnvironment

        class _Env(TemplateEnvironment):
            def from_string(self, source, globals=None, template_class=None):
                # Compiling the ~120 KB document XML costs most of a render: reuse it.
                if globals or template_class:
                    return super().from_string(source, globals, template_class)
                compiled = _COMPILED.get(source)
                if compiled is None:
                    compiled = self.template_class.from_code(self, self.compile(source),
                                                             self.make_globals(None), None)
                    _remember(_COMPILED, source, compiled)
                return compiled

        _ENV = _Env(autoescape=True, undefined=StrictUndefined)
    return _ENV


_ENV = None
_COMPILED: dict[str, Any] = {}
_PATCHED: dict[str, str] = {}
CACHE_SIZE = 32


def _remember(cache: dict, key: str, value: Any) -> None:
    if len(cache) >= CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _patched_xml(tpl_cls_patch, src_xml: str) -> str:
    """docxtpl's patch_xml, memoised for the process."""
    patched = _PATCHED.get(src_xml)
    if patched is None:
        patched = tpl_cls_patch(src_xml)
        _remember(_PATCHED, src_xml, patched)
    return patched


def _template_class():
    """DocxTemplate that keeps user text verbatim.

    docxtpl turns `{_{` `}_}` `{_%` `%_}` into `{{` `}}` `{%` `%}` in the
    *rendered* XML, which would alter a user's text containing them. Here the
    template's own escapes are resolved in the template source instead, so
    rendered values are never rewritten.
    """
    from docxtpl import DocxTemplate

    class _Template(DocxTemplate):
        def patch_xml(self, src_xml):
            return _patched_xml(super().patch_xml, src_xml)

        def render_xml_part(self, src_xml, part, context, jinja_env=None):
            src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            for escape, literal in (("{_{", "{"), ("}_}", "}"), ("{_%", "{"), ("%_}", "%")):
                src_xml = src_xml.replace(escape, "{{ '" + literal + "' }}" + escape[2])
            self.current_rendering_part = part
            try:
                dst_xml = jinja_env.from_string(src_xml).render(context)
            except Exception as exc:
                exc.xlreport_source = src_xml  # one line per paragraph: the message quotes the line of the error
                raise
            dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
            return self.resolve_listing(dst_xml)

    return _Template


def _open_template(path: Path):
    if not path.exists():
        raise InputError(f"找不到模板“{path}”，请检查路径")
    if path.is_dir():
        raise InputError(f"模板“{path}”是一个文件夹，请给出 Word 模板文件（.docx）")
    cls = _template_class()
    tpl = cls(str(path))
    try:
        tpl.init_docx()
    except Exception:  # zip, package or XML errors: not a Word document
        raise InputError(f"模板“{path.name}”不是有效的 Word 文档（.docx），请在 Word 或 WPS 中另存为 .docx 后再用") from None
    if tpl.docx is None or not hasattr(tpl.docx, "element"):
        raise InputError(f"模板“{path.name}”不是有效的 Word 文档（.docx）")
    return tpl


FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _template_source(tpl) -> str:
    """Every part docxtpl renders as XML: the body, headers, footers and footnotes."""
    from docx.oxml import parse_xml

    xml = tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, rel in tpl.docx.part.rels.items():
            if rel.reltype == uri and rel.target_part.blob:
                xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    for part in tpl.docx.part.package.parts:
        if part.content_type == FOOTNOTES and part.blob:
            blob = part.blob
            xml += tpl.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob)
    # one line per paragraph, so that an error's line number points at its paragraph
    return xml.replace("</w:p>", "</w:p>\n")


JINJA_ERRORS = (  # Jinja's English messages, said in Chinese
    (r"Unexpected end of template.*?expected '(\w+)'", "缺少结束标记 {{% {0} %}}"),
    (r"[Uu]nexpected end of template.*", "模板结尾缺少结束标记（如 {{% endif %}}、{{% endfor %}}）"),
    (r"Encountered unknown tag '(\w+)'.*", "不认识的标记“{0}”（可能缺少与之配对的开始标记，或拼错了）"),
    (r"expected token '([^']+)', got '([^']+)'", "标记中出现了多余的“{1}”"),
    (r"unexpected '([^']+)'", "标记中出现了多余的“{0}”"),
    (r"expected name or number", "“.”后面缺少变量名"),
    (r"No filter named '(\w+)'", "不认识的过滤器“|{0}”"),
    (r"No test named '(\w+)'", "不认识的判断“is {0}”"),
)


def _chinese_detail(detail: str) -> str:
    for pattern, chinese in JINJA_ERRORS:
        m = re.match(pattern, detail, re.S)
        if m:
            return chinese.format(*m.groups())
    return "标记不完整或拼写有误"


def _near(source: str | None, lineno: int | None) -> str:
    """「，出错位置附近的文字：“…”」: the text of the paragraph on line `lineno` of `source`."""
    import html

    if not source or not lineno:
        return ""
    lines = source.splitlines()
    for i in (lineno - 1, lineno - 2, lineno):  # the paragraph of the error, else its neighbours
        if 0 <= i < len(lines):
            text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", lines[i]))).strip()
            if text:
                return f"，出错位置附近的文字：“{text[:60]}”"
    return ""


def _syntax_message(exc, name: str, source: str | None = None) -> str:
    detail = _chinese_detail(getattr(exc, "message", None) or str(exc))
    near = _near(source or getattr(exc, "xlreport_source", None), getattr(exc, "lineno", None))
    return f"模板“{name}”中的模板标记有语法错误（{detail}{near}），请检查 {{{{ }}}} 和 {{% %}} 是否成对、完整"


def _forbidden(ast, name: str, source: str) -> None:
    """Refuse what a Word template must not do: other files, unescaped output (see sandbox.py)."""
    from jinja2 import nodes

    from xlreport.report.sandbox import FORBIDDEN_FILTERS

    found: list[tuple[int, str]] = []
    tags = ((nodes.Include, "{% include %}"), (nodes.Import, "{% import %}"),
            (nodes.FromImport, "{% from … import %}"), (nodes.Extends, "{% extends %}"))
    for node_type, tag in tags:
        found += [(n.lineno, f"的“{tag}”不能使用：模板不能引用其他文件，请把需要的内容直接写在模板中")
                  for n in ast.find_all(node_type)]
    found += [(n.lineno, f"的{FORBIDDEN_FILTERS[n.name]}，不能使用") for n in ast.find_all(nodes.Filter)
              if n.name in FORBIDDEN_FILTERS]
    found += [(n.lineno, "的“{% autoescape %}”不能使用：关闭转义后，文字中的 < 和 & 会损坏文档")
              for n in ast.find_all(nodes.EvalContextModifier) if any(o.key == "autoescape" for o in n.options)]
    if found:
        lineno, reason = min(found)
        raise InputError(f"模板“{name}”中{reason}{_where(source, lineno)}，未生成报告")


def _where(source: str | None, lineno: int | None) -> str:
    """「（出错位置附近的文字：“…”）」, or "" when the paragraph is not known."""
    near = _near(source, lineno)
    return f"（{near.removeprefix('，')}）" if near else ""


@lru_cache(maxsize=None)
def _sample_contexts() -> tuple[dict[str, Any], ...]:
    from xlreport.model.formats import FORMATS

    return tuple(build_context({}, fmt) for fmt in FORMATS.values())


_MISSING = object()


def _lookup(obj: Any, name: str) -> Any:
    """Jinja's attribute lookup: attribute first, then item."""
    if not name.startswith("_"):
        try:
            return getattr(obj, name)
        except AttributeError:
            pass
    try:
        return obj[name]
    except (KeyError, TypeError, IndexError):
        return _MISSING


def _unknown_variables(ast) -> list[tuple[str, list[str]]]:
    """(unknown dotted name, suggestions) for every variable no version's context has."""
    import difflib

    from jinja2 import meta, nodes

    contexts = _sample_contexts()
    top = meta.find_undeclared_variables(ast)
    unknown: dict[str, list[str]] = {}
    for name in sorted(top):
        if not any(name in c for c in contexts):
            keys = sorted({k for c in contexts for k in c})
            unknown[name] = difflib.get_close_matches(name, keys, n=1)
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    outer: list[list[str]] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        chain: list[str] = []
        current = node
        dynamic = False
        while isinstance(current, (nodes.Getattr, nodes.Getitem)):
            if isinstance(current, nodes.Getattr):
                chain.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                chain.append(current.arg.value)
            else:
                dynamic = True
                break
            current = current.node
        if dynamic or not isinstance(current, nodes.Name):
            continue
        if current.name not in top or current.name in assigned or current.name in unknown:
            continue
        outer.append([current.name, *reversed(chain)])
    for path in outer:
        for depth in range(2, len(path) + 1):
            prefix = path[:depth]
            resolved = False
            options: set[str] = set()
            for c in contexts:
                obj: Any = c
                for part in prefix[:-1]:
                    obj = _lookup(obj, part)
                    if obj is _MISSING:
                        break
                if obj is _MISSING:
                    continue
                if _lookup(obj, prefix[-1]) is not _MISSING:
                    resolved = True
                    break
                if isinstance(obj, dict):
                    options.update(obj)
                elif hasattr(obj, "__dict__"):
                    options.update(k for k in vars(obj) if not k.startswith("_"))
            if not resolved:
                dotted = ".".join(prefix)
                if dotted not in unknown:
                    close = difflib.get_close_matches(prefix[-1], sorted(options), n=1)
                    unknown[dotted] = [".".join([*prefix[:-1], match]) for match in close]
                break
    return sorted(unknown.items())


def _lint(tpl, name: str) -> list[tuple[str, list[str]]]:
    from jinja2 import TemplateSyntaxError

    env = _environment()
    source = _template_source(tpl)
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        raise InputError(_syntax_message(exc, name, source)) from None
    _forbidden(ast, name, source)
    return _unknown_variables(ast)


def lint_template(path: str | os.PathLike) -> list[str]:
    """Chinese messages for a custom template: one per unknown variable ([] = usable).

    Raises InputError if the file is not a Word document, its template markup
    has a syntax error, or it uses what a Word template may not (other files,
    unescaped output: see sandbox.py).
    """
    p = Path(path)
    tpl = _open_template(p)
    messages = []
    for dotted, close in _lint(tpl, p.name):
        hint = f"，是否应为“{{{{ {close[0]} }}}}”？" if close else "，请核对拼写"
        messages.append(f"模板“{p.name}”中的变量“{{{{ {dotted} }}}}”不存在{hint}（可用的变量见 xlreport README 的“Template variables”一节）")
    return messages


# ---------------------------------------------------------------------------
# Rendering


def render_report(data: dict[str, Any], fmt: ReportFormat, output: str | os.PathLike,
                  template: str | os.PathLike | None = None, force: bool = False) -> RenderResult:
    """Render the Word report of `data` to `output` (atomically; no overwrite without force).

    A custom `template` is linted first: unknown variables or template syntax
    errors raise InputError with a Chinese one-liner. Returns the path and the
    warnings (e.g. control characters that were removed).
    """
    target = Path(output)
    if target.suffix.lower() != ".docx":
        raise OutputError(f"输出文件“{target.name}”应以 .docx（Word 文档）或 .html（网页）结尾")
    check_target(target, force)
    custom = template is not None
    template_path = Path(template) if custom else default_template()
    if not custom and not template_path.exists():
        raise XlreportError(f"找不到内置的 Word 模板“{template_path}”，请重新安装 xlreport")
    tpl = _open_template(template_path)
    if custom:
        unknown = _lint(tpl, template_path.name)
        if unknown:
            names = "、".join(f"{{{{ {d} }}}}" for d, _ in unknown)
            raise InputError(f"模板“{template_path.name}”中有不存在的变量：{names}，未生成报告"
                             f"（请核对拼写，可用的变量见 xlreport README 的“Template variables”一节；xlreport 只检查不改动模板）")
    context, warnings = _build(data, fmt)
    _render(tpl, context, template_path.name, fmt.version, custom)
    _properties(tpl.docx, context)
    path = write_atomic(target, tpl.save, force, notify=warn)
    return RenderResult(path, warnings)


# What a template's own code can raise while it runs, said in Chinese (the first match counts).
RUNTIME_ERRORS = (
    (ZeroDivisionError, "除数为 0"),
    (RecursionError, "宏调用自身，无限嵌套"),
    (MemoryError, "内存不足"),
    (OverflowError, "数值过大"),
    (TypeError, "数据类型不匹配（例如文字与数字相加，或对文字做算术）"),
    (ValueError, "数值无效"),
    (ArithmeticError, "计算出错"),
)


def _template_line(exc: BaseException) -> int | None:
    """The line of the template's own code where `exc` arose (None: not in template code)."""
    from xlreport.report.sandbox import TEMPLATE_FILE

    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_FILE:
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _render(tpl, context: dict[str, Any], name: str, version: str, custom: bool = True) -> None:
    """Render `tpl` (in place); every problem of the template becomes an InputError in Chinese.

    A custom template's rendering is limited in time (sandbox.TIME_LIMIT); sizes are
    limited for every template (sandbox.py)."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from xlreport.report import sandbox

    try:
        with sandbox.time_limit(sandbox.TIME_LIMIT if custom else None):
            tpl.render(context, _environment(), autoescape=True)
    except TemplateSyntaxError as exc:
        raise InputError(_syntax_message(exc, name)) from None
    except Exception as exc:
        where = _where(getattr(exc, "xlreport_source", None), getattr(exc, "lineno", None) or _template_line(exc))
        if isinstance(exc, UndefinedError):
            raise InputError(f"模板“{name}”用到了 {version} 版格式没有的内容（{exc.message}）{where}，未生成报告；"
                             f"只属于某一版格式的部分请用 {{% if fmt == \"2021\" %}} … {{% endif %}} 括起来") from None
        if isinstance(exc, sandbox.Refused):
            raise InputError(f"模板“{name}”无法生成报告：{exc.reason}{where}，未生成报告") from None
        if isinstance(exc, SecurityError):
            raise InputError(f"模板“{name}”中有不允许的表达式（{exc}）{where}，未生成报告") from None
        if isinstance(exc, TemplateError):
            raise InputError(f"模板“{name}”无法生成报告（{exc}）{where}") from None
        if _template_line(exc) is None:
            raise  # not the template's doing: a bug, reported as such by the CLI
        what = next((text for kind, text in RUNTIME_ERRORS if isinstance(exc, kind)), type(exc).__name__)
        raise InputError(f"模板“{name}”中的模板标记运行出错：{what}{where}，未生成报告；"
                         f"请检查该处 {{{{ }}}} 和 {{% %}} 中的计算") from None


def _properties(doc, context: dict[str, Any]) -> None:
    """The finished report's document properties (docProps/core.xml; LibreOffice
    carries title and author into the PDF): its title, the agency as author, the
    time of rendering — nothing left of the template's description or date."""
    import datetime as dt

    props = doc.core_properties
    agency = context["meta"]["agency"]
    props.title = context["title"]
    props.author = props.last_modified_by = agency
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.comments = props.keywords = props.subject = props.category = ""
    props.revision = 1


def render_file(path: str | os.PathLike, output: str | os.PathLike, pdf: bool = False,
                template: str | os.PathLike | None = None, force: bool = False,
                previous: str | os.PathLike | None = None, ignore_errors: bool = False,
                fragment: bool = False) -> int:
    """`xlreport render`: check, then render the Word report (and a PDF), or the web page
    (OUT.html, webpage.py; `fragment`: only the article body). Returns the exit code.

    0 written; 1 the data has errors: nothing written, or, with ignore_errors,
    written with the figures as entered. `force` only allows overwriting.
    Raises XlreportError (exit 2) when a file cannot be read or written or
    LibreOffice is missing.
    """
    from xlreport.checks import check
    from xlreport.model.report import has_errors
    from xlreport.cli.console import print_problems
    from xlreport.io.previous import attach_previous
    from xlreport.io.readers import load_report

    report = load_report(path)
    if previous is not None:
        for warning in attach_previous(report, load_report(previous)):  # another agency's, or blank
            print(f"注意：{warning}")
    problems = report.problems + check(report.data, report.fmt, report.cells)
    name = str(path)
    if problems:
        print_problems(name, problems)
    errors = has_errors(problems)
    if errors and not ignore_errors:
        print(f"{name}：数据有错误，未生成报告。请改正后重新生成，"
              f"或加 --ignore-errors 照原样生成（报告中将照原样印出这些数字）")
        return 1
    target = Path(output)
    if target.suffix.lower() in (".html", ".htm") or fragment:  # the output kind follows the extension
        from xlreport.report.webpage import render_file_html

        code = render_file_html(report, target, pdf=pdf, template=template, force=force, fragment=fragment)
        if code == 0 and errors:
            print(f"{name}：数据有错误（--ignore-errors），网页中照原样印出了这些数字，请改正后重新生成")
            return 1
        return code
    pdf_target = target.with_suffix(".pdf")
    if pdf:
        from xlreport.io.office import find_soffice

        check_target(pdf_target, force)
        if find_soffice() is None:  # fail before writing anything
            raise XlreportError("未找到 LibreOffice（soffice），无法转换为 PDF；请安装 LibreOffice，"
                                "或去掉 --pdf 只生成 Word 文件")
    result = render_report(report.data, report.fmt, target, template=template, force=force)
    for warning in result.warnings:
        print(f"警告：{warning}")
    print(f"已生成 Word 报告：{Path(result.path).resolve()}")
    if pdf:
        pdf_result = convert_pdf(result.path, pdf_target, force)
        for warning in pdf_result.warnings:
            print(f"提示：{warning}")
        print(f"已生成 PDF：{Path(pdf_result.path).resolve()}")
    if errors:
        print(f"{name}：数据有错误（--ignore-errors），报告中照原样印出了这些数字，请改正后重新生成")
        return 1
    return 0


def convert_pdf(docx: str | os.PathLike, target: str | os.PathLike, force: bool = False) -> RenderResult:
    """Convert with LibreOffice into a private temporary folder, then move the PDF into place atomically.

    The warnings name the 公文 fonts that were substituted (one line, Chinese).
    """
    from xlreport.io.office import convert

    target = check_target(target, force)
    with tempfile.TemporaryDirectory(prefix="xlreport-pdf-") as tmp:
        converted = convert(docx, "pdf", tmp)
        path = write_atomic(target, lambda tmp: shutil.copyfile(converted, tmp), force, notify=warn)
    line = font_substitutions(docx)
    return RenderResult(path, [line] if line else [])


def document_fonts(docx: str | os.PathLike) -> list[str]:
    """The east-Asian fonts a .docx asks for (styles and direct formatting), in order of first use."""
    import zipfile

    names: list[str] = []
    with zipfile.ZipFile(docx) as zf:
        for part in ("word/styles.xml", "word/document.xml"):
            if part in zf.namelist():
                for name in re.findall(r'<w:rFonts\b[^>]*\bw:eastAsia="([^"]+)"', zf.read(part).decode("utf-8")):
                    if name not in names:
                        names.append(name)
    return names


def font_substitutions(docx: str | os.PathLike) -> str:
    """One Chinese line naming which font stood in for which 公文 font in the PDF ("" if none)."""
    from xlreport.io.office import font_stand_ins

    stand_ins = font_stand_ins(document_fonts(docx))
    if not stand_ins:
        return ""
    pairs = "，".join(f"{name}→{used}" for name, used in stand_ins.items())
    return (f"本机没有报告所用的字体，PDF 中以其他字体代替（{pairs}），字形与正式公文不同，仅供预览；"
            "正式 PDF 请在装有这些字体的 Word 或 WPS 中另存为 PDF")
