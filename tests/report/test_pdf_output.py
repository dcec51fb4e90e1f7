"""The PDF `render --pdf` makes (issue 19.6): tagged, and what the docs say about punctuation
at the end of a line is what LibreOffice does (measured with `pdftotext -bbox`)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import soffice_or_skip
from test_word_support import REPO, distinct

from xlreport.model.formats import V2021
from xlreport.report.docx import render_report
from xlreport.report.layout import MARGINS_MM, PAGE_W_MM
from xlreport.report.pdf import convert_pdf

MARKS = "，。、；：”）"


# All its tests on one xdist worker (--dist loadgroup): its module fixture (the report's PDF)
# is made once, not once per worker.
pytestmark = [pytest.mark.office, pytest.mark.xdist_group("pdf_output")]  # every test reads the PDF LibreOffice writes


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    soffice_or_skip()
    if not shutil.which("pdftotext") or not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils are not installed")
    folder = tmp_path_factory.mktemp("pdf")
    data = distinct(V2021)
    data["text.problems"] = "\n".join("".join("研" * n + mark for n in range(1, 31)) for mark in MARKS)
    docx = render_report(data, V2021, folder / "r.docx").path
    return convert_pdf(docx, folder / "r.pdf").path


def test_pdf_is_tagged(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    raw = pdf.read_bytes()
    assert b"/StructTreeRoot" in raw and b"/MarkInfo" in raw


def hung_lines(pdf) -> tuple[int, int]:
    """(full lines of the punctuation text, those whose last mark stands past the right margin)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    right = (PAGE_W_MM - MARGINS_MM["right"]) / 25.4 * 72
    full = hung = 0
    for m in re.finditer(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>', html):
        x_max, text = float(m.group(1)), m.group(2)
        if set(text) <= set("研" + MARKS) and x_max > right - 20:
            full += 1
            hung += x_max > right + 0.5
    return full, hung


def test_docs_say_what_libreoffice_does_with_a_mark_at_the_line_end(pdf):
    full, hung = hung_lines(pdf)
    assert full > 60
    docs = (REPO / "docs" / "word-report.md").read_text(encoding="utf-8")
    if hung:  # LibreOffice hangs it: the docs must not promise otherwise
        assert "Punctuation does not hang into the margin" not in docs
        assert "**LibreOffice does not**" in docs
    else:
        assert "**LibreOffice does not**" not in docs
