"""LibreOffice headless: PDF conversion for `render --pdf`, and recalculation of
workbooks (our stand-in for Excel in tests and benchmarks); Gnumeric's
`ssconvert --recalc`, a second independent engine for the differential tests.

LibreOffice only recalculates an .xlsx on load when its profile says so
(OOXMLRecalcMode=0, "always"); otherwise it keeps the cached values that a
library wrote. Each call therefore runs with a private profile that sets it.

Nothing we start outlives the call: `soffice` is a launcher (a script, then
oosplash) that starts soffice.bin, so killing the process we started would
leave soffice.bin running (and converting, and holding the profile). Each run
gets its own process group (POSIX: a new session; Windows: a new process
group, killed as a tree by taskkill /T), and the whole group is killed when the
run ends: on success, timeout, error or Ctrl+C.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from xlreport.errors import MissingProgram, ProgramFailed

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
            profile: str | os.PathLike | None = None, timeout: float = 180, infilter: str | None = None) -> Path:
    """Convert `source` with LibreOffice (e.g. "pdf", "xlsx:Calc MS Excel 2007 XML", "ods").

    Returns the path of the converted file. Raises XlreportError with a Chinese
    reason when LibreOffice is missing or fails. `infilter` names the import
    filter (e.g. "MS Word 97"): without it LibreOffice opens a damaged file
    with its plain-text filter instead of failing.
    """
    return convert_many([source], target_format, outdir, profile, timeout, infilter)[0]


def convert_many(sources: list, target_format: str, outdir: str | os.PathLike,
                 profile: str | os.PathLike | None = None, timeout: float = 600,
                 infilter: str | None = None) -> list[Path]:
    """Convert several files in one LibreOffice run (start-up is most of the cost)."""
    soffice = find_soffice()
    if soffice is None:
        raise MissingProgram("未找到 LibreOffice（soffice），无法转换；请安装 LibreOffice，或不转换 PDF、只生成 Word 文件")
    sources = [Path(s).resolve() for s in sources]
    outdir = Path(outdir).resolve()
    with tempfile.TemporaryDirectory(prefix="xlreport-lo-") as tmp:
        prof = make_profile(profile or tmp)
        cmd = [soffice, f"-env:UserInstallation={prof.resolve().as_uri()}", "--headless", "--norestore",
               "--nolockcheck", *([f"--infilter={infilter}"] if infilter else []),
               "--convert-to", target_format, "--outdir", str(outdir), *map(str, sources)]
        env = dict(os.environ)
        fonts = font_config()
        if fonts is not None:
            env["FONTCONFIG_FILE"] = str(fonts)
        result = run_in_own_group(cmd, env, timeout)
        ext = target_format.split(":")[0]
        outs = [outdir / f"{s.stem}.{ext}" for s in sources]
        failed = [o for o in outs if not o.exists()]
        if result.returncode != 0 or failed:
            detail = (result.stderr or result.stdout).strip().splitlines()
            names = "、".join(o.name for o in failed) or sources[0].name
            raise ProgramFailed(f"LibreOffice 转换“{names}”失败：{detail[-1] if detail else '无输出'}")
        return outs


# --- fonts of the PDF ---------------------------------------------------------


def font_config() -> Path | None:
    """The fontconfig file LibreOffice is given (None when the user set FONTCONFIG_FILE)."""
    fonts = Path(__file__).with_name("fonts.conf")
    return fonts if "FONTCONFIG_FILE" not in os.environ and fonts.exists() else None


def font_stand_ins(names) -> dict[str, str]:
    """{font named in the document: font that fontconfig gives LibreOffice instead}.

    Resolved with `fc-match` under the same configuration as the conversion, so
    it names what the PDF uses on Linux. Empty where fc-match is missing
    (Windows, macOS: LibreOffice substitutes there without telling).
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return {}
    env = dict(os.environ)
    config = font_config()
    if config is not None:
        env["FONTCONFIG_FILE"] = str(config)
    out: dict[str, str] = {}
    for name in names:
        try:
            result = subprocess.run([fc_match, "--format=%{family}", name], capture_output=True, text=True,
                                    timeout=30, env=env)
        except (OSError, subprocess.SubprocessError):
            return {}
        families = [f.strip() for f in result.stdout.split(",") if f.strip()]
        if result.returncode == 0 and families and name not in families:
            out[name] = families[0]
    return out


def run_in_own_group(cmd: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    """Run `cmd` in a process group of its own and kill the whole group when it ends, however it ends."""
    if sys.platform == "win32":
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)
    else:  # a new session also keeps Ctrl+C in the terminal away from it
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise ProgramFailed(f"LibreOffice 转换超时（{timeout:g} 秒），已停止 LibreOffice；"
                            f"请关闭其他程序后重试，或在 Word/WPS 中另存为 PDF") from None
    except BaseException:  # KeyboardInterrupt, or anything else: the group goes, the exception goes on
        kill_group(proc)
        raise
    kill_group(proc)  # a straggler of a finished run
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def kill_group(proc: subprocess.Popen) -> None:
    """Kill every process of `proc`'s group (it leads one of its own), then reap `proc`."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True)
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):  # the group is already empty
            pass
    try:
        proc.kill()
    except OSError:
        pass
    proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe:
            pipe.close()


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
        raise MissingProgram("未找到 Gnumeric（ssconvert），无法重新计算；请安装 gnumeric")
    target = Path(target)
    cmd = [ssconvert, "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(source), str(target)]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ProgramFailed(f"Gnumeric 重新计算超时（{timeout:.0f} 秒）") from None
    if result.returncode != 0 or not target.exists():
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ProgramFailed(f"Gnumeric 重新计算“{Path(source).name}”失败：{detail[-1] if detail else '无输出'}")
    return target
