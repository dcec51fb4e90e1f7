"""Shared test fixtures. Data builders live in factories.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures" / "reports"


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip(f"the shared fixtures are not beside the repository ({FIXTURES})")
    return FIXTURES


@pytest.fixture
def reference_dir() -> Path:
    ref = SHARED / "reference"
    if not ref.is_dir():
        pytest.skip(f"the shared reference documents are not beside the repository ({ref})")
    return ref


def soffice_or_skip() -> str:
    from xlreport.office import find_soffice

    path = find_soffice()
    if path is None:
        if os.environ.get("XLREPORT_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here (XLREPORT_REQUIRE_LIBREOFFICE is set) but missing")
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it")
    return path


@pytest.fixture
def soffice() -> str:
    return soffice_or_skip()
