"""Importer CPU per file, steady against other load: `python bench/import_cpu.py [--runs 80] [--json]`.

For each real transcription in ../shared/fixtures (reports/*.txt and published/*.txt), runs
extract + match `--runs` times and prints the least CPU time (time.process_time) of one run, in ms:
the least of many runs hardly moves when other jobs load the machine, where wall-clock medians
swing by tens of percent. To compare two trees, run it once per tree, alternating, with
PYTHONPATH pointing at each tree's src/ (e.g. a `git worktree` of the earlier commit), and compare
the printed figures (issue 17's limit: no file more than 20% slower). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from xlreport.io.importers import extract
from xlreport.io.importers.match import match_document

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=80)
    parser.add_argument("--json", action="store_true", help="one JSON object {file: ms} instead of lines")
    args = parser.parse_args()
    files = sorted((SHARED / "reports").glob("*.txt")) + sorted((SHARED / "published").glob("*.txt"))
    figures: dict[str, float] = {}
    for path in files:
        for _ in range(3):  # warm caches (format tables, regexes)
            match_document(extract(path))
        least = float("inf")
        for _ in range(args.runs):
            start = time.process_time()
            match_document(extract(path))
            least = min(least, time.process_time() - start)
        figures[path.name] = round(least * 1000, 3)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for name, ms in figures.items():
            print(f"{name:28s} {ms:7.2f} ms CPU (least of {args.runs})")


if __name__ == "__main__":
    main()
