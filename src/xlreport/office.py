"""LibreOffice headless: PDF conversion for `render --pdf`, and recalculation of
workbooks (our stand-in for Excel in tests and benchmarks); Gnumeric's
`ssconvert --recalc`, a second independent engine for the differential tests.

LibreOffice only recalculates an .xlsx on load when its profile says so
(OOXMLRecalcMode=0, "always"); otherwise it keeps the cached values that a
library wrote. Each call therefore runs with a private profile that sets it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import XlreportError

RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice",
                 r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if os.path.exists(path):
            return path
    return None


def make_profile(folder: str | os.PathLike) -> Path:
    """A LibreOffice user profile that recalculates every formula on load."""
    profile = Path(folder)
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    return profile


def convert(source: str | os.PathLike, target_format: str, outdir: str | os.PathLike,
            profile: str | os.PathLike | None = None, timeout: float = 180) -> Path:
    """Convert `source` with LibreOffice (e.g. "pdf", "xlsx:Calc MS Excel 2007 XML", "ods").

    Returns the path of the converted file. Raises XlreportError with a Chinese
    reason when LibreOffice is missing or fails.
    """
    return convert_many([source], target_format, outdir, profile, timeout)[0]


def convert_many(sources: list, target_format: str, outdir: str | os.PathLike,
                 profile: str | os.PathLike | None = None, timeout: float = 600) -> list[Path]:
    """Convert several files in one LibreOffice run (start-up is most of the cost)."""
    soffice = find_soffice()
    if soffice is None:
        raise XlreportError("未找到 LibreOffice（soffice），无法转换；请安装 LibreOffice，或去掉 --pdf 只生成 Word 文件")
    sources = [Path(s).resolve() for s in sources]
    outdir = Path(outdir).resolve()
    with tempfile.TemporaryDirectory(prefix="xlreport-lo-") as tmp:
        prof = make_profile(profile or tmp)
        cmd = [soffice, f"-env:UserInstallation={prof.resolve().as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", target_format, "--outdir", str(outdir), *map(str, sources)]
        env = dict(os.environ)
        fonts = Path(__file__).with_name("fonts.conf")
        if "FONTCONFIG_FILE" not in env and fonts.exists():
            env["FONTCONFIG_FILE"] = str(fonts)
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise XlreportError(f"LibreOffice 转换超时（{timeout:.0f} 秒）") from None
        ext = target_format.split(":")[0]
        outs = [outdir / f"{s.stem}.{ext}" for s in sources]
        failed = [o for o in outs if not o.exists()]
        if result.returncode != 0 or failed:
            detail = (result.stderr or result.stdout).strip().splitlines()
            names = "、".join(o.name for o in failed) or sources[0].name
            raise XlreportError(f"LibreOffice 转换“{names}”失败：{detail[-1] if detail else '无输出'}")
        return outs


# --------------------------------------------------------------------------
# Gnumeric: a second, independent formula engine for the differential tests


def find_ssconvert() -> str | None:
    return shutil.which("ssconvert")


def recalculate_gnumeric(source: str | os.PathLike, target: str | os.PathLike, timeout: float = 120) -> Path:
    """Recalculate every formula of `source` with Gnumeric (`ssconvert --recalc`) and save
    the result as an .xlsx at `target`, with the new results cached in the file.

    Gnumeric is fast to start (about 0.3 s a workbook here), so it runs once per file.
    Raises XlreportError with a Chinese reason when Gnumeric is missing or fails.
    """
    ssconvert = find_ssconvert()
    if ssconvert is None:
        raise XlreportError("未找到 Gnumeric（ssconvert），无法重新计算；请安装 gnumeric")
    target = Path(target)
    cmd = [ssconvert, "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(source), str(target)]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise XlreportError(f"Gnumeric 重新计算超时（{timeout:.0f} 秒）") from None
    if result.returncode != 0 or not target.exists():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise XlreportError(f"Gnumeric 重新计算“{Path(source).name}”失败：{detail[-1] if detail else '无输出'}")
    return target
