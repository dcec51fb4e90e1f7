"""Helpers and fixtures of the submission desk's tests (tests/server): the real `xlreport serve` on
127.0.0.1 (SQLite, or PostgreSQL where XLREPORT_TEST_POSTGRES names a server: .ci/postgres starts
one), its accounts, and the built-in demo data. tests/conftest.py imports its fixtures, so they are
there for every test; a conftest.py in tests/server would take the module name
`conftest` from tests/conftest.py, which other folders' tests import."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterator

import pytest

from xlreport.server.client import Client

UNITS = ["枣庄市峄城区科学技术局", "测试县财政局"]
REVIEWER = "shenhe"
PASSWORD = "Zx9-correct-horse"  # the in-process tests' accounts (people)


def demo_document() -> dict:
    return json.loads(resources.files("xlreport").joinpath("data/demo_2020.json").read_text("utf-8"))


def xlreport_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "xlreport", *args]


def run_accounts(data: Path, out: Path, *extra: str, database: str | None = None) -> dict[str, str]:
    """`xlreport accounts`; the passwords of the sheet it wrote, by user name."""
    from python_calamine import CalamineWorkbook

    db = ["--database", database] if database else []
    done = subprocess.run(xlreport_command("accounts", "--data", str(data), *db, "-o", str(out), *extra),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["单位", "用户名", "初始密码"]
    return {r[1]: r[2] for r in rows[1:]}


def postgres_url() -> str:
    url = os.environ.get("XLREPORT_TEST_POSTGRES")
    if not url:
        if os.environ.get("XLREPORT_NO_SKIPS"):
            pytest.fail("XLREPORT_TEST_POSTGRES is not set (.ci/postgres starts a server)")
        pytest.skip("no PostgreSQL: set XLREPORT_TEST_POSTGRES (eval \"$(.ci/postgres)\" starts one)")
    return url


def new_postgres_database() -> str:
    """A new, empty PostgreSQL database (drop_postgres_database removes it)."""
    import psycopg

    base = postgres_url()
    name = "xlreport_t_" + secrets.token_hex(4)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def drop_postgres_database(url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@dataclass
class Service:
    """A running `xlreport serve` and what the tests need of it."""

    data: Path
    database: str | None
    passwords: dict[str, str]
    extra: tuple[str, ...] = ()
    process: subprocess.Popen | None = None
    base: str = ""
    output: list[str] = field(default_factory=list)

    def start(self) -> "Service":
        db = ["--database", self.database] if self.database else []
        self.process = subprocess.Popen(
            xlreport_command("serve", "--data", str(self.data), *db, "--port", "0", "--year", "2021", *self.extra),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        assert self.process.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line)
            found = re.search(r"报送服务已启动：(http://127\.0\.0\.1:\d+)/", line)
            if found:
                self.base = found.group(1)
                return self
        raise AssertionError("the service did not start: " + "".join(self.output))

    def client(self, username: str | None = None) -> Client:
        c = Client(self.base)
        if username:
            answer = c.login(username, self.passwords[username])
            assert answer.status == 200, answer.body
        return c

    def unit_user(self, index: int = 0) -> str:
        return f"dw{index + 1:04d}"

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        # read through the text stream that start() read from: what it buffered beyond the line it
        # wanted is there (communicate(timeout=…) reads the pipe itself and would lose it)
        rest: list[str] = []
        reader = threading.Thread(target=lambda: rest.append(self.process.stdout.read()), daemon=True)
        reader.start()
        reader.join(60)
        self.output.append("".join(rest))
        return self.process.wait(timeout=60)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def job_ended(c: Client, job_id: int, deadline: float = 600) -> dict:
    """Poll GET /api/jobs/{id} until the job is done or failed (the deadline is generous: the machine
    may be loaded, and a publication package runs LibreOffice); the job as the API gives it."""
    end = time.monotonic() + deadline
    while True:
        answer = c.get(f"/api/jobs/{job_id}")
        assert answer.status == 200, answer.body[:300]
        job = answer.json()
        if job["state"] in ("done", "failed") or time.monotonic() > end:
            assert job["state"] in ("done", "failed"), f"still {job['status']} after {deadline} s: {job}"
            return job
        time.sleep(0.3)


def audit_sheets(content: bytes) -> dict[str, list]:
    """An audit workbook's sheets but 说明 (its time), the temporary folder of the files' paths left out:
    two audits of the same reports compare equal."""
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: [[re.sub(r"tmp\w+", "tmp", c) if isinstance(c, str) else c for c in row]
                   for row in book.get_sheet_by_name(name).to_python()]
            for name in book.sheet_names if name != "说明"}


def start_service(tmp_path: Path, database: str | None, *extra: str) -> Service:
    data = tmp_path / "data"
    roster = tmp_path / "名单.txt"
    roster.write_text("\n".join(UNITS) + "\n", "utf-8")
    passwords = run_accounts(data, tmp_path / "账号.xlsx", "--roster", str(roster), "--reviewer", REVIEWER,
                             database=database)
    return Service(data, database, passwords, tuple(extra)).start()


@pytest.fixture(scope="session")
def desk(tmp_path_factory) -> Path:
    """Django configured in this process (once: Django cannot be configured twice), for the tests that
    use its test client: a data folder of its own, SQLite, year 2020 (the demo data's)."""
    from xlreport.server.config import Options, migrate, setup

    data = tmp_path_factory.mktemp("desk-inprocess")
    setup(Options(data=data, year=2020, upload_limit=1024 * 1024))
    migrate()
    return data


@pytest.fixture
def people(desk) -> dict[str, str]:
    """Two units and a reviewer with fresh names (the database lives for the session)."""
    import secrets

    from django.contrib.auth.models import User

    from xlreport.server.desk.models import Account, Unit

    tag = f"{secrets.randbelow(10**8):08d}"  # digits: no Latin word on the pages
    made = {}
    for key, unit_name in (("a", f"甲局{tag}"), ("b", f"乙局{tag}"), ("r", None)):
        unit = Unit.objects.create(name=unit_name) if unit_name else None
        user = User.objects.create_user(username=f"{key}{tag}", password=PASSWORD)
        Account.objects.create(user=user, role="unit" if unit else "reviewer", unit=unit)
        made[key] = user.username
        if unit_name:
            made[f"{key}_unit"] = unit_name
    return made


@pytest.fixture
def clean_json(tmp_path) -> Path:
    """The demo's 2020 data file: no errors."""
    path = tmp_path / "2020年报表.json"
    path.write_text(json.dumps(demo_document(), ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def error_json(tmp_path) -> Path:
    """The demo's data with 表三's 自然人 新收 7 too high: the row sum and the balance fail."""
    doc = demo_document()
    doc["values"]["t3.new.natural_person"] += 7
    path = tmp_path / "2020年报表-有误.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def new_service():
    """start_service, for tests that need their own service (options, kill -9)."""
    started: list[Service] = []

    def start(tmp_path: Path, database: str | None = None, *extra: str) -> Service:
        started.append(start_service(tmp_path, database, *extra))
        return started[-1]

    yield start
    for running in started:
        if running.process is not None and running.process.poll() is None:
            running.kill()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request) -> Iterator[str | None]:
    """The API tests run on SQLite and on PostgreSQL (a new database for each module)."""
    if request.param == "sqlite":
        yield None
        return
    url = new_postgres_database()
    yield url
    drop_postgres_database(url)


@pytest.fixture(scope="module")
def service(tmp_path_factory, database) -> Iterator[Service]:
    """One running service per test module and database (tests use their own units' reports)."""
    running = start_service(tmp_path_factory.mktemp("desk"), database)
    yield running
    if running.process is not None and running.process.poll() is None:
        assert running.stop() == 0


@pytest.fixture
def postgres_database_once() -> Iterator[str]:
    """A new PostgreSQL database for one test."""
    url = new_postgres_database()
    yield url
    drop_postgres_database(url)
