"""kill -9 of the real `xlreport serve` during the deadline-day burst (issue 21): 20 units at once
log in, upload and submit; the service is killed mid-burst and started again on the same data
folder (and database); every acknowledged upload comes back byte-for-byte, every acknowledged
submission is still 已提交, and the roster counts them."""

from __future__ import annotations

import json
import threading
import time

import pytest

from desk_helpers import REVIEWER, Service, demo_document, run_accounts

UNITS = [f"第{i + 1}县直单位" for i in range(20)]


def upload_bytes(unit: str, n: int) -> bytes:
    doc = demo_document()
    doc["meta"]["agency"] = unit
    doc["text"]["text.other"] = f"第 {n} 次上传。"
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_kill_9_during_a_burst_of_200_uploads_loses_nothing_acknowledged(tmp_path, db, request):
    database = None if db == "sqlite" else request.getfixturevalue("postgres_database_once")
    roster = tmp_path / "名单.txt"
    roster.write_text("\n".join(UNITS) + "\n", "utf-8")
    passwords = run_accounts(tmp_path / "data", tmp_path / "账号.xlsx", "--roster", str(roster),
                             "--reviewer", REVIEWER, database=database)
    service = Service(tmp_path / "data", database, passwords, ("--year", "2020")).start()
    acknowledged: list[tuple[int, bytes, str]] = []
    submitted: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def unit(k: int) -> None:
        try:
            c = service.client(service.unit_user(k))
            for n in range(10):  # bounded: at most 10 uploads a unit, 200 in all
                if stop.is_set():
                    return
                content = upload_bytes(UNITS[k], k * 100 + n)
                answer = c.upload(content=content, filename=f"第{n}次.json")
                if answer.status != 201:
                    return
                report = answer.json()
                with lock:
                    acknowledged.append((report["id"], content, UNITS[k]))
                if n % 3 == 2 and c.post_json(f"/api/reports/{report['id']}/submit").status == 200:
                    with lock:
                        submitted.append(report["id"])
        except (OSError, AssertionError):  # the service died under this request: not acknowledged
            return

    clerks = [threading.Thread(target=unit, args=(k,)) for k in range(len(UNITS))]
    for t in clerks:
        t.start()
    deadline = time.monotonic() + 300
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    service.kill()  # SIGKILL in the middle of the burst
    stop.set()
    for t in clerks:
        t.join(timeout=120)
    assert len(acknowledged) >= 40, len(acknowledged)
    service.output.clear()
    service.start()  # again, on the same data folder and database
    office = service.client(REVIEWER)
    for report_id, content, _ in acknowledged:
        got = office.get(f"/api/reports/{report_id}/file")
        assert got.status == 200 and got.body == content, report_id
    for report_id in submitted:
        assert office.get(f"/api/reports/{report_id}").json()["status"] == "已提交"
    statuses = {r["unit"]: r["status"] for r in office.get("/api/units?year=2020").json()}
    assert all(statuses[name] != "未报送" for _, _, name in acknowledged)
    # and it takes new uploads again
    assert service.client(service.unit_user(0)).upload(content=upload_bytes(UNITS[0], 999),
                                                      filename="重启后.json").status == 201
    assert service.stop() == 0
