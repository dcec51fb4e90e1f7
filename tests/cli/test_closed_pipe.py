"""`xlreport check DIR | head -1`: a reader that goes away stops the command quietly (issue 18, bug 7)."""

from __future__ import annotations

import json
import subprocess
import sys

from factories import consistent_data
from xlreport.io.jsonfile import document
from xlreport.model.formats import V2021


def test_closed_pipe_on_stdout_ends_quietly(tmp_path):
    data = consistent_data(V2021, 1)
    data["t3.total.total"] = (data.get("t3.total.total") or 0) + 1  # a problem to print for every file
    for i in range(400):  # more than a pipe holds, so the writing meets the closed end
        (tmp_path / f"r{i:03d}.json").write_text(json.dumps(document(data, V2021), ensure_ascii=False), "utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "xlreport", "check", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # … | head -1
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=120)
    assert err == "", err  # neither a disk error nor Python's "Broken pipe"
