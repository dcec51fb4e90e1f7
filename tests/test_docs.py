"""The README's generated parts are up to date with the declarations."""

from pathlib import Path

from xlreport.docs import render
from xlreport.rules import RULES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_generated_parts_are_current():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m xlreport.docs"


def test_readme_lists_every_rule_and_the_two_commands():
    text = README.read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| `{rule.id}` | {rule.severity} |" in text
    assert "xlreport demo" in text and "python -m pytest" in text
