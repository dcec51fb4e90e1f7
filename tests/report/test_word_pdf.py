"""PDF through LibreOffice: page count and text (skipped only when soffice is missing)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_word_support import demo, distinct, printed
from xlreport.io import office
from xlreport.report import docx as word
from xlreport.report.pdf import convert_pdf
from factories import render_file
from xlreport.errors import OutputError, XlreportError
from xlreport.model.formats import V2021
from xlreport.io.office import find_soffice

pytestmark = [pytest.mark.office,
              pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")]


def pdf_info(path) -> tuple[int, str]:
    if not shutil.which("pdfinfo") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdfinfo, pdftotext) are not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert "A4" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return pages, text


def test_demo_pdf(tmp_path):
    fmt, data = demo()
    docx = word.render_report(data, fmt, tmp_path / "demo.docx").path
    pdf = convert_pdf(docx, tmp_path / "demo.pdf")
    pages, text = pdf_info(pdf)
    assert 3 <= pages <= 6
    flat = re.sub(r"\s+", "", text)
    assert "枣庄市峄城区科学技术局2020年政府信息公开工作年度报告" in flat
    for heading in (s.heading for s in fmt.sections):
        assert heading in flat
    assert "—1—" in flat and f"—{pages}—" in flat
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob("*.tmp"))


def test_v2021_pdf_has_every_figure(tmp_path):
    fmt = V2021
    data = distinct(fmt)
    docx = word.render_report(data, fmt, tmp_path / "r.docx").path
    pages, text = pdf_info(convert_pdf(docx, tmp_path / "r.pdf"))
    assert 3 <= pages <= 8
    assert "某市某局2024年政府信息公开工作年度报告" in re.sub(r"\s+", "", text)
    tokens = set(re.findall(r"-?\d+(?:\.\d+)?", text))
    missing = [c.key for t in fmt.tables for c in t.value_cells() if printed(fmt, data, c.key) not in tokens]
    assert missing == []


def test_render_file_with_pdf(tmp_path, capsys):
    import json

    from xlreport.cli.demo import demo_document

    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_document(), ensure_ascii=False), encoding="utf-8")
    assert render_file(src, tmp_path / "out.docx", pdf=True) == 0
    assert "已生成 PDF" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json", "out.docx", "out.pdf"]
    with pytest.raises(OutputError):
        render_file(src, tmp_path / "out.docx", pdf=True)  # both exist: no overwrite
    assert render_file(src, tmp_path / "out.docx", pdf=True, force=True) == 0


# --- no LibreOffice process outlives the conversion (issue 10.14) -------------


def processes_with(marker: str) -> list[int]:
    """Pids of the processes whose command line contains `marker` (Linux /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
            except OSError:  # gone meanwhile
                pass
    return pids


def programs_with(marker: str) -> list[str]:
    """The program names (oosplash, soffice.bin, sh) of the processes `processes_with` finds."""
    names = []
    for pid in processes_with(marker):
        try:
            names.append(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].rsplit(b"/", 1)[-1].decode())
        except OSError:  # gone meanwhile
            pass
    return names


@pytest.fixture
def private_profile(tmp_path):
    """A profile path that only this test's LibreOffice has in its command line; whatever the
    test leaves behind is found by it, reported and killed."""
    profile = (tmp_path / "lo-profile").resolve()
    yield profile
    for pid in processes_with(str(profile)):
        os.kill(pid, signal.SIGKILL)


def survivors(profile: Path) -> list[int]:
    deadline = time.monotonic() + 1  # a killed process takes a moment to disappear; a live one goes on
    while processes_with(str(profile)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return processes_with(str(profile))


needs_proc = pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc (Linux)")


@needs_proc
def test_timed_out_conversion_leaves_no_libreoffice_behind(tmp_path, private_profile, monkeypatch):
    """The time-out comes while LibreOffice's processes run (oosplash and soffice.bin, seen in
    /proc), whatever the speed of the machine: every one of them is gone afterwards."""
    fmt, data = demo()
    docx = word.render_report(data, fmt, tmp_path / "r.docx").path
    wait = subprocess.Popen.communicate
    seen = []
    raised: list[float] = []

    def times_out_while_running(self, *args, **kwargs):
        deadline = time.monotonic() + 120  # a loaded machine (tests in parallel) starts LibreOffice slowly
        running = programs_with(str(private_profile))
        while "soffice.bin" not in running and time.monotonic() < deadline:
            time.sleep(0.02)
            running = programs_with(str(private_profile))
        # what the loop saw, not a second look: soffice.bin restarts itself once on a new profile,
        # so a second look can fall in the moment when only oosplash runs
        seen.extend(running)
        if self.poll() is None:
            raised.append(time.monotonic())
            raise subprocess.TimeoutExpired(self.args, kwargs.get("timeout"))
        return wait(self, *args, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "communicate", times_out_while_running)
    with pytest.raises(XlreportError) as exc:
        office.convert(docx, "pdf", tmp_path, profile=private_profile, timeout=60)
    assert "超时" in exc.value.message and time.monotonic() - raised[0] < 10  # killed, not waited for
    assert "soffice.bin" in seen and len(seen) >= 2  # the conversion was under way: LibreOffice and its child
    assert survivors(private_profile) == []
    assert not (tmp_path / "r.pdf").exists()


@needs_proc
def test_interrupted_conversion_leaves_no_libreoffice_behind(tmp_path, private_profile, monkeypatch):
    """Ctrl+C while LibreOffice runs: the KeyboardInterrupt goes on, the processes do not."""
    fmt, data = demo()
    docx = word.render_report(data, fmt, tmp_path / "r.docx").path
    wait = subprocess.Popen.communicate

    def interrupted(self, *args, **kwargs):
        try:
            wait(self, timeout=1.5)
        except subprocess.TimeoutExpired:
            pass
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        office.convert(docx, "pdf", tmp_path, profile=private_profile)
    assert survivors(private_profile) == []
