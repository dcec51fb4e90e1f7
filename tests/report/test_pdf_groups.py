"""Table 三's groups of rows are never split across the PDF's pages (issue 19.1).

Text of 0 to 23 body lines before the tables moves table 三 through every place on
a page (one body line is about two table rows), in both formats; every page is read
with `pdftotext`, and each group's label and the figures of all its rows must be on
one page. Every value differs (`distinct`), so a figure names its row.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import soffice_or_skip
from test_word_support import distinct

from xlreport.model.numbers import evaluate
from xlreport.model.formats import V2019, V2021
from xlreport.report.docx import render_report
from xlreport.report.pdf import break_before, convert_keeping_groups

LINE = "本机关认真贯彻落实条例要求推进政务公开工作做好"  # 24 characters: one body line
VARIANTS = 24  # 0 … 23 lines: a whole page (22 lines) and more

# All its tests on one xdist worker (--dist loadgroup): its module fixture (both formats' PDFs) is
# made once, not once per worker.
pytestmark = pytest.mark.xdist_group("pdf_groups")


def pages_of(pdf) -> list[str]:
    """The text of each page, read by poppler (independent of the product's pypdfium2): one
    pdftotext run, which ends every page with a form feed."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) are not installed")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.endswith("\f"), pdf
    return text.split("\f")[:-1]


def misplaced_groups(fmt, data, pages) -> dict[str, list[int]]:
    """{group label: the pages of its label and figures} for every group not on one page
    (`pages`: the PDF's pages_of)."""
    numbers = evaluate(data, fmt).numbers
    flat = ["".join(p.split()) for p in pages]
    table = fmt.table("t3")
    out = {}
    for group in (c for c in table.cells if c.role == "label" and c.col == 1 and c.rowspan > 1):
        rows = range(group.row, group.row + group.rowspan)
        where = {i for i, text in enumerate(flat) if group.text in text}  # the label, whole
        for cell in (c for c in table.cells if c.role == "value" and c.row in rows):
            figure = re.compile(r"(?<![\d.])" + re.escape(str(numbers[cell.key])) + r"(?![\d.])")
            where |= {i for i, text in enumerate(pages) if figure.search(text)}
        if len(where) != 1:
            out[group.text] = sorted(p + 1 for p in where)
    return out


def variants(fmt):
    for lines in range(VARIANTS):
        data = distinct(fmt, start=30011)  # five-digit figures: not years, not page numbers
        data["text.overview"] = "\n".join([LINE] * lines) or "无"
        yield lines, data


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, list]:
    """Every variant of both formats as a PDF, converted together (one LibreOffice run per pass,
    not one per format): {version: [(lines, data, its PDF, the PDF of its first conversion)]}."""
    soffice_or_skip()
    folder = tmp_path_factory.mktemp("groups")
    cases = [(fmt, lines, data) for fmt in (V2019, V2021) for lines, data in variants(fmt)]
    docs = [render_report(data, fmt, folder / f"{fmt.version}-lines{lines:02d}.docx").path
            for fmt, lines, data in cases]
    pdfs = convert_keeping_groups(docs, folder / "pdf")
    out: dict[str, list] = {}
    for (fmt, lines, data), doc, pdf in zip(cases, docs, pdfs):
        out.setdefault(fmt.version, []).append((lines, data, pdf, folder / "pdf" / f"{doc.stem}.pdf"))
    return out


@pytest.mark.office
@pytest.mark.parametrize("fmt", [V2019, V2021], ids=["2019", "2021"])
def test_no_group_of_table_3_is_split_across_pages(converted, fmt):
    cases = converted[fmt.version]
    assert len(cases) == VARIANTS
    pages = {path: pages_of(path) for _, _, pdf, plain in cases for path in {pdf, plain}}  # not split: the same file
    bad = {lines: misplaced for lines, data, pdf, _ in cases if (misplaced := misplaced_groups(fmt, data, pages[pdf]))}
    assert bad == {}
    # the PDF of a copy that was split still imports to the same figures
    from xlreport.io.importers.match import match_document
    from xlreport.io.importers.pdf import read_pdf

    data, split = next((data, pdf) for _, data, pdf, _ in cases if pdf.parent.name.startswith("pass"))
    result = match_document(read_pdf(split))
    keys = [k for k in data if k.startswith(("t2.", "t3.", "t4."))]
    assert {k: result.data.get(k) for k in keys} == {k: data[k] for k in keys}
    # LibreOffice does split groups by itself: the first conversion of most variants did
    assert sum(bool(misplaced_groups(fmt, data, pages[plain])) for _, data, _, plain in cases) >= VARIANTS // 3


def test_the_split_copy_is_valid_and_keeps_every_row(tmp_path):
    """break_before leaves a .docx that python-docx reads, with every row once (plus the header rows)."""
    import docx

    fmt = V2021
    path = render_report(distinct(fmt), fmt, tmp_path / "r.docx").path
    tables = docx.Document(str(path)).tables
    t3 = next(i for i, t in enumerate(tables) if "不予公开" in "".join(c.text for c in t.columns[1].cells))
    before = len(tables[t3].rows)
    split = tmp_path / "split.docx"
    split.write_bytes(break_before(path.read_bytes(), t3, 7))
    after = docx.Document(str(split)).tables
    assert len(after) == len(tables) + 1
    assert len(after[t3].rows) == 7 and len(after[t3 + 1].rows) == fmt.table("t3").header_rows + before - 7
    assert after[t3 + 1].rows[3].cells[1].text == "（三）不予公开"
