"""Benchmark: `xlreport audit` of 1,000 reports. `python bench/audit.py [--reports N] [--books M]`.

The reports are made from the shared real reports (../shared/fixtures/reports, the
transcriptions: tables and prose): each becomes many agencies (第N县人民政府 …), each
agency a report for 2023 and for 2024 (so every agency forms a pair and the cross-year
rules, text-repeated included, run), M of them as workbooks (xlreport new), the rest as
data files. The audit runs in a fresh process (`xlreport audit DIR -o OUT --roster`);
printed: wall time, and peak memory (ru_maxrss) of the audit process and of its largest
worker. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO.parent / "shared" / "fixtures" / "reports"
BASES = ("2024_suqian_city.txt", "2024_huaian_szf.txt", "2024_hongze_qzf.txt")

MEASURE = """
import resource, sys, time
from xlreport.cli.main import main
t = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - t
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"RESULT {code} {seconds:.2f} {own} {workers}", file=sys.stderr)
"""


def make_reports(folder: Path, reports: int, books: int) -> Path:
    from xlreport.io.readers import load_report
    from xlreport.io.jsonfile import write_json
    from xlreport.workbook.writer import write_workbook

    bases = [load_report(FIXTURES / name) for name in BASES]
    agencies = reports // 2
    roster = []
    made = 0
    for i in range(agencies):
        base = bases[i % len(bases)]
        agency = f"第{i:04d}县人民政府"
        roster.append(agency)
        for year in (2023, 2024):
            data = {k: v for k, v in base.data.items()}
            data["meta.agency"], data["meta.year"] = agency, year
            if year == 2023:  # last year's figures differ a little, and 五 is another text
                data["t3.new.natural_person"] = (data.get("t3.new.natural_person") or 0) + i % 7
                data["text.problems"] = f"上年度第{i}号问题：" + "".join(reversed(data.get("text.problems") or ""))
            name = folder / f"{agency}_{year}"
            if made < books:
                write_workbook(name.with_suffix(".xlsx"), base.fmt, data)
            else:
                write_json(name.with_suffix(".json"), data, base.fmt)
            made += 1
    roster_file = folder.parent / "名单.txt"
    roster_file.write_text("\n".join(roster[:-3] + ["第9999县人民政府"]), encoding="utf-8")  # 3 extra, 1 missing
    return roster_file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--books", type=int, default=200, help="how many of the reports are workbooks")
    parser.add_argument("--keep", action="store_true", help="keep the reports and the audit workbook (path printed)")
    args = parser.parse_args()
    if not FIXTURES.is_dir():
        sys.exit(f"the shared fixtures are not beside the repository ({FIXTURES})")
    tmp = Path(tempfile.mkdtemp(prefix="xlreport-audit-bench-"))
    folder = tmp / "reports"
    folder.mkdir()
    t = time.perf_counter()
    roster = make_reports(folder, args.reports, args.books)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"made {args.reports} reports ({args.books} workbooks, {args.reports - args.books} data files) "
          f"in {time.perf_counter() - t:.1f} s")
    out = tmp / "审查结果.xlsx"
    proc = subprocess.run([sys.executable, "-c", MEASURE, "audit", str(folder), "-o", str(out), "--roster", str(roster)],
                          capture_output=True, text=True)
    line = next((x for x in proc.stderr.splitlines() if x.startswith("RESULT")), None)
    if line is None:
        sys.exit(proc.stderr)
    code, seconds, own, workers = line.split()[1:]
    print(proc.stdout.strip())
    print(f"audit of {args.reports} reports: {seconds} s (exit {code}); peak memory: audit process "
          f"{int(own) / 1024:.0f} MB, largest worker {int(workers) / 1024:.0f} MB; "
          f"workbook {out.stat().st_size / 1024:.0f} KB")
    if args.keep:
        print(f"kept: {tmp}")
    else:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
