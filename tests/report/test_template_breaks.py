"""A custom template cannot escape the time bound through docxtpl's work after rendering
(issue 18, bug 5): `{{ '\\n' * 1000000 }}` took 165 s, quadratic in the line breaks."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_word_support import demo, make_docx
from xlreport.errors import InputError
from xlreport.report import docx as word


def test_a_million_line_breaks_are_refused_quickly(tmp_path):
    tpl = make_docx(["{{ title }}", "{{ '\\n' * 1000000 }}"], tmp_path / "t.docx")
    fmt, data = demo()
    code = ("import sys; sys.path[:0] = sys.argv[1:]\n"
            "from test_word_support import demo, make_docx\n"
            "from xlreport.report import docx as word\n"
            "from xlreport.errors import InputError\n"
            "fmt, data = demo()\n"
            "try:\n"
            f"    word.render_report(data, fmt, {str(tmp_path / 'out.docx')!r}, template={str(tpl)!r})\n"
            "except InputError as exc:\n"
            "    print(exc.message)\n")
    started = time.monotonic()
    try:  # in a child: the code before the fix ran for minutes
        here = Path(__file__).resolve().parent
        out = subprocess.run([sys.executable, "-c", code, str(here), str(here.parent)], capture_output=True, text=True,
                             timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("rendering a million line breaks was not stopped within 60 s")
    assert "换行过多" in out.stdout, out.stdout + out.stderr
    assert not (tmp_path / "out.docx").exists()
    print(f"refused in {time.monotonic() - started:.1f} s (a child process included)")


def test_a_report_with_its_line_breaks_still_renders(tmp_path):
    tpl = make_docx(["{{ title }}", "{{ '\\n' * 2000 }}结束"], tmp_path / "t.docx")
    fmt, data = demo()
    assert word.render_report(data, fmt, tmp_path / "out.docx", template=tpl).path.exists()
    with pytest.raises(InputError):
        word.render_report(data, fmt, tmp_path / "out2.docx", template=make_docx(["{{ '\\n' * 30000 }}"], tmp_path / "u.docx"))
