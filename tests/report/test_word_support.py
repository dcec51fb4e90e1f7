"""Shared helpers for the Word report tests (no tests here).

Data sets:
* `demo()` — the built-in V2019 demo (a real 2020 report's figures, mostly 0).
* `distinct(fmt)` — synthetic data from `fmt.input_fields` with a DIFFERENT
  number in every input cell, so a figure printed in the wrong cell fails.
* `fixture_paths()` — the real V2021 reports in ../shared/fixtures/reports
  (tests using them skip with a reason when ../shared is absent).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, SHARED  # noqa: F401  (REPO: for the other Word tests)
from xlreport.model.numbers import evaluate
from xlreport.io.jsonfile import parse_document
from xlreport.cli.demo import demo_document
from xlreport.model.formats import V2019, V2021
from xlreport.model.spec import ReportFormat

FIXTURES = SHARED / "fixtures" / "reports"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

TEXTS_2021 = {
    "text.overview": "2024年，本机关认真贯彻《条例》。",
    "text.overview.proactive": "主动公开各类信息5500余条。\n  第二段。",
    "text.overview.on_request": "依申请公开工作规范有序。",
    "text.overview.management": "加强政府信息管理。",
    "text.overview.platform": "平台建设稳步推进。",
    "text.overview.supervision": "监督保障有力。",
    "text.problems": "一是问题一。\n\n二是问题二。",
    "text.other": "落实年度政务公开工作要点。",
}


def demo() -> tuple[ReportFormat, dict]:
    fmt, data, problems = parse_document(demo_document(), "demo")
    assert not problems
    return fmt, data


def distinct(fmt: ReportFormat, start: int = 11) -> dict:
    """Every input its own number (ints 11, 12, …; signed ones negative; decimals with digits)."""
    data: dict = {"meta.agency": "某市某局", "meta.year": 2020 if fmt is V2019 else 2024,
                  "meta.office": "办公室", "meta.address": "某路1号", "meta.postcode": "223001",
                  "meta.phone": "0517-1234567", "meta.email": "gk@example.gov.cn"}
    n = start
    for f in fmt.input_fields:
        if f.type == "int":
            data[f.key] = n
        elif f.type == "signed":
            data[f.key] = -n if n % 2 else n
        elif f.type == "decimal":
            data[f.key] = n + 0.25
        elif f.type == "choice":
            data[f.key] = f.choices[-1][0]
            continue
        n += 1
    if fmt is V2021:
        data.update(TEXTS_2021)
    else:
        data["text.overview"] = "2020年，本局健全制度。"
        data["text.problems"] = "工作力量不足。"
        data["text.other"] = "无。"
    return data


def printed(fmt: ReportFormat, data: dict, key: str) -> str:
    """How the test expects a value cell to print (independent of xlreport.report.docx)."""
    value = evaluate(data, fmt).numbers[key]
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
    else:
        text = str(int(value))
    if key == "t2.procurement.amount":
        text += data.get("t2.procurement.amount_unit", "")
    return text


def fixture_paths() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    return sorted(FIXTURES.glob("*.json"))


def need_fixtures() -> list[Path]:
    paths = fixture_paths()
    if not paths:
        pytest.skip(f"real report fixtures not found at {FIXTURES} (../shared is absent)")
    return paths


def docx_part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph outside tables."""
    from docx import Document

    doc = Document(str(path))
    return [(p.style.name, p.text) for p in doc.paragraphs]


def numbers_in(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?", text)


def make_docx(body_lines: list[str], path: Path) -> Path:
    """A minimal custom template: one paragraph per line."""
    from docx import Document

    doc = Document()
    for line in body_lines:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(buf.getvalue())
    return path
