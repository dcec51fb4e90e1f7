"""Benchmark for choosing the PDF library of `xlreport import` (issue 12). Prints figures; asserts nothing.

`python bench/import_pdf.py [--repeat N]` on the real published PDFs in
../shared/fixtures/reports/. Candidates (both permissive; PyMuPDF is AGPL and out):

- pypdfium2 (Apache-2.0 / BSD-3, Google's PDFium): xlreport.io.importers.pdf as
  shipped (PDFium's characters and path segments);
- pdfplumber (MIT, on pdfminer.six, MIT): pdfminer's characters, lines and
  rectangles, fed to the same extraction (build_document).

For each file and candidate: ms per page (median of N runs, one core), table
pieces and grid rows found per page, and numeric cells found against the
number of values in the matching .json. Then HTML and .docx extraction times.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO.parent / "shared" / "fixtures"
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
SNAP = 2.5


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


# Both candidates feed the same extraction (xlreport.io.importers.pdf.build_document: ruling lines ->
# cells -> grid, cross-page joins, paragraphs); only the reading of the PDF differs.

def _white(color) -> bool:
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        vals = [float(v) for v in color or ()]
    except (TypeError, ValueError):
        return False
    return bool(vals) and (all(v <= 0.05 for v in vals) if len(vals) == 4 else all(v >= 0.95 for v in vals))


def plumber_pages(path: Path):
    import pdfplumber
    from xlreport.io.importers.pdf import PagePrimitives
    out = []
    with pdfplumber.open(path) as pdf:
        title = str((pdf.metadata or {}).get("Title") or "")
        for page in pdf.pages:
            chars = [{"text": c["text"], "x0": c["x0"], "x1": c["x1"], "top": c["top"], "bottom": c["bottom"],
                      "size": c["size"]} for c in page.chars if c["text"].strip() or c["text"] == " "]
            edges = []
            for ln in page.lines:
                o = "h" if abs(ln["top"] - ln["bottom"]) < 0.5 else "v"
                edges.append({"orientation": o, "x0": ln["x0"], "x1": ln["x1"], "top": ln["top"], "bottom": ln["bottom"]})
            for r in page.rects:
                w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
                if not r.get("stroke") and (min(w, h) > 2 or _white(r.get("non_stroking_color"))):
                    continue   # white paragraph/cell backgrounds are not ruling lines
                for y in (r["top"], r["bottom"]):
                    edges.append({"orientation": "h", "x0": r["x0"], "x1": r["x1"], "top": y, "bottom": y})
                for x in (r["x0"], r["x1"]):
                    edges.append({"orientation": "v", "x0": x, "x1": x, "top": r["top"], "bottom": r["bottom"]})
            out.append(PagePrimitives(page.page_number, float(page.width), float(page.height), chars, edges))
            page.close()
    return out, title


def summary(doc):
    pieces = []
    for t in doc.tables:
        for page in sorted(set(t.row_pages)):
            pieces.append((page, t.row_pages.count(page), t.n_cols))
    numbers = sum(1 for t in doc.tables for c in t.cells if NUMBER.match(c.text))
    return pieces, numbers, len(doc.paragraphs)


def plumber(path: Path):
    from xlreport.io.importers.pdf import build_document
    prims, title = plumber_pages(path)
    return summary(build_document(path, prims, title))


def pdfium(path: Path):
    from xlreport.io.importers.pdf import read_pdf  # as shipped
    return summary(read_pdf(path))


def expected_numbers(pdf: Path) -> int:
    data = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    return sum(1 for k, v in data["values"].items() if k[:3] in ("t2.", "t3.", "t4.") and v is not None)


def pages_of(pdf: Path) -> int:
    import pypdfium2 as pdfium_
    doc = pdfium_.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


# ------------------------------------------------------------------ HTML and .docx

def html_of(doc) -> str:
    """A web page with the document's paragraphs and tables, as a CMS would publish it (Word-pasted spans)."""
    from xlreport.io.importers import Table
    out = ['<html><head><meta charset="utf-8"><title>t</title></head><body>']
    for b in doc.blocks:
        if isinstance(b, Table):
            out.append('<table class=MsoNormalTable border=1>')
            for r in range(b.n_rows):
                out.append("<tr>")
                for c in (c for c in b.cells if c.row == r):
                    text = "".join(f"<span lang=EN-US>{ch}</span>" for ch in c.text)
                    out.append(f"<td rowspan={c.rowspan} colspan={c.colspan}><p class=MsoNormal>{text}<o:p></o:p></p></td>")
                out.append("</tr>")
            out.append("</table>")
        else:
            out.append(f"<p class=MsoNormal><span>{b.text}</span><o:p></o:p></p>")
    return "".join(out) + "</body></html>"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pdfs = sorted((FIXTURES / "reports").glob("*.pdf"))
    if not pdfs:
        sys.exit(f"no PDFs in {FIXTURES / 'reports'}")
    import pdfplumber
    print(f"pdfplumber {pdfplumber.__version__}, pypdfium2 {importlib.metadata.version('pypdfium2')}; median of {args.repeat} runs, one process")
    print(f"{'file':<22}{'pages':>6}  {'candidate':<11}{'ms/page':>9}{'pages/s':>9}  {'numbers':>9}{'paras':>6}  table pieces (page: rows x cols)")
    for pdf in pdfs:
        n = pages_of(pdf)
        want = expected_numbers(pdf)
        for name, fn in (("pdfplumber", plumber), ("pypdfium2", pdfium)):
            pieces, numbers, paras = fn(pdf)
            ms = median_ms(lambda: fn(pdf), args.repeat) / n
            shown = " ".join(f"{p}:{r}x{c}" for p, r, c in pieces)
            print(f"{pdf.stem:<22}{n:>6}  {name:<11}{ms:>9.1f}{1000 / ms:>9.1f}  {numbers:>4}/{want:<4}{paras:>6}  {shown}")

    from xlreport.io.importers import extract
    from xlreport.io.importers.docx import read_docx
    from xlreport.io.importers.html import read_html
    docx = FIXTURES / "published" / "template_v2021_wps_blank.docx"
    if docx.is_file():
        read_docx(docx)
        print(f"docx  {docx.name}: {median_ms(lambda: read_docx(docx), args.repeat * 4):.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in pdfs:
            page = Path(tmp) / f"{pdf.stem}.html"
            page.write_text(html_of(extract(pdf)), encoding="utf-8")
            kb = page.stat().st_size // 1024
            print(f"html  {page.name} ({kb} KB, every character in its own <span>): "
                  f"{median_ms(lambda: read_html(page), args.repeat * 4):.1f} ms")


if __name__ == "__main__":
    main()
