"""Shared test fixtures. Data builders live in factories.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # the developer generators

# The submission desk's fixtures (tests/server): the running service, its accounts, sample reports.
try:
    from desk_helpers import (  # noqa: F401,E402
        clean_json, database, desk, error_json, new_service, people, postgres_database_once, service,
    )
except ModuleNotFoundError as exc:  # this file copied alone (tests/project/test_reference_copies.py)
    if exc.name != "desk_helpers":
        raise

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures" / "reports"


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"the shared fixtures are not beside the repository ({FIXTURES})")
    return FIXTURES


# Our own reference documents (the official formats, the data contract, the
# catalogue of real-report errors), kept in the repository so that the tests
# guarding the format declarations run in every clone. Their origin and the
# test that keeps them equal to the team's shared copy: tests/reference/README.md.
REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture
def reference_dir() -> Path:
    return REFERENCE


def pytest_sessionfinish(session, exitstatus):
    """With XLREPORT_NO_SKIPS set (as .ci/run does), a skipped test fails the run.

    Tests that need ../shared (the real published reports) or an external program
    may skip on a developer's machine; in CI everything is installed and present,
    so a skip there means a guard did not run.
    """
    if not os.environ.get("XLREPORT_NO_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        names = ", ".join(getattr(r, "nodeid", "?") for r in skipped[:10])
        print(f"\nXLREPORT_NO_SKIPS: {len(skipped)} test(s) skipped, which CI does not allow: {names}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# The outside programs a test may start, by the marker it must then carry (pyproject.toml's
# [tool.pytest.ini_options] markers): `-m "not office"` must really leave them all out.
MARKED_PROGRAMS = {"soffice": "office", "soffice.bin": "office", "libreoffice": "office", "ssconvert": "office",
                   "chromium": "browser", "chromium-browser": "browser", "google-chrome": "browser",
                   "postgres": "postgres", "pg_ctl": "postgres", "initdb": "postgres"}
_running: list[pytest.Item] = []
_popen_init = subprocess.Popen.__init__


def _checked_popen_init(self, args, *more, **options):
    argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
    program = Path(os.fsdecode(argv[0])).name.lower().removesuffix(".exe") if argv and not options.get("shell") else ""
    marker = MARKED_PROGRAMS.get(program)
    if marker and _running and _running[-1].get_closest_marker(marker) is None:
        pytest.fail(f"{_running[-1].nodeid} starts {program}: mark it @pytest.mark.{marker}", pytrace=False)
    _popen_init(self, args, *more, **options)


subprocess.Popen.__init__ = _checked_popen_init  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def soffice_or_skip() -> str:
    from xlreport.io.office import find_soffice

    path = find_soffice()
    if path is None:
        if os.environ.get("XLREPORT_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here (XLREPORT_REQUIRE_LIBREOFFICE is set) but missing")
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    return path


@pytest.fixture
def soffice() -> str:
    return soffice_or_skip()
