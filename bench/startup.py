"""Benchmark: the start-up of `xlreport check FILE.json` against a bare `python -c pass`
(issue 18 item 7: at most 3× its CPU). `python bench/startup.py [--runs N] [--top K]`.

Each run is a fresh process; its CPU (user + sys) is read from resource.getrusage of the
children, the commands alternating (with them an import of the standard modules `check` needs,
the floor under any `check` built on them) so that a busy moment of the shared machine falls on
both. Printed: the median and the spread of each, their ratio, and with --top the modules
that `python -X importtime` finds slowest to import (self time, and cumulative time of the
top-level imports). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


# The standard modules every `xlreport check` imports (see the comment in main)
FLOOR = ("re", "json", "argparse", "pathlib", "typing", "dataclasses")

# What the `xlreport` console script runs ([project.scripts] of pyproject.toml)
ENTRY = "import sys; from xlreport.cli import main; sys.exit(main())"


def cpu_of(command: list[str], env: dict[str, str]) -> float:
    """User + sys CPU seconds of one run of `command` (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_times(command: list[str], env: dict[str, str]) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) of every import of one run, from -X importtime."""
    run = subprocess.run(command, capture_output=True, text=True, env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
                         check=False)
    out = []
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (.*)$", line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    parser.add_argument("--top", type=int, default=15, help="slowest imports to list (0: none)")
    parser.add_argument("--src", type=Path, default=REPO / "src",
                        help="the source folder to run (default this one's); to compare with another commit: "
                             "git archive COMMIT src | tar -x -C /tmp/before, then --src /tmp/before/src")
    parser.add_argument("--python", type=Path, help="the interpreter to run (default: a fresh venv of this one)")
    args = parser.parse_args(argv)

    data_file = REPO / "src" / "xlreport" / "data" / "demo_2020.json"  # the built-in sample, as a data file
    with tempfile.TemporaryDirectory() as tmp:
        # a fresh virtual environment, as a user's: no .pth files of other packages at start-up
        # (`check` of a data file imports no third-party package); --python: another interpreter
        python = args.python
        if python is None:
            venv.create(Path(tmp) / "venv", with_pip=False)
            python = Path(tmp) / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        data = Path(tmp) / "demo.json"
        data.write_text(json.dumps(json.loads(data_file.read_text("utf-8")), ensure_ascii=False), encoding="utf-8")
        # as installed by pip: the modules compiled once (.pyc), not at every start
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = str(args.src.resolve())
        bare = [str(python), "-c", "pass"]
        check = [str(python), "-c", ENTRY, "check", str(data)]
        # the standard modules `check` cannot start without (the data file is JSON, the command
        # line argparse, the model dataclasses, paths pathlib, annotations' runtime parts typing)
        floor = [str(python), "-c", f"import {', '.join(FLOOR)}"]
        for _ in range(2):  # warm the file cache and compile the .pyc
            subprocess.run(check, stdout=subprocess.DEVNULL, check=False, env=env)
            subprocess.run(bare, check=False, env=env)
        print(f"source: {args.src}; python: {'a fresh venv' if args.python is None else python}")
        times: dict[str, list[float]] = {"bare": [], "floor": [], "check": []}
        for _ in range(args.runs):
            times["bare"].append(cpu_of(bare, env))
            times["floor"].append(cpu_of(floor, env))
            times["check"].append(cpu_of(check, env))
        bare_ms = statistics.median(times["bare"]) * 1000
        check_ms = statistics.median(times["check"]) * 1000
        print(f"runs: {args.runs} of each, CPU = user + sys of the process")
        for name, label in (("bare", "python -c pass"), ("floor", "import of the standard modules"),
                            ("check", "xlreport check demo.json")):
            ms = sorted(t * 1000 for t in times[name])
            print(f"  {label:28s} median {statistics.median(ms):6.1f} ms   "
                  f"min {ms[0]:6.1f}   max {ms[-1]:6.1f}")
        floor_ms = statistics.median(times["floor"]) * 1000
        print(f"  ratio (medians): {check_ms / bare_ms:.2f}× (goal ≤ 3×); the standard modules alone "
              f"({', '.join(FLOOR)}): {floor_ms / bare_ms:.2f}×")

        if args.top:
            found = import_times(check, env)
            print("\nslowest imports of one `xlreport check` (python -X importtime), self time:")
            for self_us, _, name in sorted(found, reverse=True)[:args.top]:
                print(f"  {self_us / 1000:6.1f} ms  {name.strip()}")
            tops = [(cum, name.strip()) for _, cum, name in found if not name.startswith(" ")]
            print("top-level imports, cumulative:")
            for cum, name in sorted(tops, reverse=True)[:args.top]:
                print(f"  {cum / 1000:6.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
