"""JSON data files (data-model.md §3): read strictly, written in the order of the format.

Reading never drops a value silently: an unknown key, or a key of the other format
version, is an `unknown-key` problem; what cannot be a report (invalid JSON, not UTF-8,
a list where a number belongs, a broken character) is an InputError with a Chinese line.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from xlreport.model.numbers import evaluate
from xlreport.errors import BadJson, TooLarge, Unreadable, reason
from xlreport.io.files import write_bytes_atomic
from xlreport.model.formats import FORMATS, format_for_year
from xlreport.model.report import Problem, Report, problem
from xlreport.model.spec import ReportFormat, key_table, split_key

_SURROGATE = re.compile("[\ud800-\udfff]")
SECTIONS = ("format", "meta", "values", "text", "previous", "source")
MAX_JSON_BYTES = 20 * 1024 * 1024  # a real data file is ~10 KB


def read_json(path: Path) -> Report:
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise TooLarge(f"“{path.name}”有 {size // 1024 // 1024} MB，不像年度报告数据文件（通常只有几十 KB）")
        raw = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"无法读取“{path}”（{reason(exc, '读取')}），请检查文件的权限") from None
    if not raw.strip():
        raise BadJson(f"“{path.name}”是空文件，不是年度报告数据文件")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadJson(f"“{path.name}”不是 UTF-8 编码，请用 UTF-8 编码保存 JSON 数据文件") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise BadJson(f"“{path.name}”不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有错误，"
                         f"请检查引号、逗号和括号是否成对") from None
    except DuplicateKey as exc:
        raise BadJson(f"“{path.name}”中“{exc.key}”出现了不止一次（{exc.values}），无法确定用哪一个；请只保留一个") from None
    except RecursionError:
        raise BadJson(f"“{path.name}”嵌套层数过多，不是年度报告数据文件") from None
    except ValueError:  # e.g. an integer of thousands of digits
        raise BadJson(f"“{path.name}”中有位数过多的数字，不是年度报告数据文件") from None
    where = _broken_character(doc)
    if where is not None:
        raise BadJson(f"“{path.name}”中{where}有不完整的字符（半个表情符号等，常见于被截断的文字），"
                         f"无法写入工作簿或报告；请在该处删除乱码或重新输入后保存") from None
    fmt, data, problems = parse_document(doc, path.name)
    cells, carried = read_source(doc.get("source"), path.name, data)
    report = Report(str(path), fmt, data, cells, problems + carried)
    if isinstance(doc.get("source"), dict):
        report.source = str(doc["source"].get("file") or "")
    return report


def read_source(source: Any, name: str, data: dict[str, Any] | None = None) -> tuple[dict[str, str], list[Problem]]:
    """The optional "source" section that `import` writes for a published report: where each value
    was printed (`cells`) and what the reading found (`problems`: format-version, table-incomplete),
    so that `check` of the data file gives the same problems, at the same places, as `check` of the
    published file. A problem whose cells the user has since changed in the data file (`as_read`:
    their values as written; a total not printed, now filled in) is about the published report, not
    about this data any more: it is left out."""
    from xlreport.model.report import jsonable
    from xlreport.model.rules import RULE_BY_ID

    if source is None:
        return {}, []
    bad = BadJson(f"“{name}”中的“source”部分（已发布报告的读入记录）格式不对；请重新用 xlreport import 导入，"
                  f"或删除该部分")
    if not isinstance(source, dict):
        raise bad
    cells = source.get("cells") or {}
    problems = source.get("problems") or []
    if not isinstance(cells, dict) or not isinstance(problems, list) or \
            not all(isinstance(k, str) and isinstance(v, str) for k, v in cells.items()):
        raise bad
    carried = []
    for p in problems:
        if not isinstance(p, dict) or p.get("rule") not in RULE_BY_ID or not isinstance(p.get("message"), str) \
                or not all(isinstance(x, str) for x in (*p.get("keys", ()), *p.get("cells", ()))):
            raise bad
        as_read = p.get("as_read")
        if isinstance(as_read, dict) and data is not None and \
                any(jsonable(data.get(k)) != v for k, v in as_read.items() if isinstance(k, str)):
            continue  # edited since it was read
        carried.append(Problem(p["rule"], RULE_BY_ID[p["rule"]].severity, tuple(p.get("keys", ())), p["message"],
                               tuple(p.get("cells", ())), p.get("expected"), p.get("actual")))
    return dict(cells), carried


def source_of(report: Report) -> dict[str, Any] | None:
    """The "source" section for a report read from a published file (or a data file that has one):
    the file's name, where each value was printed, and the problems found while reading it."""
    from xlreport.io.files import PUBLISHED

    if Path(report.path).suffix.lower() not in PUBLISHED and not report.source:
        return None
    kept = [p.to_dict() for p in report.problems if p.rule != "unknown-key"]
    return {"file": report.source or Path(report.path).name, "cells": dict(report.cells), "problems": kept}


def _broken_character(doc: Any, where: str = "") -> str | None:
    """Where the document holds a lone surrogate (JSON's "\\ud83d" without its pair, what
    JavaScript writes when it cuts an emoji in half): no file format can store one."""
    if isinstance(doc, str):
        return f"“{_visible(where)}”的值" if _SURROGATE.search(doc) else None
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in items:
        if isinstance(key, str) and _SURROGATE.search(key):
            return f"项目名“{_visible(key)}”"
        found = _broken_character(value, key if isinstance(key, str) else where)
        if found:
            return found
    return None


def _visible(text: str) -> str:
    """`text` for a one-line message: broken characters and control characters (a line
    break in a key name) shown as escapes."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


class DuplicateKey(ValueError):
    def __init__(self, key: str, values: str):
        super().__init__(key)
        self.key, self.values = key, values


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects whose keys repeat are refused: the contract never drops a value silently."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key, f"{_short(out[key])} 和 {_short(value)}")
        out[key] = value
    return out


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 20 else text[:20] + "…"


def parse_document(doc: Any, name: str) -> tuple[ReportFormat, dict[str, Any], list[Problem]]:
    """Strictly read a data-file document into (format, flat dict, unknown-key problems)."""
    if not isinstance(doc, dict):
        raise BadJson(f"“{name}”的内容应是一个 JSON 对象（{{\"meta\": …, \"values\": …}}），而不是{_kind(doc)}")
    problems: list[Problem] = []
    sections = {}
    for key, value in doc.items():
        if key not in SECTIONS:
            problems.append(problem("unknown-key", [key], f"数据文件中的“{key}”不是约定的内容，"
                                    f"顶层只能有 {', '.join(SECTIONS)}"))
            continue
        if key != "format" and value is not None and not isinstance(value, dict):
            raise BadJson(f"“{name}”中的“{key}”应是一个 JSON 对象，而不是{_kind(value)}")
        sections[key] = value if value is not None else ({} if key != "format" else None)

    meta = {}
    for key, value in (sections.get("meta") or {}).items():
        full = key if key_table(key) == "meta" else f"meta.{key}"
        if full in meta:
            short = ".".join(split_key(full)[1:])
            raise BadJson(f"“{name}”的 meta 中“{short}”写了两次（{key} 和 {full}），请只保留一个")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and full not in ("meta.year",):
            value = _number_as_text(value)  # a phone or post code written as a number
        meta[full] = value
    fmt = _choose_format(sections.get("format"), meta.get("meta.year"), sections.get("values") or {}, name)

    data: dict[str, Any] = {}
    for full, value in meta.items():
        if fmt.has(full):
            data[full] = tidy_line(value) if fmt.field(full).type == "text" else value
        else:
            problems.append(problem("unknown-key", [full], f"封面数据中的“{full}”不是约定的项目"))
    text_keys = {t.key for t in fmt.texts}
    for key, value in (sections.get("text") or {}).items():
        if key not in text_keys:
            problems.append(problem("unknown-key", [key], f"文字部分中的“{key}”不是约定的项目（可用：{'、'.join(sorted(text_keys))}）"))
        elif value is None or isinstance(value, str):
            data[key] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            data[key] = str(value)
        else:
            raise BadJson(f"“{name}”中文字项“{key}”应是字符串，而不是{_kind(value)}")
    for section, tables_ok in (("values", lambda t: t not in ("meta", "previous", "text")),
                               ("previous", lambda t: t == "previous")):
        for key, value in (sections.get(section) or {}).items():
            if not (tables_ok(key_table(key)) and fmt.has(key)):
                problems.append(problem("unknown-key", [key], _unknown_value_message(key, section, fmt)))
                continue
            if isinstance(value, (dict, list)):
                raise BadJson(f"“{name}”中“{key}”的值应是数字，而不是{_kind(value)}")
            data[key] = value
    return fmt, data, problems


def tidy_line(value: Any) -> Any:
    """A cover entry as one line: white space trimmed, line breaks and runs of spaces
    (an Alt+Enter in the 机关全称 cell) dropped between Chinese characters and made one
    space elsewhere. Other values are returned as they are."""
    if not isinstance(value, str):
        return value
    words = value.split()  # every kind of white space, U+3000 and U+000B included
    out = words[0] if words else ""
    for word in words[1:]:
        out += ("" if _wide(out[-1]) or _wide(word[0]) else " ") + word
    return out


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80  # CJK characters and full-width punctuation


def _number_as_text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unknown_value_message(key: str, section: str, fmt: ReportFormat) -> str:
    table = key_table(key)
    if fmt.has(key) or table in ("meta", "text"):  # a real key in the wrong section
        right = table if table in ("meta", "text", "previous") else "values"
        return f"“{key}”应放在数据文件的“{right}”部分，而不是“{section}”部分"
    for other in FORMATS.values():
        if other is not fmt and other.has(key):
            return f"“{key}”属于 {other.version} 版格式，不是 {fmt.version} 版格式的项目，请核对报告年度和格式"
    return f"“{section}”中的“{key}”不是约定的项目，请核对拼写（见 data-model.md）"


def _choose_format(declared: Any, year: Any, values: dict, name: str) -> ReportFormat:
    if declared is not None:
        if str(declared) not in FORMATS:
            allowed = " 或 ".join(f'"{v}"' for v in FORMATS)
            raise BadJson(f"“{name}”中的 format 为“{declared}”，只能是 {allowed}")
        return FORMATS[str(declared)]
    if isinstance(year, int) and not isinstance(year, bool):
        return format_for_year(year)
    # No usable year: recognise the layout by keys only one version has.
    for fmt in FORMATS.values():
        others = [o for o in FORMATS.values() if o is not fmt]
        if any(fmt.has(k) and not any(o.has(k) for o in others) for k in values):
            return fmt
    raise BadJson(f"“{name}”没有 format，也没有有效的 meta.year，无法确定格式版本；请填写报告年度")


def _kind(value: Any) -> str:
    return {list: "数组", dict: "对象", str: "字符串", bool: "布尔值", type(None): "空值"}.get(type(value), "数字")


def document(data: dict[str, Any], fmt: ReportFormat, with_derived: bool = True) -> dict[str, Any]:
    """The data-file document for a flat dict, in the order of the format declaration."""
    meta = {f.name: data[f.key] for f in fmt.meta_fields if data.get(f.key) is not None}
    numbers = evaluate(data, fmt).numbers if with_derived else {}
    values = {}
    for f in fmt.value_fields:
        value = data.get(f.key)
        if value is None and f.derived and with_derived:
            value = numbers.get(f.key)
        if value is not None or (f.required and not f.derived):
            values[f.key] = _plain(value)
    text = {t.key: data[t.key] for t in fmt.texts if data.get(t.key) not in (None, "")}
    previous = {f.key: data[f.key] for f in fmt.previous if data.get(f.key) is not None}
    doc: dict[str, Any] = {"format": fmt.version, "meta": meta, "values": values, "text": text}
    if previous:
        doc["previous"] = previous
    return doc


def _plain(value: Any) -> Any:
    """A value strict JSON can hold, as the clerk typed it: dates and inf/nan become text
    (and are reported as value-not-integer when the file is checked)."""
    import datetime as dt
    import math

    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return str(value)  # CellError / Uncalculated are str subclasses: keep the text
    return value


def dumps(data: dict[str, Any], fmt: ReportFormat, source: dict[str, Any] | None = None) -> str:
    doc = document(data, fmt)
    if source:
        doc["source"] = source
        if source.get("problems"):  # each problem with its cells' values as written: see read_source
            from xlreport.model.report import jsonable

            _, written, _ = parse_document(doc, "")
            source["problems"] = [{**p, "as_read": {k: jsonable(written.get(k)) for k in p.get("keys", ())}}
                                  for p in source["problems"]]
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def write_json(path: str | os.PathLike, data: dict[str, Any], fmt: ReportFormat, force: bool = False,
               source: dict[str, Any] | None = None) -> Path:
    """Write the data file atomically; returns the path written (another name when the target is
    held open by another program on Windows: see files.write_atomic)."""
    return write_bytes_atomic(path, dumps(data, fmt, source).encode("utf-8"), force)


