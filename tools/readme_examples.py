"""Rewrite the outputs of the `$ xlreport …` examples in README.md and docs/*.md from a real run.

    python tools/readme_examples.py          # updates the files in place

The commands run in a copy of the shared fixtures folder (../shared/fixtures/reports), as
tests/project/test_readme_examples.py runs them; an example that ends in a `…` line keeps
as many lines as it showed before.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "reports"


def run(command: str) -> list[str]:
    """The command's output, run in a fresh copy of the fixtures (an example may write a file)."""
    import shutil
    import tempfile

    argv = [sys.executable, "-m", "xlreport", *shlex.split(command)[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        work = shutil.copytree(FIXTURES, Path(tmp) / "reports")
        done = subprocess.run(argv, cwd=work, capture_output=True, text=True, encoding="utf-8")
    return (done.stdout + done.stderr).splitlines()


def rewrite(block: str) -> str:
    lines = block.splitlines()
    if not lines or not lines[0].startswith("$ "):
        return block
    out: list[str] = []
    i = 0
    while i < len(lines):
        command = lines[i]
        j = i + 1
        while j < len(lines) and not lines[j].startswith("$ "):
            j += 1
        shown = lines[i + 1:j]
        got = run(command[2:])
        if shown and shown[-1] == "…":
            got = got[:len(shown) - 1] + ["…"]
        out += [command, *got]
        i = j
    return "\n".join(out) + "\n"


def main() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        new = re.sub(r"(^```[a-z]*\n)(.*?)(^```)", lambda m: m.group(1) + rewrite(m.group(2)) + m.group(3),
                     text, flags=re.S | re.M)
        if new != text:
            doc.write_text(new, encoding="utf-8")
            print(f"updated {doc.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
