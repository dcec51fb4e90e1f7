"""Builders of report data for tests: consistent data, and data from random draws."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from xlreport.model.spec import ReportFormat


def consistent_data(fmt: ReportFormat, seed: int = 0, with_totals: bool = False,
                    distinct: bool = False) -> dict[str, Any]:
    """A complete report whose every rule holds. With `distinct`, numbers are
    (almost) all different so a value written to the wrong cell is noticed."""
    rng = random.Random(seed)
    counter = iter(range(1, 10**6))

    def n(hi: int = 9) -> int:
        return next(counter) if distinct else rng.randint(0, hi)

    data: dict[str, Any] = {
        "meta.agency": "某市某局", "meta.year": fmt.first_year + 1 if fmt.last_year else 2024,
        "meta.agency_kind": "department", "meta.can_make_rules": False,
        "meta.office": "办公室", "meta.address": "某市某路1号", "meta.postcode": "100000",
        "meta.phone": "0000-1234567", "meta.email": "gk@example.gov.cn",
        "text.overview": "总体情况。", "text.problems": "存在的问题是人员不足。改进措施是加强培训。",
        "text.other": "无。",
    }
    for t in fmt.texts:  # every text filled in: 2021 requires the five sub-texts of 一
        data.setdefault(t.key, f"{t.label}方面的工作情况。")
    for f in fmt.input_fields:
        if f.key.startswith("t3.") or f.key.startswith("t4.") or f.key.startswith("fee."):
            data[f.key] = n()
    # table 三: choose results and carry-over per column, then 新收 so that 一+二 = 三+四
    t3 = fmt.table("t3")
    cols = sorted({c.key.rsplit(".", 1)[1] for c in t3.value_cells()} - {"total"})
    results = [f.key for f in fmt.input_fields if f.key.startswith("t3.")
               and f.key.rsplit(".", 1)[0] not in ("t3.new", "t3.carried_over", "t3.carried_forward")]
    for col in cols:
        done = sum(data[k] for k in results if k.endswith("." + col))
        fwd = data[f"t3.carried_forward.{col}"]
        carried = min(data[f"t3.carried_over.{col}"], done + fwd)
        data[f"t3.carried_over.{col}"] = carried
        data[f"t3.new.{col}"] = done + fwd - carried
    for f in fmt.input_fields:
        if not f.key.startswith("t2."):
            continue
        if f.type == "choice":
            data[f.key] = f.choices[0][0]
        elif f.type == "decimal":
            data[f.key] = round(n(999) + 0.25, 2)
        else:
            data[f.key] = n()
    if fmt.has("fee.count"):  # 信息处理费: 0 件 and 0 元, or both above 0
        data["fee.amount_yuan"] = data["fee.count"] * 10 + (0.5 if data["fee.count"] else 0)
    for item in ("rules",):
        for k in [f.key for f in fmt.input_fields if f.key.startswith(f"t2.{item}.")]:
            data[k] = 0  # meta.can_make_rules is false
    if fmt.version == "2019":
        for f in fmt.input_fields:
            if f.key.endswith(".change"):
                data[f.key] = -min(data[f.key.replace(".change", ".last_year")], 2)
        for item in ("normative_docs",):
            data[f"t2.{item}.public_total"] = data[f"t2.{item}.published"] + data[f"t2.{item}.made"] + 1
    if with_totals:
        from xlreport.model.numbers import evaluate

        numbers = evaluate(data, fmt).numbers
        for f in fmt.value_fields:
            if f.derived:
                data[f.key] = numbers[f.key]
    return data


def edited_copy(src, target, change):
    """A copy of workbook `src` at `target`, changed by `change(openpyxl_workbook)` —
    what a clerk does to a workbook outside the protection (rename, insert, paste)."""
    import shutil

    import openpyxl

    if Path(src).resolve() != Path(target).resolve():
        shutil.copy(src, target)
    wb = openpyxl.load_workbook(target)
    change(wb)
    wb.save(target)
    return target


def derived_closure(fmt, key):
    """Every derived key whose value depends on `key` (its totals, their totals …)."""
    out, frontier = set(), {key}
    while frontier:
        nxt = {f.key for f in fmt.value_fields + fmt.previous if set(f.derived_from) & frontier} - out
        out |= nxt
        frontier = nxt
    return out


def render_file(src, out, pdf=False, template=None, force=False, previous=None, ignore_errors=False,
                fragment=False) -> int:
    """`xlreport render` as the command runs it (its exit code; a refusal raises as in the command)."""
    from argparse import Namespace

    from xlreport.cli.main import cmd_render

    return cmd_render(Namespace(file=str(src), output=str(out), pdf=pdf, template=template, force=force,
                                previous=previous, ignore_errors=ignore_errors, fragment=fragment))


def with_texts(src, target):
    """A copy at `target` of the data file `src` (a real report's figures only) with a line in
    一, 五 and 六: empty sections are errors (issue 19.2), which these tests are not about."""
    import json
    from pathlib import Path

    doc = json.loads(Path(src).read_text(encoding="utf-8"))
    year = doc["meta"]["year"]
    doc["text"] = {"text.overview": f"{year}年，本机关推进政务公开。", "text.problems": "人员不足，将加强培训。",
                   "text.other": "无其他需要报告的事项。", **doc.get("text", {})}
    Path(target).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return Path(target)


def zip_version_raised(data: bytes, version: int = 64) -> bytes:
    """`data` (a zip) with every central-directory entry asking for zip `version` (64: 6.4),
    which Python's zipfile refuses with NotImplementedError (a fuzz test of tests/io/importers/test_extract_fuzz.py found it)."""
    b = bytearray(data)
    i = b.find(b"PK\x01\x02")
    while i >= 0:
        b[i + 6:i + 8] = version.to_bytes(2, "little")
        i = b.find(b"PK\x01\x02", i + 4)
    return bytes(b)


def as_page(text: str) -> str:
    """A text report as a web page: its lines with cells (「a | b」) as table rows, the others as
    paragraphs."""
    import html

    body: list[str] = []
    rows: list[str] = []
    for line in [*text.splitlines(), ""]:
        if " | " in line or line.startswith("|"):
            rows.append("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in line.split("|")) + "</tr>")
            continue
        if rows:
            body.append("<table border='1'>" + "".join(rows) + "</table>")
            rows = []
        body.append(f"<p>{html.escape(line)}</p>")
    return f"<html><head><meta charset='utf-8'></head><body>{''.join(body)}</body></html>"
