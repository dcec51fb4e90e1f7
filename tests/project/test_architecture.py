"""The package's layout holds what docs/developers.md promises (issues 11 and 18): no import
cycle (imports inside functions included), each module on its floor and importing nothing from
a floor above it, no version test outside the format declarations, no module over 600 lines,
and one pipeline behind every shell."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

SRC = REPO / "src" / "xlreport"
MODULES = sorted(p for p in SRC.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {module_name(p): p for p in MODULES}


def imports_of(path: Path) -> set[str]:
    """Every xlreport module `path` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in NAMES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in NAMES:  # a name inside a module: the module
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def test_no_import_cycle():
    graph = {name: imports_of(path) for name, path in NAMES.items()}
    # (a module's own package __init__ runs first when it is imported; an __init__ that
    # imports its package's modules is the usual way in, not a cycle)
    cycles = []
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt == "xlreport":  # the top package re-exports the API: it is the entry, never a dependency
                continue
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_nothing_below_the_shells_imports_them():
    """The command line, the Excel module and the API sit on top: no library module imports them."""
    shells = {"xlreport.cli", "xlreport.cli.main", "xlreport.cli.demo", "xlreport.excel"}
    low = {n for n in NAMES if not n.startswith(("xlreport.cli", "xlreport.excel", "xlreport.api", "xlreport.server"))
           and n not in ("xlreport", "xlreport.__main__")}
    offenders = {n: imports_of(NAMES[n]) & (shells | {"xlreport.api"}) for n in low}
    assert {n: s for n, s in offenders.items() if s} == {}


def test_no_version_test_outside_the_format_declarations():
    """Differences between V2019 and V2021 are declared traits of ReportFormat, not branches."""
    found = []
    for path in MODULES:
        if "model/formats" in path.as_posix():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(isinstance(s, ast.Attribute) and s.attr == "version" for s in sides) and \
                        any(isinstance(s, ast.Constant) and s.value in ("2019", "2021") for s in sides):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []


# The floors, lowest first (docs/developers.md "Floors"). A module imports only from its own
# floor and the ones below; a name matches itself and everything below it (xlreport.io:
# xlreport.io.jsonfile …), the longest match wins. A new module or package goes on a floor here.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("model", ("xlreport.model", "xlreport.errors")),  # what a report is; what can go wrong
    ("checks", ("xlreport.checks",)),  # how a report is checked
    ("library", ("xlreport.io", "xlreport.workbook", "xlreport.report", "xlreport.audit", "xlreport.batch",
                 "xlreport.bundle")),  # files in and out, the workbook, the report, the audit
    ("api", ("xlreport.api",)),  # every job once
    ("shells", ("xlreport.cli", "xlreport.excel", "xlreport.server", "xlreport.__main__")),  # what people run
    ("face", ("xlreport",)),  # the package's public names (xlreport/__init__.py): nothing imports it
)
FLOOR_NAMES = [name for name, _ in FLOORS]


def floor_of(module: str) -> str | None:
    """The floor of a module, or None when FLOORS does not place it."""
    best: tuple[int, str] | None = None
    for floor, prefixes in FLOORS:
        for prefix in prefixes:
            if module == prefix or (prefix != "xlreport" and module.startswith(prefix + ".")):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), floor)
    return best[1] if best else None


def upward_imports(floor: str, graph: dict[str, set[str]]) -> dict[str, list[str]]:
    """The modules of `floor` that import from a floor above it, with what they import."""
    level = FLOOR_NAMES.index(floor)
    out = {}
    for name, imported in graph.items():
        if floor_of(name) != floor:
            continue
        above = sorted(i for i in imported if FLOOR_NAMES.index(floor_of(i) or "face") > level)
        if above:
            out[name] = above
    return out


def test_every_module_is_on_a_floor():
    assert [n for n in NAMES if floor_of(n) is None] == [], "put the new module on a floor in FLOORS"


@pytest.mark.parametrize("floor", FLOOR_NAMES)
def test_no_module_imports_from_a_floor_above(floor):
    """model/ imports only model/ (and errors.py), checks/ nothing above model/, no library
    module the API, the command line, the Excel module or the package face (xlreport/__init__)."""
    graph = {name: imports_of(path) for name, path in NAMES.items()}
    assert upward_imports(floor, graph) == {}


def test_the_floor_test_catches_an_upward_import():
    """The check above can fail: each floor's modules importing what sits above them."""
    graph = {"xlreport.model.spec": {"xlreport.checks.values"},
             "xlreport.checks.formula": {"xlreport.workbook.styles"},
             "xlreport.workbook.checksheet": {"xlreport.cli.console"},
             "xlreport.report.webpage": {"xlreport"},
             "xlreport.audit.gather": {"xlreport.api"},
             "xlreport.api": {"xlreport.cli.main"},
             "xlreport.cli.main": {"xlreport"}}
    assert {f: list(upward_imports(f, graph)) for f in FLOOR_NAMES} == {
        "model": ["xlreport.model.spec"], "checks": ["xlreport.checks.formula"],
        "library": ["xlreport.workbook.checksheet", "xlreport.report.webpage", "xlreport.audit.gather"],
        "api": ["xlreport.api"], "shells": ["xlreport.cli.main"], "face": []}


MAX_LINES = 600


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_over_600_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split the module (docs/developers.md)"


def test_every_shell_goes_through_the_same_api_function(tmp_path, monkeypatch, capsys):
    """`check`, `render`, the Excel button and the demo call xlreport.api.check (one pipeline)."""
    import json

    from xlreport import api
    from xlreport.cli import main
    from xlreport.cli.demo import demo_document

    calls = []
    real = api.check

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "check", counted)
    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_document(), ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(src)]) == 0 and len(calls) == 1
    assert main(["render", str(src), "-o", str(tmp_path / "r.docx")]) == 0 and len(calls) == 2
    assert main(["render", str(src), "-o", str(tmp_path / "r.html")]) == 0 and len(calls) == 3

    from xlreport.excel import problems_of

    problems_of(api.load(src))
    assert len(calls) == 4

    monkeypatch.setattr("xlreport.io.office.find_soffice", lambda: None)  # the demo without its PDF step
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "-o", str(tmp_path / "demo")]) == 0
    assert len(calls) >= 5
    capsys.readouterr()


def test_runtime_dependencies_are_the_ones_the_code_imports():
    """Every third-party package the package imports is a declared dependency, and every
    declared dependency is imported (pyproject.toml [project] dependencies)."""
    import sys
    import tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {d.split(";")[0].split("=")[0].split(">")[0].split("<")[0].split("[")[0].strip().lower() for d in declared}
    module_of = {"xlsxwriter": "xlsxwriter", "python-calamine": "python_calamine", "python-docx": "docx",
                 "jinja2": "jinja2", "docxtpl": "docxtpl", "xlwings": "xlwings", "pypdfium2": "pypdfium2",
                 "lxml": "lxml"}
    assert names == set(module_of)  # a new dependency: say here which module it brings
    # The submission desk (xlreport.server, and the commands that start it) imports the
    # optional extra `server` instead; nothing else may.
    extra = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    server_modules = {"django": "django", "waitress": "waitress", "whitenoise": "whitenoise", "psycopg": "psycopg"}
    # argon2-cffi is loaded by Django's Argon2 hasher, which server/hashers.py names (not imported by us)
    loaded_by_django = {"argon2-cffi"}
    assert {d.split(">")[0].split("[")[0].strip().lower() for d in extra["server"]} == set(server_modules) | loaded_by_django

    def third_party(paths) -> set[str]:
        imported = set()
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    imported.add(node.module.split(".")[0])
        return {m for m in imported if m not in sys.stdlib_module_names and m not in ("xlreport", "__future__")}

    desk = [p for p in MODULES if "server" in p.relative_to(SRC).with_suffix("").parts]
    # packaging: bundle.py falls back to pip's own copy when it is not installed
    assert third_party(set(MODULES) - set(desk)) - {"packaging", "pip"} == set(module_of.values())
    assert third_party(desk) - set(module_of.values()) == set(server_modules.values())
