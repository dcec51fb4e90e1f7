"""How problems are told to people: severity words and the per-file listing.

Shared by the command line, the demo and `render`, so that each says it the same way.
"""

from __future__ import annotations

SEVERITY_LABEL = {"error": "错误", "warning": "警告"}


def print_problems(name: str, problems) -> None:
    """One line per problem, then the verdict. `problems`: Problem objects or their dicts."""
    problems = [p if isinstance(p, dict) else p.to_dict() for p in problems]
    for p in problems:
        where = f" [{', '.join(p['cells'])}]" if p["cells"] else ""
        print(f"{name}: [{SEVERITY_LABEL[p['severity']]}] {p['message']} ({p['rule']}){where}")
    errors = sum(p["severity"] == "error" for p in problems)
    warnings = len(problems) - errors
    verdict = "未通过" if errors else "通过"
    print(f"{name}: {verdict}（{errors} 个错误，{warnings} 个警告）")
