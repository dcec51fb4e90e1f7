"""`xlreport bundle -o DIR [--platform win_amd64] [--python 3.11 …] [--force]`: an offline installer.

It is over 500 lines because the two install scripts and the Chinese instructions are kept here as text, beside the code that fills them in.

Office PCs are Windows machines, often without internet, looked after by an IT
office. The bundle is a folder (and a .zip of it beside it) that installs
xlreport on such a PC from the files it carries:

    DIR/
      wheels/                 xlreport's wheel and a wheel of every dependency,
                              for the target platform and each Python version
      requirements-3.11.txt   one per Python version: every wheel pinned
                              (name==version) with its sha256 (--require-hashes)
      安装.bat                 Windows: venv, offline install, xlwings settings, workbooks
      install.sh              Linux: the same without Excel
      使用说明.txt              for the clerk and the IT office (Chinese)
      report.xlsm, report.xlsx the blank workbooks of the current format

How the wheels are found (at bundle time, with internet):

* xlreport's own wheel is built with `pip wheel --no-deps` from the source
  tree of the running xlreport (an editable install or a checkout; a copy of
  the tree is built, so the checkout gets no build/ folder). An installed
  wheel carries no source: `bundle` then refuses with a message.
* its dependencies with `pip download --only-binary=:all: --platform …
  --python-version … --implementation cp`, once per Python version.
* pip evaluates environment markers for the machine it runs on, not for
  `--platform` (pip's documentation of `pip download --platform`): made on
  Linux, a Windows bundle would lack `pywin32` (xlwings: `pywin32>=224;
  platform_system == "Windows"`) and fail on the PC. Every wheel's
  Requires-Dist is therefore evaluated again for the target (TARGET_ENV) and
  what is missing is downloaded too, until the set is closed
  (`missing_requirements`, also what the tests check).

安装.bat is GBK-encoded with CRLF line ends: cmd.exe reads a batch file in the
console's code page, which is 936 (GBK) on the Chinese Windows of every
government PC, so the Chinese messages show without `chcp` (`chcp 65001` makes
Windows 7 and early Windows 10 skip or garble lines of a UTF-8 batch file).
Every command in it is pure ASCII, so on a PC with another code page only the
messages would be unreadable, never the commands. 使用说明.txt is UTF-8 with a
BOM and CRLF (Notepad on every Windows version reads it as UTF-8).

"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from xlreport.errors import OutputError, XlreportError

__all__ = ["make_bundle", "missing_requirements", "needed_wheels", "source_root", "DEFAULT_PYTHONS", "DEFAULT_PLATFORM"]

DEFAULT_PLATFORM = "win_amd64"
# Every CPython that the pinned xlwings ships win_amd64 wheels for (with the DLLs):
# whichever of them the PC has, the bundle installs.
DEFAULT_PYTHONS = ("3.11", "3.12", "3.13", "3.14")
WORKBOOKS = ("report.xlsm", "report.xlsx")
SOURCE_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "MANIFEST.in", "README.md", "NOTICE", "LICENSE")
SOURCE_DIRS = ("src", "templates")


@dataclass
class Bundle:
    folder: Path
    zip: Path
    wheels: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _packaging():
    try:
        from packaging.markers import default_environment  # noqa: F401
        from packaging.requirements import Requirement
        from packaging.utils import parse_wheel_filename
        from packaging.version import Version
    except ImportError:  # pip always carries a copy
        # the same classes under pip's module path, which mypy takes for other types
        from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment]
        from pip._vendor.packaging.utils import parse_wheel_filename  # type: ignore[assignment]
        from pip._vendor.packaging.version import Version  # type: ignore[assignment]
    return Requirement, parse_wheel_filename, Version


def target_environment(platform: str, python: str) -> dict[str, str]:
    """The PEP 508 marker values of the target PC (platform tag and 'X.Y')."""
    machine = platform.rsplit("_", 1)[-1] if "_" in platform else platform
    if platform.startswith("win"):
        system, sys_platform, os_name = "Windows", "win32", "nt"
        machine = {"amd64": "AMD64", "win32": "x86", "arm64": "ARM64"}.get(machine, machine)
    elif platform.startswith("macosx"):
        system, sys_platform, os_name = "Darwin", "darwin", "posix"
    else:
        system, sys_platform, os_name = "Linux", "linux", "posix"
        machine = {"64": "x86_64"}.get(machine, machine)
        if "x86_64" in platform:
            machine = "x86_64"
        elif "aarch64" in platform:
            machine = "aarch64"
    return {"implementation_name": "cpython", "implementation_version": f"{python}.0",
            "os_name": os_name, "platform_machine": machine, "platform_python_implementation": "CPython",
            "platform_release": "", "platform_system": system, "platform_version": "",
            "python_full_version": f"{python}.0", "python_version": python, "sys_platform": sys_platform,
            "extra": ""}


def _wheel_metadata(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        return zf.read(name).decode("utf-8", "replace")


def _requires(path: Path):
    Requirement, _, _ = _packaging()
    for line in _wheel_metadata(path).splitlines():
        if line.startswith("Requires-Dist:"):
            yield Requirement(line.split(":", 1)[1].strip())


def needed_wheels(wheels: list[Path], platform: str, python: str, root: str = "xlreport") -> list[Path]:
    """The wheels the target installs for `root`: requirements followed with the target's markers
    (and the extras asked for), so that a package pip fetched for this machine's markers only is
    not pinned in the target's requirements file."""
    _, parse_wheel_filename, _ = _packaging()
    env = target_environment(platform, python)
    by_name = {_canon(str(parse_wheel_filename(w.name)[0])): w for w in wheels}
    todo: list[tuple[str, frozenset[str]]] = [(_canon(root), frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen or name not in by_name:
            continue
        seen.add((name, extras))
        for req in _requires(by_name[name]):
            if req.marker is None or any(req.marker.evaluate({**env, "extra": e}) for e in {"", *extras}):
                todo.append((_canon(req.name), frozenset(req.extras)))
    names = {name for name, _ in seen}
    return [w for name, w in sorted(by_name.items()) if name in names]


def missing_requirements(wheels: list[Path], platform: str, python: str) -> list[str]:
    """Requirements of these wheels, for the target, that no wheel among them satisfies."""
    _, parse_wheel_filename, _ = _packaging()
    env = target_environment(platform, python)
    have = {}
    for w in wheels:
        name, version, _, _ = parse_wheel_filename(w.name)
        have[_canon(str(name))] = version
    missing: list[str] = []
    for w in wheels:
        for req in _requires(w):
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            version = have.get(_canon(req.name))
            if version is None or not req.specifier.contains(version, prereleases=True):
                text = f"{req.name}{req.specifier}"
                if text not in missing:
                    missing.append(text)
    return missing


# ---------------------------------------------------------------------------
# xlreport's own wheel


def source_root() -> Path:
    """The source tree of the running xlreport, or XlreportError when it was installed from a wheel."""
    package = Path(__file__).resolve().parent
    root = package.parents[1]
    pyproject = root / "pyproject.toml"
    if package.parent.name == "src" and pyproject.is_file() and \
            re.search(r'(?m)^name\s*=\s*"xlreport"', pyproject.read_text("utf-8")):
        return root
    raise XlreportError("xlreport bundle 要从 xlreport 的源代码生成安装包，而本机的 xlreport 是从安装包（wheel）"
                        "安装的，没有源代码；请取得 xlreport 的源代码文件夹，在其中运行 python -m pip install -e . "
                        "后再运行 xlreport bundle")


def _run(cmd: list[str], what: str, target: str = "") -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).splitlines()
                 if line.strip() and "is ignored: it is neither a file nor a directory" not in line]
        detail = " | ".join(lines[-3:])[:600]
        if target and "No matching distribution found" in detail:
            raise XlreportError(f"{what}失败：PyPI 上没有适用于 {target} 的安装包（{detail}）；"
                                "请检查 --platform 和 --python 的写法（如 win_amd64、3.11）")
        raise XlreportError(f"{what}失败（{detail}）；请检查网络连接（生成安装包需要访问 PyPI），或稍后重试")


def build_own_wheel(dest: Path) -> Path:
    root = source_root()
    with tempfile.TemporaryDirectory(prefix="xlreport-src-") as tmp:
        copy = Path(tmp) / "xlreport"
        copy.mkdir()
        for name in SOURCE_FILES:
            if (root / name).is_file():
                shutil.copy2(root / name, copy / name)
        for name in SOURCE_DIRS:
            shutil.copytree(root / name, copy / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", ".*"))
        # an absolute path: pip takes a bare word for a project name on PyPI
        _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dest), str(copy.resolve())],
             "生成 xlreport 自身的安装包（pip wheel）")
    wheels = sorted(dest.glob("xlreport-*.whl"))
    if not wheels:
        raise XlreportError("pip wheel 没有生成 xlreport 的安装包")
    return wheels[-1]


# ---------------------------------------------------------------------------
# Dependencies


def _download(requirements: list[str], dest: Path, platform: str, python: str) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "--implementation", "cp",
           "--platform", platform, "--python-version", python, "-d", str(dest)]
    _run(cmd + requirements, f"下载 Python {python}（{platform}）所需的安装包", f"{platform}、Python {python}")


def resolve(own_wheel: Path, dest: Path, platform: str, python: str) -> list[Path]:
    """Every wheel xlreport needs on the target, downloaded into dest (a fresh folder)."""
    shutil.copy2(own_wheel, dest / own_wheel.name)
    _download([str(own_wheel.resolve())], dest, platform, python)
    for _ in range(5):  # markers pip evaluated for this machine instead of the target
        wheels = sorted(dest.glob("*.whl"))
        missing = missing_requirements(wheels, platform, python)
        if not missing:
            return needed_wheels(wheels, platform, python)
        _download(missing, dest, platform, python)
    raise XlreportError(f"无法为 {platform}、Python {python} 找齐所需的安装包：{'、'.join(missing)}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def requirements_text(wheels: list[Path], python: str, platform: str) -> str:
    _, parse_wheel_filename, _ = _packaging()
    pins: dict[str, tuple[str, list[str]]] = {}
    for w in wheels:
        name, version, _, _ = parse_wheel_filename(w.name)
        pinned = pins.setdefault(_canon(str(name)), (str(version), []))
        pinned[1].append(_sha256(w))
    lines = [f"# xlreport offline bundle: every package for Python {python} on {platform}, pinned, with hashes.",
             "# pip install --no-index --find-links wheels --require-hashes -r this-file"]
    for name in sorted(pins):
        version, hashes = pins[name]
        lines.append(f"{name}=={version} " + " ".join(f"--hash=sha256:{h}" for h in hashes))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The scripts


def xlwings_dll(wheels: list[Path]) -> str | None:
    """The 64-bit xlwings DLL inside the xlwings wheel (Windows wheels only)."""
    for w in wheels:
        if _canon(w.name.split("-", 1)[0]) == "xlwings":
            with zipfile.ZipFile(w) as zf:
                for n in zf.namelist():
                    if re.fullmatch(r"xlwings-[^/]+\.data/data/xlwings64-[^/]+\.dll", n):
                        return n.rsplit("/", 1)[1]
    return None


def windows_script(pythons: list[str], dll: str | None) -> str:
    """安装.bat (text; written GBK with CRLF). Commands ASCII, messages Chinese."""
    tries = "\n".join(f"if not defined PYEXE call :find {v}" for v in sorted(pythons, key=_version_key, reverse=True))
    wanted = "、".join(pythons)
    dll_check = (f'if not exist "%VENV%\\{dll}" echo 注意：没有找到 {dll}，校验表上的两个 Python 函数将无法使用（按钮不受影响）。'
                 if dll else "")
    return rf"""@echo off
rem xlreport offline installer, made by "xlreport bundle". Saved in GBK (code page 936) with CRLF.
setlocal EnableExtensions
cd /d "%~dp0"
set "VENV=%USERPROFILE%\xlreport"
set "WORK=%USERPROFILE%\Documents\xlreport"
set "PYEXE="
set "PYVER="
echo ============================================================
echo  xlreport 离线安装（政府信息公开工作年度报告）
echo ============================================================
{tries}
if not defined PYEXE (
  echo 错误：没有找到可用的 Python。需要 64 位的 Python {wanted} 之一（python.org 的 Windows installer 64-bit），
  echo 安装时勾选 Add python.exe to PATH；不能用 Microsoft Store 版或 32 位版。装好后重新运行本文件。
  goto :fail
)
echo 使用的 Python：%PYEXE%（%PYVER%）
echo 1/4 在 %VENV% 建立独立的运行环境（如已存在则重建；请先关闭 Excel）……
"%PYEXE%" -m venv --clear "%VENV%"
if errorlevel 1 (
  echo 错误：无法建立运行环境。请关闭 Excel 后重试。
  goto :fail
)
echo 2/4 从本文件夹安装 xlreport（不需要网络）……
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --require-hashes -r "%~dp0requirements-%PYVER%.txt" --disable-pip-version-check
if errorlevel 1 (
  echo 错误：安装失败。请确认本文件夹完整（wheels 文件夹和 requirements-%PYVER%.txt 都在）。
  goto :fail
)
echo 3/4 告诉 Excel 用哪个 Python（写入 %USERPROFILE%\.xlwings\xlwings.conf）……
if exist "%USERPROFILE%\.xlwings\xlwings.conf" copy /y "%USERPROFILE%\.xlwings\xlwings.conf" "%USERPROFILE%\.xlwings\xlwings.conf.bak" >nul
"%VENV%\Scripts\xlwings.exe" config create --force
if errorlevel 1 (
  echo 错误：无法写入 xlwings 设置。
  goto :fail
)
{dll_check}
echo 4/4 把空白工作簿复制到 %WORK% ……
if not exist "%WORK%" mkdir "%WORK%"
for %%f in ({" ".join(WORKBOOKS)}) do (
  if exist "%WORK%\%%f" (
    echo   %WORK%\%%f 已存在，未覆盖。
  ) else (
    copy "%~dp0%%f" "%WORK%\%%f" >nul
    powershell -NoProfile -Command "Unblock-File -LiteralPath '%WORK%\%%f'" >nul 2>&1
  )
)
"%VENV%\Scripts\xlreport.exe" --help >nul
if errorlevel 1 (
  echo 错误：xlreport 装好了但无法运行。
  goto :fail
)
echo.
echo 安装完成。
echo   工作簿：%WORK%\report.xlsm（带“生成报告”按钮）和 report.xlsx
echo   命令行：%VENV%\Scripts\xlreport.exe
echo   检查：在命令提示符中运行 "%VENV%\Scripts\xlreport.exe" demo -o "%WORK%\demo"
echo 打开 report.xlsm 时点“启用内容”。详见“使用说明.txt”。
pause
exit /b 0

:fail
echo 安装未完成。请把本窗口的内容拍照或复制给信息化部门。
pause
exit /b 1

:find
rem %1 = X.Y : the py launcher's 64-bit Python X.Y, else python on PATH if it is X.Y 64-bit
for /f "usebackq delims=" %%p in (`py -%1-64 -c "import sys;print(sys.executable)" 2^>nul`) do call :try "%%p" %1
if defined PYEXE exit /b 0
for /f "usebackq delims=" %%p in (`python -c "import sys;print(sys.executable)" 2^>nul`) do call :try "%%p" %1
exit /b 0

:try
rem a python.org 64-bit CPython of version %2, not the Microsoft Store one
"%~1" -c "import sys;v=tuple(map(int,sys.argv[1].split('.')));ok=sys.version_info[:2]==v and sys.maxsize>2**32 and 'WindowsApps' not in sys.executable;sys.exit(0 if ok else 1)" %2 >nul 2>&1
if not errorlevel 1 (
  set "PYEXE=%~1"
  set "PYVER=%2"
)
exit /b 0
"""


def linux_script(pythons: list[str]) -> str:
    order = " ".join(sorted(pythons, key=_version_key, reverse=True))
    return f"""#!/bin/sh
# xlreport offline installer (Linux), made by "xlreport bundle": no network is used.
# XLREPORT_VENV and XLREPORT_WORK choose where the program and the workbooks go.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${{XLREPORT_VENV:-$HOME/xlreport}}
work=${{XLREPORT_WORK:-$HOME/Documents/xlreport}}
py=""
ver=""
for v in {order}; do
  for cand in "python$v" python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c "import sys; sys.exit(0 if sys.version_info[:2] == tuple(map(int, '$v'.split('.'))) else 1)" 2>/dev/null; then
      py=$(command -v "$cand"); ver=$v; break 2
    fi
  done
done
if [ -z "$py" ]; then
  echo "错误：没有找到 Python {'、'.join(pythons)} 之一；请先安装（如 apt-get install python3 python3-venv），再运行本脚本。" >&2
  exit 1
fi
echo "使用的 Python：$py（$ver）"
echo "1/3 在 $venv 建立独立的运行环境……"
"$py" -m venv --clear "$venv"
echo "2/3 从本文件夹安装 xlreport（不需要网络）……"
"$venv/bin/python" -m pip install -q --no-index --find-links "$here/wheels" --require-hashes -r "$here/requirements-$ver.txt" --disable-pip-version-check
echo "3/3 把空白工作簿复制到 $work ……"
mkdir -p "$work"
for f in {" ".join(WORKBOOKS)}; do
  if [ -e "$work/$f" ]; then echo "  $work/$f 已存在，未覆盖。"; else cp "$here/$f" "$work/$f"; fi
done
"$venv/bin/xlreport" --help >/dev/null
echo "安装完成。命令：$venv/bin/xlreport（检查：$venv/bin/xlreport demo -o \\"$work/demo\\"）"
"""


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def instructions(pythons: list[str], platform: str, dll: str | None) -> str:
    """使用说明.txt: for the clerk and the IT office."""
    windows = platform.startswith("win")
    wanted = "、".join(pythons)
    lines = [
        "xlreport 离线安装包使用说明（政府信息公开工作年度报告）",
        "",
        f"本安装包适用于：{'64 位 Windows' if windows else platform}，Python {wanted}。安装时不需要联网。",
        "",
        "一、先装 Python",
    ]
    if windows:
        lines += [
            f"  从 python.org 下载 Python {pythons[0]} 或更新版本（本包支持 {wanted}）的“Windows installer (64-bit)”，",
            "  安装时勾选“Add python.exe to PATH”。不要用 Microsoft Store 里的 Python，也不要用 32 位版本：",
            "  那样校验表上的两个 Python 函数无法工作。没有网络的电脑，请信息化部门把安装程序拷过来。",
            "",
            "二、运行“安装.bat”（双击即可，不需要管理员权限）。它会：",
            "  1. 找到电脑上的 64 位 Python；",
            "  2. 在 %USERPROFILE%\\xlreport 建立独立的运行环境，只从本文件夹的 wheels 安装 xlreport",
            "     及其所需的全部程序包（逐个核对 requirements 文件中的校验值）；",
            "  3. 写入 Excel 调用 Python 所需的设置（%USERPROFILE%\\.xlwings\\xlwings.conf，原有文件另存为 .bak）；",
            "  4. 把空白工作簿 report.xlsm（带“生成报告”按钮）和 report.xlsx 复制到",
            "     %USERPROFILE%\\Documents\\xlreport（已有的同名文件不会被覆盖）。",
            "  重新运行会重建运行环境（先关闭 Excel），用于升级或修复。",
            "",
            "三、检查是否装好",
            "  在“命令提示符”中运行：",
            "    %USERPROFILE%\\xlreport\\Scripts\\xlreport.exe demo -o %USERPROFILE%\\Documents\\xlreport\\demo",
            "  应生成示例的数据文件、工作簿和 Word 报告。然后打开 report.xlsm，点“启用内容”，",
            "  “校验”表 K3 单元格应显示校验结果（第一次要等几秒）。",
            (f"  运行环境文件夹中应有 {dll}（校验表上的 Python 函数要用它）。" if dll else ""),
            "",
            "四、宏被阻止时",
            "  1. 打开时出现黄色提示“宏已被禁用”：点“启用内容”。",
            "  2. 出现红色提示“Microsoft 已阻止宏运行，因为此文件的来源不受信任”：关闭文件，右键文件 → 属性 →",
            "     常规 → 勾选“解除锁定” → 确定，再打开（安装.bat 复制的工作簿已经解除锁定）。",
            "  3. 单位的组策略禁止所有宏：请信息化部门把 %USERPROFILE%\\Documents\\xlreport 设为受信任位置",
            "     （文件 → 选项 → 信任中心 → 信任中心设置 → 受信任位置），或者不用宏：",
            "     用 report.xlsx 填报（校验表的公式不需要宏），再在命令提示符中运行",
            "     xlreport.exe render 报表.xlsx -o 报告.docx 生成 Word 报告。",
            "  不要选择“启用所有宏”。",
            "",
            "五、出了问题",
            "  安装窗口中的文字拍照或复制给信息化部门。常见原因：Python 不是 64 位、是 Microsoft Store 版，",
            "  或安装时 Excel 正开着。",
        ]
    else:
        lines += [
            f"  用系统的软件包安装 Python {wanted} 之一及 venv 模块（Debian/统信/麒麟：apt-get install python3 python3-venv）。",
            "",
            "二、运行 sh install.sh。它在 ~/xlreport 建立运行环境，只从本文件夹安装（不联网），",
            "  并把空白工作簿复制到 ~/Documents/xlreport（已有的不覆盖）。",
            "",
            "三、检查：~/xlreport/bin/xlreport demo -o ~/Documents/xlreport/demo",
            "",
            "四、Linux 上没有 Excel：用 WPS 或 LibreOffice 打开 report.xlsx 填报（校验表的公式不需要宏），",
            "  再用 ~/xlreport/bin/xlreport render 报表.xlsx -o 报告.docx 生成 Word 报告。",
        ]
    return "\r\n".join(lines) + "\r\n"


# ---------------------------------------------------------------------------
# The bundle


def _zip_folder(folder: Path, target: Path, force: bool) -> Path:
    from xlreport.io.files import write_atomic

    def write(tmp: str) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    arc = f"{folder.name}/{path.relative_to(folder).as_posix()}"
                    info = zipfile.ZipInfo(arc, date_time=time.localtime(path.stat().st_mtime)[:6])
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = (0o755 if path.suffix == ".sh" else 0o644) << 16
                    zf.writestr(info, path.read_bytes())  # non-ASCII names get the UTF-8 flag

    return write_atomic(target, write, force)


def make_bundle(output: str | os.PathLike, platform: str = DEFAULT_PLATFORM,
                pythons: tuple[str, ...] | list[str] = DEFAULT_PYTHONS, force: bool = False,
                progress: Callable[[str], None] | None = None) -> Bundle:
    """Write the bundle folder `output` and `output`.zip. Nothing is left half-written."""
    start = time.perf_counter()
    folder = Path(output)
    archive = folder.with_name(folder.name + ".zip")
    pythons = list(dict.fromkeys(pythons))
    for v in pythons:
        if not re.fullmatch(r"3\.\d{1,2}", v):
            raise XlreportError(f"Python 版本“{v}”的写法不对，应写成 3.11 这样的“主版本.次版本”")
        if _version_key(v) < (3, 11):
            raise XlreportError(f"xlreport 需要 Python 3.11 或更新的版本，不能为 Python {v} 生成安装包")
    if not re.fullmatch(r"[A-Za-z0-9_.]+", platform):
        raise XlreportError(f"平台“{platform}”的写法不对，应写成 win_amd64、manylinux2014_x86_64 这样的平台标记")
    if folder.exists() and not force:
        raise OutputError(f"“{folder}”已存在，未覆盖；如需覆盖请加 --force，或换一个文件夹名")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"“{folder}”是一个文件，不是文件夹；请换一个名字")
    if archive.exists() and not force:
        raise OutputError(f"文件“{archive}”已存在，未覆盖；如需覆盖请加 --force，或换一个名字")
    parent = folder.resolve().parent
    if not parent.is_dir():
        raise OutputError(f"输出文件夹“{parent}”不存在，请先创建该文件夹或换一个位置")
    root = source_root()  # refuse early when there is no source

    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=parent))
    try:
        wheels_dir = tmp / "wheels"
        wheels_dir.mkdir()
        with tempfile.TemporaryDirectory(prefix="xlreport-bundle-") as work:
            work_dir = Path(work)
            if progress:
                progress("生成 xlreport 自身的安装包……")
            own = build_own_wheel(work_dir / "own")
            all_wheels: list[Path] = []
            for v in pythons:
                if progress:
                    progress(f"下载 Python {v}（{platform}）所需的安装包……")
                dest = work_dir / f"py{v}"
                dest.mkdir()
                wheels = resolve(own, dest, platform, v)
                (tmp / f"requirements-{v}.txt").write_text(requirements_text(wheels, v, platform), "utf-8",
                                                           newline="\n")
                for w in wheels:
                    if not (wheels_dir / w.name).exists():
                        shutil.copy2(w, wheels_dir / w.name)
                all_wheels += [wheels_dir / w.name for w in wheels]
        dll = xlwings_dll(all_wheels) if platform.startswith("win") else None
        if platform.startswith("win"):
            if dll is None:
                raise XlreportError(f"{platform} 的 xlwings 安装包中没有 xlwings64-*.dll，校验表上的 Python 函数将无法使用；"
                                    "请用 --platform win_amd64 生成")
            (tmp / "安装.bat").write_bytes(windows_script(pythons, dll).replace("\n", "\r\n").encode("gbk"))
        (tmp / "install.sh").write_text(linux_script(pythons), "utf-8", newline="\n")
        (tmp / "install.sh").chmod(0o755)
        (tmp / "使用说明.txt").write_bytes(b"\xef\xbb\xbf" + instructions(pythons, platform, dll).encode("utf-8"))
        for name in WORKBOOKS:
            shutil.copy2(root / "templates" / name, tmp / name)
        for path in [tmp, *tmp.rglob("*")]:  # mkdtemp made it private
            path.chmod(0o755 if path.is_dir() or path.suffix == ".sh" else 0o644)
        # into place: the old folder (with --force) is moved aside first, then removed
        old = None
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=parent))
            os.replace(folder, old / folder.name)
        os.replace(tmp, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    zipped = _zip_folder(folder, archive, force)
    names = sorted(p.name for p in (folder / "wheels").glob("*.whl"))
    return Bundle(folder, zipped, names, time.perf_counter() - start)
