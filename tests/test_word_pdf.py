"""PDF through LibreOffice: page count and text (skipped only when soffice is missing)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from test_word_support import demo, distinct, printed
from xlreport import word
from xlreport.errors import OutputError
from xlreport.formats import V2021
from xlreport.office import find_soffice

pytestmark = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")


def pdf_info(path) -> tuple[int, str]:
    if not shutil.which("pdfinfo") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) are not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert "A4" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return pages, text


def test_demo_pdf(tmp_path):
    fmt, data = demo()
    docx = word.render_report(data, fmt, tmp_path / "demo.docx").path
    pdf = word.convert_pdf(docx, tmp_path / "demo.pdf")
    pages, text = pdf_info(pdf)
    assert 3 <= pages <= 6
    flat = re.sub(r"\s+", "", text)
    assert "枣庄市峄城区科学技术局2020年政府信息公开工作年度报告" in flat
    for heading in (s.heading for s in fmt.sections):
        assert heading in flat
    assert "—1—" in flat and f"—{pages}—" in flat
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob("*.tmp"))


def test_v2021_pdf_has_every_figure(tmp_path):
    fmt = V2021
    data = distinct(fmt)
    docx = word.render_report(data, fmt, tmp_path / "r.docx").path
    pages, text = pdf_info(word.convert_pdf(docx, tmp_path / "r.pdf"))
    assert 3 <= pages <= 8
    assert "某市某局2024年政府信息公开工作年度报告" in re.sub(r"\s+", "", text)
    tokens = set(re.findall(r"-?\d+(?:\.\d+)?", text))
    missing = [c.key for t in fmt.tables for c in t.value_cells() if printed(fmt, data, c.key) not in tokens]
    assert missing == []


def test_render_file_with_pdf(tmp_path, capsys):
    import json

    from xlreport.demo import demo_document

    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_document(), ensure_ascii=False), encoding="utf-8")
    assert word.render_file(src, tmp_path / "out.docx", pdf=True) == 0
    assert "已生成 PDF" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json", "out.docx", "out.pdf"]
    with pytest.raises(OutputError):
        word.render_file(src, tmp_path / "out.docx", pdf=True)  # both exist: no overwrite
    assert word.render_file(src, tmp_path / "out.docx", pdf=True, force=True) == 0
