"""The documentation: its generated parts are up to date with the declarations, the README
stays short and names the two set-up commands, and every link between the files resolves."""

import re
from pathlib import Path

from conftest import REPO
from rule_table import DEFAULT, render
from xlreport.model.rules import RULES

README = REPO / "README.md"
RULES_DOC = REPO / DEFAULT  # docs/rules.md, where the generated rule table lives
DOCS = sorted((REPO / "docs").glob("*.md"))


def test_generated_parts_are_current():
    text = RULES_DOC.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m rule_table"


def test_the_rule_table_lists_every_rule():
    text = RULES_DOC.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.severity} |" in text


def test_readme_names_the_two_setup_commands():
    """.ci/run runs the README's test command; `xlreport demo` is the first thing a newcomer runs."""
    text = README.read_text(encoding="utf-8")
    assert "python -m pip install . && xlreport demo" in text
    assert "python -m pip install -e '.[test]' && python -m pytest -q -n auto --dist loadgroup" in text
    assert "python -m pip install -e '.[test]' && python -m pytest -q -n auto --dist loadgroup" in (REPO / ".ci" / "run").read_text("utf-8")


def test_readme_is_short_and_links_every_reference_file():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < 300
    linked = set(re.findall(r"\]\((docs/[^)#\s]+\.md)", text))
    assert linked == {f"docs/{p.name}" for p in DOCS}, "the README's table of docs/ is out of date"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def test_every_relative_link_resolves():
    """Links between README.md and docs/*.md (and to pictures and files) point at something,
    and a link to a section names a heading that is there."""
    broken = []
    for doc in [README, *DOCS]:
        text = re.sub(r"^```.*?^```", "", doc.read_text(encoding="utf-8"), flags=re.S | re.M)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            if not file.exists():
                broken.append(f"{doc.name}: {target}")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{doc.name}: {target} (no such heading)")
    assert not broken, broken
