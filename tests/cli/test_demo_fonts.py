"""`xlreport demo` tells which fonts stood in for the 公文 fonts in its PDF (issue 19.6)."""

from __future__ import annotations

import pytest
from conftest import soffice_or_skip

from xlreport.cli.main import main
from xlreport.io import office


@pytest.mark.office
def test_demo_prints_the_font_substitution_notice(tmp_path, capsys, monkeypatch):
    soffice_or_skip()
    monkeypatch.setattr(office, "font_stand_ins", lambda names: {n: "AR PL UKai CN" for n in names[:1]})
    assert main(["demo", "-o", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert "5. PDF：" in out
    assert "提示：本机没有报告所用的字体" in out and "AR PL UKai CN" in out
