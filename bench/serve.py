"""Benchmark: the submission desk under its deadline-day load, on 127.0.0.1 only.

    python bench/serve.py [--clerks 20] [--units 200] [--rounds 1] [--threads 8] [--database URL] [--limit 600]

Starts `xlreport serve` on a temporary data folder (SQLite unless --database), makes one account
per unit, writes each unit a filled workbook (the demo's figures, its own name on the cover), then
runs `--clerks` clerks at once, in two timed phases: every unit logs in (each login one Argon2id
verification, server/hashers.py), then each unit uploads its workbook `--rounds`
times (each upload is checked by the server) and submits the last version — the county's deadline
day (issue 21: 200 units, 20 at once; goal: all succeed, p95 upload+check ≤ 500 ms, all 200 in
under a minute on 2 cores, under 500 MB). No unit is started after `--limit` seconds (counted
as failed), so a run is bounded. Printed: per upload
the server's own time (its Server-Timing header) and the time the clerk waited, p50/p95/max, and
the time a login took;
throughput of the whole burst (uploads per second, and the wall time of all units); the server's
peak memory (VmHWM of its process). Every loop is bounded; nothing leaves the loopback; asserts
nothing except that every request succeeded.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def peak_memory_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def workbooks(folder: Path, units: list[str]) -> list[Path]:
    """Each unit's filled 2020 workbook (the demo's figures, its name on the cover)."""
    import xlreport

    doc = json.loads(resources.files("xlreport").joinpath("data/demo_2020.json").read_text("utf-8"))
    out = []
    for i, unit in enumerate(units):
        doc["meta"]["agency"] = unit
        data = folder / f"u{i}.json"
        data.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        out.append(Path(xlreport.new_workbook(folder / f"u{i}.xlsx", 2020, data=data).path))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--limit", type=float, default=600, help="seconds after which no unit is started")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database", help="postgresql://… (default: SQLite in the data folder)")
    args = parser.parse_args()

    from python_calamine import CalamineWorkbook

    from xlreport.server.client import Client

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        units = [f"第{i + 1}县直单位" for i in range(args.units)]
        (folder / "名单.txt").write_text("\n".join(units) + "\n", "utf-8")
        xl = [sys.executable, "-m", "xlreport"]
        db = ["--database", args.database] if args.database else []
        started = time.perf_counter()
        subprocess.run(xl + ["accounts", "--data", str(folder / "data"), *db, "--roster", str(folder / "名单.txt"),
                             "-o", str(folder / "账号.xlsx")], check=True, capture_output=True)
        rows = CalamineWorkbook.from_path(str(folder / "账号.xlsx")).get_sheet_by_index(0).to_python()[1:]
        print(f"accounts: {len(rows)} in {time.perf_counter() - started:.1f} s")
        books = workbooks(folder, units)
        server = subprocess.Popen(xl + ["serve", "--data", str(folder / "data"), *db, "--port", "0",
                                        "--year", "2020", "--threads", str(args.threads)],
                                  stdout=subprocess.PIPE, text=True, encoding="utf-8")
        try:
            assert server.stdout is not None
            found = re.search(r"(http://127\.0\.0\.1:\d+)", server.stdout.readline())
            assert found, "the service did not start"
            base = found.group(1)
            server_ms: list[float] = []
            waited_ms: list[float] = []
            login_ms: list[float] = []
            failures: list[str] = []
            lock = threading.Lock()
            queue: list[int] = []

            clients: dict[int, Client] = {}

            def take() -> int | None:
                with lock:
                    if not queue:
                        return None
                    if time.perf_counter() - phase > args.limit:
                        failures.extend(["not started (--limit)"] * len(queue))
                        queue.clear()
                        return None
                    return queue.pop(0)

            def log_in() -> None:  # phase 1: every unit logs in
                while (i := take()) is not None:
                    c = Client(base)
                    t = time.perf_counter()
                    login = c.login(rows[i][1], rows[i][2])
                    with lock:
                        login_ms.append((time.perf_counter() - t) * 1000)
                        if login.status == 200:
                            clients[i] = c
                        else:
                            failures.append(f"login {login.status}")

            def clerk() -> None:  # phase 2: uploads (each checked by the server), then submits
                while (i := take()) is not None:
                    c = clients[i]
                    content = books[i].read_bytes()
                    last = None
                    for _ in range(args.rounds):
                        t = time.perf_counter()
                        answer = c.upload(content=content, filename=books[i].name)
                        waited = (time.perf_counter() - t) * 1000
                        with lock:
                            if answer.status != 201:
                                failures.append(f"upload {answer.status}")
                                continue
                            waited_ms.append(waited)
                            server_ms.append(answer.server_ms or 0.0)
                        last = answer.json()
                    if last is not None:
                        done = c.post_json(f"/api/reports/{last['id']}/submit")
                        if done.status != 200:
                            with lock:
                                failures.append(f"submit {done.status}")

            def run(target: Callable[[], None], units: list[int]) -> float:
                nonlocal phase
                queue[:] = units
                phase = time.perf_counter()
                threads = [threading.Thread(target=target) for _ in range(args.clerks)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                return time.perf_counter() - phase

            phase = time.perf_counter()
            login_wall = run(log_in, list(range(len(rows))))
            wall = run(clerk, sorted(clients))
            memory = peak_memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=60)
        n = len(server_ms)
        print(f"{args.clerks} clerks at once, {len(rows)} units × {args.rounds} uploads "
              f"({'PostgreSQL' if args.database else 'SQLite'}, {args.threads} server threads)")
        print(f"upload+check, server time: p50 {statistics.median(server_ms):.0f} ms, "
              f"p95 {percentile(server_ms, 95):.0f} ms, max {max(server_ms):.0f} ms")
        print(f"upload+check, clerk waited: p50 {statistics.median(waited_ms):.0f} ms, "
              f"p95 {percentile(waited_ms, 95):.0f} ms, max {max(waited_ms):.0f} ms")
        print(f"log in (one Argon2id verification each), clerk waited: p50 {statistics.median(login_ms):.0f} ms, "
              f"p95 {percentile(login_ms, 95):.0f} ms; all {len(rows)} logins in {login_wall:.1f} s")
        print(f"throughput: {n / wall:.1f} uploads/s, {len(clients) / wall:.1f} units/s; all {len(clients)} units "
              f"({args.rounds} upload(s) checked, submit) in {wall:.1f} s; with the logins {login_wall + wall:.1f} s")
        print(f"server peak memory: {memory:.0f} MB" if memory else "server peak memory: not measured (no /proc)")
        print(f"failed requests: {len(failures)}" + (f" ({', '.join(sorted(set(failures)))})" if failures else ""))


if __name__ == "__main__":
    main()
