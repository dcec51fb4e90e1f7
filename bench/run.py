"""Benchmarks: `python bench/run.py [--quick]`. Prints figures; asserts nothing.

1. checking one workbook in-process (read + check), median of many runs;
2. the same workbook recalculated by LibreOffice headless (the way to verify the
   formulas without Excel), and the ratio between the two, measured in this run;
3. `xlreport check FILE` as a cold command (new Python process);
4. how one `xlreport check` over N workbooks grows with N (1 … 1,000), and the
   marginal cost per workbook;
5. `render` of the demo report in-process.
"""

from __future__ import annotations

import os
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
from xlreport.checks import check  # noqa: E402
from xlreport.io.jsonfile import parse_document  # noqa: E402
from xlreport.cli.demo import demo_document  # noqa: E402
from xlreport.model.formats import V2021  # noqa: E402
from xlreport.io.office import convert, find_soffice  # noqa: E402
from xlreport.workbook.reader import read_workbook  # noqa: E402
from xlreport.workbook.writer import write_workbook  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def run(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    quick = "--quick" in sys.argv
    tmp = Path(tempfile.mkdtemp(prefix="xlreport-bench-"))
    book = tmp / "one.xlsx"
    write_workbook(book, V2021, consistent_data(V2021, 1))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")

    def in_process():
        r = read_workbook(book)
        check(r.data, r.fmt, r.cells)

    in_process()
    ours = median_ms(in_process, 50 if quick else 300)
    print(f"1. check one workbook in-process (read + check): {ours:.2f} ms (median)")

    if find_soffice():
        profile = tmp / "lo-profile"
        convert(book, "xlsx:Calc MS Excel 2007 XML", tmp / "warm", profile=profile)  # first start builds the profile

        def libreoffice():
            out = convert(book, "xlsx:Calc MS Excel 2007 XML", tmp / "lo", profile=profile)
            r = read_workbook(out)
            out.unlink()
            return r

        lo = median_ms(libreoffice, 3 if quick else 5)
        print(f"2. LibreOffice headless recalculation of the same workbook: {lo:.0f} ms (median, warm profile)")
        print(f"   ratio: ours is {lo / ours:.0f}x faster")
    else:
        print("2. LibreOffice not installed: ratio not measured")

    xlreport = [sys.executable, "-m", "xlreport"]
    cold = statistics.median(run([*xlreport, "check", str(book)]) for _ in range(5 if quick else 9))
    print(f"3. `xlreport check FILE` cold command: {cold * 1000:.0f} ms (median)")

    sizes = [1, 10, 100] + ([] if quick else [1000])
    folder = tmp / "many"
    folder.mkdir()
    timings = {}
    for n in sizes:
        for i in range(len(list(folder.iterdir())), n):
            shutil.copy(book, folder / f"r{i:04d}.xlsx")
        timings[n] = statistics.median(run([*xlreport, "check", str(folder)]) for _ in range(3))
        print(f"4. `xlreport check DIR` with {n:>4} workbooks: {timings[n] * 1000:7.0f} ms "
              f"({timings[n] / n * 1000:.2f} ms per workbook)")
    big = max(sizes)
    marginal = (timings[big] - timings[1]) / (big - 1)
    print(f"   marginal cost per workbook ({big} vs 1): {marginal * 1000:.2f} ms")

    try:
        from xlreport.report.docx import render_report
    except ImportError:
        print("5. render: xlreport.report.docx not available")
    else:
        fmt, data, _ = parse_document(demo_document(), "demo")
        out = tmp / "r.docx"

        def render():
            render_report(data, fmt, out, force=True)

        render()
        print(f"5. render the demo report in-process: {median_ms(render, 10 if quick else 30):.0f} ms (median)")

        from xlreport.report.webpage import render_html

        page = tmp / "r.html"

        def render_page():
            render_html(data, fmt, page, force=True)

        render_page()
        print(f"6. render the demo report as a web page in-process: {median_ms(render_page, 10 if quick else 30):.1f} ms (median)")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
