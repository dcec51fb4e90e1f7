"""Fixtures of the submission desk's tests: sample reports, the running service (desk_helpers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from desk_helpers import Service, demo_document, drop_postgres_database, new_postgres_database, start_service


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


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
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
