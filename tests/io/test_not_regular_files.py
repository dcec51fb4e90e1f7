"""Only regular files are read (issue 18, bug 4): a named pipe given by name used to hang
(`check f.json` on a fifo), and /dev/zero named z.txt ate memory without end. Each reader, and
each file option (--previous, --template, --roster), refuses them with a Chinese line and exit 2.

The commands run in a child process with a time-out and a memory limit, so that the code
before the fix fails these tests instead of hanging or exhausting the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from factories import consistent_data
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2021

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                                reason="named pipes and /dev/zero are POSIX")


def run(*args: str) -> subprocess.CompletedProcess:
    import resource

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    try:
        return subprocess.run([sys.executable, "-m", "xlreport", *args], capture_output=True, text=True,
                              timeout=60, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"xlreport {' '.join(args)} hung on a file that is not a regular file")


@pytest.fixture
def files(tmp_path):
    os.mkfifo(tmp_path / "f.json")
    (tmp_path / "z.txt").symlink_to("/dev/zero")
    (tmp_path / "r.json").write_text(json.dumps(document(consistent_data(V2021, 1), V2021), ensure_ascii=False), "utf-8")
    return tmp_path


@pytest.mark.parametrize("command", [
    ["check", "{f.json}"],
    ["check", "{z.txt}"],
    ["import", "{z.txt}"],
    ["check", "{r.json}", "--previous", "{f.json}"],
    ["render", "{r.json}", "-o", "{out.docx}", "--template", "{f.json}"],
    ["audit", "{r.json}", "-o", "{out.xlsx}", "--roster", "{z.txt}"],
], ids=["check-fifo", "check-dev-zero", "import-dev-zero", "previous-fifo", "template-fifo", "roster-dev-zero"])
def test_pipes_and_devices_are_refused(files, command):
    result = run(*(str(files / a[1:-1]) if a.startswith("{") else a for a in command))
    assert result.returncode == 2, result.stderr
    assert "不是普通文件" in result.stderr and "Traceback" not in result.stderr, result.stderr
