"""The reference copies in tests/reference/ equal the team's shared originals.

The shared folder is beside the repository on developers' machines and in CI
(where a skip fails the run: XLREPORT_NO_SKIPS); a clean clone without it skips
only this comparison, while the format guards still run on the copies.
"""

from __future__ import annotations

import pytest

from conftest import REFERENCE, SHARED

COPIES = sorted(p.name for p in REFERENCE.glob("*.md") if p.name != "README.md")


def test_the_copies_are_the_ones_the_tests_use():
    assert COPIES == ["common-errors.md", "data-model.md", "format.md"]


@pytest.mark.parametrize("name", COPIES)
def test_copy_equals_shared_original(name):
    original = SHARED / "reference" / name
    if not original.is_file():
        pytest.skip(f"the shared reference is not beside the repository ({original})")
    assert (REFERENCE / name).read_bytes() == original.read_bytes(), (
        f"tests/reference/{name} differs from {original}: copy the new version in")


def test_a_skip_fails_the_run_when_skips_are_forbidden(tmp_path):
    """.ci/run sets XLREPORT_NO_SKIPS: one skipped test must turn the run red."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    shutil.copy(Path(__file__).parents[1] / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_one.py").write_text(
        "import pytest\n\ndef test_skipped():\n    pytest.skip('absent')\n\ndef test_ok():\n    assert 1 + 1 == 2\n",
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "XLREPORT_NO_SKIPS"}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
    allowed = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
    forbidden = subprocess.run(args, cwd=tmp_path, env={**env, "XLREPORT_NO_SKIPS": "1"},
                               capture_output=True, text=True)
    assert allowed.returncode == 0, allowed.stdout
    assert forbidden.returncode == 1, forbidden.stdout
    assert "1 test(s) skipped" in forbidden.stdout
