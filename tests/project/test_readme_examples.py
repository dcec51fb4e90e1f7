"""The documentation's examples are run: a command shown as `$ xlreport …` in a fenced block
of README.md or docs/*.md must print exactly the lines below it (a last line `…` stands for
more lines). They run in a copy of the shared fixtures folder, where the docs say they do."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def examples() -> list[tuple[str, list[str]]]:
    out = []
    blocks = [b for doc in DOCS for b in re.findall(r"^```[a-z]*\n(.*?)^```", doc.read_text("utf-8"), re.S | re.M)]
    for block in blocks:
        lines = block.splitlines()
        if not lines or not lines[0].startswith("$ "):
            continue
        for line in lines:
            if line.startswith("$ "):
                out.append((line[2:], []))
            else:
                out[-1][1].append(line)
    return out


EXAMPLES = examples()


def test_the_docs_have_their_examples():
    commands = [c for c, _ in EXAMPLES]
    assert "xlreport check 2023_hongze_qzf.json" in commands
    assert all(c.startswith("xlreport ") for c in commands)


@pytest.mark.parametrize("command,expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(fixtures_dir, tmp_path, command, expected):
    import shutil

    work = shutil.copytree(fixtures_dir, tmp_path / "reports")  # an example may write a file
    argv = [sys.executable, "-m", "xlreport", *shlex.split(command)[1:]]
    run = subprocess.run(argv, cwd=work, capture_output=True, text=True, encoding="utf-8")
    got = (run.stdout + run.stderr).splitlines()
    if expected and expected[-1] == "…":
        expected = expected[:-1]
        got = got[:len(expected)]
    assert got == expected, run.stderr


def test_the_text_missing_description_names_every_section_it_checks():
    """The rule table says which texts `text-missing` looks at: all that its messages name."""
    from xlreport.checks.text import check_text
    from xlreport.model.formats import V2019, V2021
    from xlreport.model.rules import RULE_BY_ID

    summary = RULE_BY_ID["text-missing"].summary
    for fmt in (V2019, V2021):
        found = [p for p in check_text({}, fmt, None) if p.rule == "text-missing"]
        sections = {m.group(1) for p in found for m in [re.search(r"“([一二三四五六])、", p.message)] if m}
        assert sections and all(s in summary for s in sections), (fmt.version, sections)
        if fmt.version == "2021":  # with 一's opening text only, each of its five aspects is missing
            found = [p for p in check_text({"text.overview": "总体情况。"}, fmt, None) if p.rule == "text-missing"]
            subs = [p for p in found if p.keys[0].startswith("text.overview.")]
            assert len(subs) == 5 and "five sub-topics" in summary


def test_the_docs_state_the_worker_cap():
    from xlreport.batch import MAX_WORKERS

    checking = (REPO / "docs" / "checking.md").read_text("utf-8")
    assert f"at most {MAX_WORKERS}" in checking and "every core" not in checking
