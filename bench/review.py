"""Benchmark: the reviewer's outputs for the service. `python bench/review.py [--units N] [--published M]`.

1. `audit.feedback.feedback_zip`: the 审查意见 letters of N units (half with a planted error, half clean),
   after `api.audit` of their data files;
2. `report.package.publish_package` of M reports, without PDF and with PDF (where LibreOffice is installed:
   one LibreOffice run converts every Word file).

Prints wall times and sizes; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from factories import consistent_data  # noqa: E402
from xlreport import api  # noqa: E402
from xlreport.audit.feedback import feedback_zip  # noqa: E402
from xlreport.io.jsonfile import dumps  # noqa: E402
from xlreport.io.office import find_soffice  # noqa: E402
from xlreport.model.formats import format_for_year  # noqa: E402
from xlreport.report.package import publish_package  # noqa: E402


def make(folder: Path, n: int) -> list[Path]:
    fmt = format_for_year(2024)
    paths = []
    for i in range(n):
        data = consistent_data(fmt, seed=i)
        data["meta.agency"], data["meta.year"] = f"某县第{i + 1}局", 2024
        if i % 2:
            data["t3.new.natural_person"] += 3  # t3-balance: an error to report
        path = folder / f"{i}.json"
        path.write_text(dumps(data, fmt), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--published", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xlreport-review-bench-") as tmp:
        folder = Path(tmp)
        paths = make(folder, args.units)
        t = time.perf_counter()
        audited = api.audit([folder])
        audit_s = time.perf_counter() - t
        t = time.perf_counter()
        letters = feedback_zip(audited.result)
        print(f"{args.units} units: audit {audit_s:.1f} s; feedback_zip {time.perf_counter() - t:.1f} s, "
              f"{len(letters) // 1024} KB")
        clean = paths[::2][:args.published]  # the reports without errors
        for pdf in (False, None):
            if pdf is None and find_soffice() is None:
                print("publish_package with PDF: LibreOffice not installed, not measured")
                continue
            t = time.perf_counter()
            package = publish_package(clean, year=2024, pdf=pdf)
            print(f"publish_package of {len(clean)} reports {'with' if pdf is None else 'without'} PDF: "
                  f"{time.perf_counter() - t:.1f} s, {len(package.data) // 1024} KB")


if __name__ == "__main__":
    main()
