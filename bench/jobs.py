"""Benchmark: the reviewer's outputs of the real `xlreport serve`, in a request and as background jobs.

    python bench/jobs.py [--units 20] [--database URL]

Starts the service on a temporary data folder (127.0.0.1 only), makes one account per unit; each unit
uploads and submits the demo's data under its own name and the reviewer approves it. Then for the
audit workbook, the letters and the publication package (with PDF where LibreOffice is installed):
the wall time of the GET request that builds it (what a reviewer behind a proxy waits), the time
`POST /api/jobs` takes to answer, and the job's time from queued to done (polled). Prints the
figures; asserts nothing but that every request succeeded.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from desk_helpers import Service, demo_document, job_ended, run_accounts  # noqa: E402

KINDS = {"audit": "/api/audit.xlsx", "feedback": "/api/feedback.zip", "publish": "/api/publish.zip"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        units = [f"某县第{i + 1}局" for i in range(args.units)]
        (folder / "名单.txt").write_text("\n".join(units) + "\n", "utf-8")
        passwords = run_accounts(folder / "data", folder / "账号.xlsx", "--roster", str(folder / "名单.txt"),
                                 "--reviewer", "shenhe", database=args.database)
        service = Service(folder / "data", args.database, passwords).start()
        try:
            office = service.client("shenhe")
            doc = demo_document()
            started = time.perf_counter()
            for i, unit in enumerate(units):
                doc["meta"]["agency"] = unit
                clerk = service.client(service.unit_user(i))
                report = clerk.upload(content=json.dumps(doc, ensure_ascii=False).encode("utf-8"),
                                      filename=f"{unit}.json").json()
                assert clerk.post_json(f"/api/reports/{report['id']}/submit").status == 200
                assert office.post_json(f"/api/reports/{report['id']}/approve").status == 200
            print(f"{args.units} units uploaded, submitted and approved in {time.perf_counter() - started:.1f} s")
            for kind, address in KINDS.items():
                t0 = time.perf_counter()
                got = office.get(f"{address}?year=2020")
                in_request = time.perf_counter() - t0
                assert got.status == 200, got.body[:300]
                t0 = time.perf_counter()
                answer = office.post_json("/api/jobs", {"kind": kind, "year": 2020})
                posted = time.perf_counter() - t0
                assert answer.status == 202, answer.body[:300]
                job = job_ended(office, answer.json()["id"], deadline=1800)
                as_job = time.perf_counter() - t0
                assert job["state"] == "done", job
                print(f"{kind:9} GET in the request {in_request:6.2f} s ({len(got.body) / 1024:.0f} KB) | "
                      f"POST /api/jobs answered in {posted * 1000:5.0f} ms (server {answer.server_ms:.0f} ms), "
                      f"job done after {as_job:6.2f} s (polled every 0.3 s)")
        finally:
            service.stop()


if __name__ == "__main__":
    main()
