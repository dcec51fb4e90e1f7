"""`xlreport bundle`: the offline installer (bundle.py).

These tests download from PyPI (as `bundle` itself does): one bundle per platform
per test session (module-scoped fixtures). The Linux bundle is installed into a
fresh virtual environment with every index and find-links of this machine's pip
configuration switched off and the network blocked by a dead proxy, and runs
`xlreport demo`. The Windows bundle is resolved by pip for win_amd64 / Python
3.11 without an index, and carries the xlwings DLL; 安装.bat is checked byte by
byte (what cmd.exe reads).
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import xlreport
from xlreport.bundle import make_bundle, missing_requirements, needed_wheels, source_root
from xlreport.cli.main import main
from xlreport.errors import XlreportError

# All its tests on one xdist worker (--dist loadgroup): its module fixtures (the Windows and the Linux bundle)
# are made once, not once per worker.
pytestmark = pytest.mark.xdist_group("bundle")

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"
LINUX = "manylinux2014_x86_64"
TIMES: dict[str, float] = {}


def offline_env(home: Path) -> dict[str, str]:
    """pip with no index, no configured find-links, and no way out to the network."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(HOME=str(home), PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               PATH=os.pathsep.join([str(Path(sys._base_executable).parent), env.get("PATH", "")]))
    return env


@pytest.fixture(scope="module")
def win_bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("win") / "xlreport-win"
    start = time.perf_counter()
    result = make_bundle(out, platform="win_amd64", pythons=["3.11"], progress=lambda _: None)
    TIMES["bundle win_amd64"] = time.perf_counter() - start
    return result


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory):
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        pytest.skip("the Linux bundle is installed here only on x86-64 Linux")
    out = tmp_path_factory.mktemp("linux") / "xlreport-linux"
    start = time.perf_counter()
    result = make_bundle(out, platform=LINUX, pythons=[PY], progress=lambda _: None)
    TIMES["bundle linux"] = time.perf_counter() - start
    return result


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


# ---------------------------------------------------------------------------
# Linux: installs offline and runs


def test_linux_bundle_installs_offline_and_runs_demo(linux_bundle, tmp_path):
    folder = linux_bundle.folder
    assert (folder / "install.sh").stat().st_mode & 0o111
    home = tmp_path / "home"
    home.mkdir()
    env = offline_env(home)
    start = time.perf_counter()
    proc = subprocess.run(["sh", str(folder / "install.sh")], env=env, capture_output=True, text=True, timeout=600)
    TIMES["install linux (offline)"] = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    venv, work = home / "xlreport", home / "Documents" / "xlreport"
    assert sorted(p.name for p in work.iterdir()) == ["report.xlsm", "report.xlsx"]
    assert (work / "report.xlsm").read_bytes() == (folder / "report.xlsm").read_bytes()
    demo = subprocess.run([str(venv / "bin" / "xlreport"), "demo", "-o", str(tmp_path / "demo")], env=env,
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert (tmp_path / "demo" / "demo-2020.xlsx").stat().st_size > 0
    assert list((tmp_path / "demo").glob("*.docx"))
    # it is the bundled xlreport, not this checkout
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import xlreport; print(xlreport.__file__)"],
                           env=env, capture_output=True, text=True)
    assert str(venv) in where.stdout
    print(f"\nbundle {LINUX}/{PY}: {size_mb(folder):.1f} MB, zip {linux_bundle.zip.stat().st_size / 2**20:.1f} MB; "
          + ", ".join(f"{k} {v:.0f} s" for k, v in TIMES.items()))


def test_linux_bundle_requirements_pin_every_wheel_with_its_hash(linux_bundle):
    import hashlib

    folder = linux_bundle.folder
    lines = [line for line in (folder / f"requirements-{PY}.txt").read_text("utf-8").splitlines() if not line.startswith("#")]
    wheels = sorted((folder / "wheels").glob("*.whl"))
    assert len(lines) == len(wheels)
    hashes = {hashlib.sha256(w.read_bytes()).hexdigest() for w in wheels}
    for line in lines:
        name, rest = line.split("==", 1)
        assert rest.split()[1].removeprefix("--hash=sha256:") in hashes
    assert any(line.startswith("xlreport==") for line in lines)
    assert not (folder / "安装.bat").exists()  # a Linux bundle has no Windows script


# ---------------------------------------------------------------------------
# Windows: resolves for the target, carries the DLL; the scripts' bytes


def test_windows_bundle_resolves_completely_for_win_amd64(win_bundle, tmp_path):
    folder = win_bundle.folder
    env = offline_env(tmp_path)
    base = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(folder / "wheels"),
            "--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp", "--only-binary=:all:",
            "--target", str(tmp_path / "target")]
    for args in (["xlreport"], ["--require-hashes", "-r", str(folder / "requirements-3.11.txt")]):
        proc = subprocess.run(base + args, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "Would install" in proc.stdout and f"xlreport-{xlreport.__version__}" in proc.stdout
    # pip judges environment markers by this (Linux) machine, so the dry run cannot see
    # xlwings' `pywin32; platform_system == "Windows"`: the bundle's own closure check does
    wheels = sorted((folder / "wheels").glob("*.whl"))
    assert missing_requirements(wheels, "win_amd64", "3.11") == []
    assert any(w.name.startswith("pywin32-") and w.name.endswith("-cp311-cp311-win_amd64.whl") for w in wheels)


def test_closure_check_finds_what_pip_misses(win_bundle, tmp_path):
    """Without pywin32 pip's dry run for win_amd64 still succeeds; missing_requirements does not."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    for w in (win_bundle.folder / "wheels").glob("*.whl"):
        if not w.name.startswith("pywin32-"):
            (folder / w.name).symlink_to(w)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links",
                           str(folder), "--platform", "win_amd64", "--python-version", "3.11", "--implementation",
                           "cp", "--only-binary=:all:", "--target", str(tmp_path / "t"), "xlreport"],
                          env=offline_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "pywin32" not in proc.stdout  # pip does not notice
    wheels = sorted(folder.glob("*.whl"))
    assert missing_requirements(wheels, "win_amd64", "3.11") == ["pywin32>=224"]
    assert missing_requirements(wheels, LINUX, "3.11") == []  # not needed on Linux


def fake_wheel(folder: Path, name: str, version: str, *requires: str) -> Path:
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        meta = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
        zf.writestr(f"{name}-{version}.dist-info/METADATA", "\n".join(meta + [f"Requires-Dist: {r}" for r in requires]))
    return path


def test_requirements_follow_the_target_markers(tmp_path):
    """What a Windows PC installs: Windows-only packages in, this machine's (Linux-only) ones out,
    extras followed."""
    wheels = [fake_wheel(tmp_path, "xlreport", "1", "alpha>=1", 'linuxonly; sys_platform == "linux"',
                         'winonly; platform_system == "Windows"', "gamma[fast]", 'unused; extra == "test"'),
              fake_wheel(tmp_path, "alpha", "1.5"), fake_wheel(tmp_path, "linuxonly", "1"),
              fake_wheel(tmp_path, "winonly", "2"), fake_wheel(tmp_path, "gamma", "1", 'speed; extra == "fast"'),
              fake_wheel(tmp_path, "speed", "1"), fake_wheel(tmp_path, "unused", "1")]
    names = lambda ws: sorted(w.name.split("-")[0] for w in ws)  # noqa: E731
    assert names(needed_wheels(wheels, "win_amd64", "3.11")) == ["alpha", "gamma", "speed", "winonly", "xlreport"]
    assert names(needed_wheels(wheels, LINUX, "3.11")) == ["alpha", "gamma", "linuxonly", "speed", "xlreport"]
    assert missing_requirements(wheels[:1] + wheels[2:], "win_amd64", "3.11") == ["alpha>=1"]
    assert missing_requirements([w for w in wheels if "winonly" not in w.name], LINUX, "3.11") == []


def test_no_wheels_for_the_target_is_a_clear_error_and_leaves_nothing(tmp_path, capsys):
    assert main(["bundle", "-o", str(tmp_path / "b"), "--platform", "win_sparc", "--python", "3.11"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "win_sparc" in err and "--platform" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no folder, no zip, no temporary folder


def test_windows_bundle_has_the_xlwings_dll(win_bundle):
    from importlib.metadata import version

    xw = version("xlwings")
    (wheel,) = (win_bundle.folder / "wheels").glob(f"xlwings-{xw}-cp311-cp311-win_amd64.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert f"xlwings-{xw}.data/data/xlwings64-{xw}.dll" in names
    assert f"xlwings-{xw}.data/data/xlwings32-{xw}.dll" in names
    bat = (win_bundle.folder / "安装.bat").read_bytes().decode("gbk")
    assert f'if not exist "%VENV%\\xlwings64-{xw}.dll"' in bat


def test_install_bat_bytes_are_what_cmd_reads(win_bundle):
    raw = (win_bundle.folder / "安装.bat").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # a BOM would be read as a command
    assert raw.count(b"\n") == raw.count(b"\r\n") > 50  # CRLF only
    text = raw.decode("gbk")  # strict: the file is GBK
    assert text.startswith("@echo off\r\n")
    for line in text.split("\r\n"):
        if not line.isascii():  # Chinese only in messages and remarks, never in a command
            parts = re.split(r"\b(echo|rem) ", line, maxsplit=1)
            assert len(parts) == 3 and parts[0].isascii(), line
    # no GBK character whose second byte is special to cmd on another code page
    specials = set(b'|^&<>()"%!\\')
    for ch in {c for c in text if not c.isascii()}:
        assert ch.encode("gbk")[1] not in specials, ch
    assert '-m pip install --no-index --find-links "%~dp0wheels" --require-hashes' in text
    assert "xlwings.exe\" config create --force" in text
    assert "call :find 3.11" in text and (win_bundle.folder / "requirements-3.11.txt").is_file()
    assert "Unblock-File" in text and "%USERPROFILE%\\Documents\\xlreport" in text


def test_instructions_and_zip(win_bundle):
    folder = win_bundle.folder
    raw = (folder / "使用说明.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("utf-8-sig")
    for words in ("python.org", "64-bit", "安装.bat", "xlreport.exe demo", "启用内容", "解除锁定", "受信任位置",
                  "Microsoft Store", "report.xlsx"):
        assert words in text, words
    assert win_bundle.zip == folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(win_bundle.zip) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        files = sorted(p.relative_to(folder.parent).as_posix() for p in folder.rglob("*") if p.is_file())
        assert sorted(infos) == files
        assert infos[f"{folder.name}/安装.bat"].flag_bits & 0x800  # UTF-8 file name
        assert zf.read(f"{folder.name}/安装.bat") == (folder / "安装.bat").read_bytes()
        assert (infos[f"{folder.name}/install.sh"].external_attr >> 16) & 0o111
    for name in ("report.xlsm", "report.xlsx"):
        assert (folder / name).read_bytes() == (source_root() / "templates" / name).read_bytes()


# ---------------------------------------------------------------------------
# Refusals (no download happens)


def test_refuses_existing_folder_or_zip_without_force(tmp_path, capsys):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("x")
    assert main(["bundle", "-o", str(tmp_path / "b")]) == 2
    assert "已存在" in capsys.readouterr().err
    (tmp_path / "c.zip").write_text("x")
    assert main(["bundle", "-o", str(tmp_path / "c")]) == 2
    assert "c.zip" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "c.zip"]
    assert (tmp_path / "b" / "keep.txt").read_text() == "x"


@pytest.mark.parametrize("args, words", [(["--python", "3.9"], "3.11"), (["--python", "three"], "3.11"),
                                         (["--platform", "win amd64"], "win_amd64")])
def test_refuses_bad_options(tmp_path, capsys, args, words):
    assert main(["bundle", "-o", str(tmp_path / "b"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and words in err
    assert list(tmp_path.iterdir()) == []


def test_refuses_without_source(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "site-packages" / "xlreport" / "bundle.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("")
    # the module: xlreport.bundle is the API's function (tests/api/test_package_face.py)
    monkeypatch.setattr(importlib.import_module("xlreport.bundle"), "__file__", str(fake))
    with pytest.raises(XlreportError, match="没有源代码"):
        source_root()
    assert main(["bundle", "-o", str(tmp_path / "b")]) == 2
    assert "pip install -e ." in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_server_bundle_follows_the_server_extra(tmp_path, monkeypatch):
    """`bundle --server`: the target also installs xlreport[server] (the desk's Django, waitress …)."""
    bundle_module = importlib.import_module("xlreport.bundle")  # the module: xlreport.bundle is the API's function

    wheels = [fake_wheel(tmp_path, "xlreport", "1", "alpha>=1", 'django>=5.2; extra == "server"'),
              fake_wheel(tmp_path, "alpha", "1.5"), fake_wheel(tmp_path, "django", "5.2", "asgiref")]
    wheels.append(fake_wheel(tmp_path, "asgiref", "3"))
    names = lambda ws: sorted(w.name.split("-")[0] for w in ws)  # noqa: E731
    assert names(needed_wheels(wheels, "win_amd64", "3.11")) == ["alpha", "xlreport"]
    assert names(needed_wheels(wheels, "win_amd64", "3.11", extras=("server",))) == \
        ["alpha", "asgiref", "django", "xlreport"]
    asked = {}
    monkeypatch.setattr(bundle_module, "make_bundle", lambda *a, **kw: asked.update(kw) or (_ for _ in ()).throw(
        XlreportError("stopped here")))
    assert main(["bundle", "-o", str(tmp_path / "b"), "--server"]) == 2
    assert asked["server"] is True
    assert "报送服务" in bundle_module.instructions(["3.11"], "win_amd64", None, server=True)
    assert "报送服务" not in bundle_module.instructions(["3.11"], "win_amd64", None)
