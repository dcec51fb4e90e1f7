"""Import benchmark: `python bench/import.py [--files N]`. Prints figures; asserts nothing.

1. each text transcription of ../shared/fixtures/reports: extract + match, median ms per
   file and per page of the published original (the .pdf's page count where there is one);
2. a folder of N rendered reports (one V2021 report rendered to .docx once, copied N
   times; default 200): import of every file in-process, ms per file — with i12a's docx
   extractor when it is installed, else the test suite's minimal python-docx reader;
3. the same folder's matching alone (Document already read), ms per file.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from factories import consistent_data  # noqa: E402
from import_helpers import extract_docx  # noqa: E402
from xlreport.model.formats import V2021  # noqa: E402
from xlreport.io.importers import extract  # noqa: E402
from xlreport.io.importers.match import match_document  # noqa: E402
from xlreport.report.docx import render_report  # noqa: E402

FIXTURES = REPO.parent / "shared" / "fixtures" / "reports"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def pdf_pages(path: Path) -> int | None:
    try:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()

    print("1. text transcriptions (extract + match), median of 20 runs")
    if FIXTURES.is_dir():
        for txt in sorted(FIXTURES.glob("*.txt")):
            ms = median_ms(lambda: match_document(extract(txt)), 20)
            pages = pdf_pages(txt.with_suffix(".pdf")) if txt.with_suffix(".pdf").exists() else None
            per_page = f", {ms / pages:.1f} ms per page of the {pages}-page PDF" if pages else ""
            print(f"   {txt.name}: {ms:.1f} ms per file{per_page}")
    else:
        print(f"   (no fixtures at {FIXTURES})")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        data = consistent_data(V2021, seed=1, distinct=True, with_totals=True)
        data["meta.agency"] = "淮安市某某局"
        first = folder / "report-0000.docx"
        render_report(data, V2021, first)
        for i in range(1, args.files):
            shutil.copy(first, folder / f"report-{i:04d}.docx")
        files = sorted(folder.glob("*.docx"))
        try:
            import xlreport.io.importers.docx  # noqa: F401  (is it there?)
            reader = "i12a's read_docx"
        except ImportError:
            reader = "the tests' minimal python-docx reader"
        t = time.perf_counter()
        docs = [extract_docx(f) for f in files]
        read = time.perf_counter() - t
        t = time.perf_counter()
        for d in docs:
            match_document(d)
        matched = time.perf_counter() - t
        n = len(files)
        print(f"2. {n} rendered .docx reports ({reader}): read {read / n * 1000:.1f} ms per file, "
              f"read + match {(read + matched) / n * 1000:.1f} ms per file, {read + matched:.1f} s in all")
        print(f"3. matching alone: {matched / n * 1000:.1f} ms per file")


if __name__ == "__main__":
    main()
