"""Parts of the documentation generated from the declarations (run `python tools/rule_table.py`).

docs/rules.md keeps each generated part between `<!-- NAME:start -->` and
`<!-- NAME:end -->`; a test (tests/project/test_docs.py) fails when the committed file is out of date.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from xlreport.model.formats import V2019, V2021
from xlreport.model.rules import RULES


def rules_table() -> str:
    rows = ["| rule id | severity | what it finds | instances in V2019 / V2021 | native formula |",
            "|---|---|---|---|---|"]
    for rule in RULES:
        n = [sum(c.rule == rule.id for c in f.all_checks()) for f in (V2019, V2021)]
        if any(n):
            counts = " / ".join(str(i) if i else "—" for i in n)
        else:
            counts = "one per value" if rule.id.startswith("value-") else "one per finding"
        rows.append(f"| `{rule.id}` | {rule.severity} | {rule.summary} | {counts} | {'yes' if rule.native else 'no'} |")
    return "\n".join(rows)


PARTS = {"rules": rules_table}


DEFAULT = Path("docs") / "rules.md"  # relative to the repository folder, where the command runs


def render(text: str) -> str:
    for name, make in PARTS.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"no <!-- {name}:start --> … <!-- {name}:end --> block (it belongs in {DEFAULT})")
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    text = path.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
