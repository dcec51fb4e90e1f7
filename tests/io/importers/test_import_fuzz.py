"""Generated text tables with what real pages do to them (issue 12 item 3): labels split by
spaces, full-/half-width numbering, typos, abbreviated labels, group labels missing or
repeated, blanks and 「-」「—」「/」, notes inside cells. Each row imports with its values,
or the import says that it could not read that row — never a silent gap or a wrong value.
"""

from __future__ import annotations

import unicodedata

from factories import consistent_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlreport.model.formats import FORMATS
from xlreport.io.importers.match import match_document
from xlreport.io.importers.text import parse_text

V2021 = FORMATS["2021"]
DATA = consistent_data(V2021, seed=7, distinct=True, with_totals=True)
ROWS = []  # (row key, label path)
for f in V2021.fields:
    if f.key.startswith("t3.") and f.key.endswith(".natural_person"):
        ROWS.append((f.key[3:-len(".natural_person")], f.row))
COLS = [f.key.rsplit(".", 1)[1] for f in V2021.fields if f.key.startswith("t3.new.")]
BLANKS = ["", "-", "—", "/", "无"]


@st.composite
def label_variant(draw, label: str) -> str:
    out = label
    if draw(st.booleans()):  # the numbering half-width: （三） → (三), 1. → 1．
        head = out[:4]
        out = unicodedata.normalize("NFKC", head) + out[4:] if draw(st.booleans()) else out.replace(".", "．", 1)
    core = out.split("（", 1)[0] if "（" in out[3:] else out
    if draw(st.booleans()) and core != out and not out.startswith("（"):  # abbreviated: annotation dropped
        out = core
    if len(out) >= 8 and draw(st.booleans()):  # a typo inside the words
        i = draw(st.integers(4, len(out) - 2))
        out = out[:i] + "某" + out[i + 1:]
    if draw(st.booleans()):  # split across spans: spaces inside
        i = draw(st.integers(1, len(out) - 1))
        out = out[:i] + " " + out[i:]
    return out


@st.composite
def table_three(draw):
    repeat_groups = draw(st.booleans())
    lines, expected, printed = [], {}, {}
    seen_groups: set[str] = set()
    for row_key, path in ROWS:
        labels = []
        for level, label in enumerate(path):
            is_group = level < len(path) - 1
            if is_group and label in seen_groups and not repeat_groups:
                continue  # merged group label printed only on its first row
            seen_groups.add(label)
            labels.append(draw(label_variant(label)))
        printed[row_key] = labels[-1]
        cells = []
        for col in COLS:
            value = DATA[f"t3.{row_key}.{col}"]
            kind = draw(st.sampled_from(["plain"] * 6 + ["blank", "note", "unit"]))
            if kind == "blank":
                cells.append(draw(st.sampled_from(BLANKS)))
                # a total printed blank stays blank ("", reported as value-missing), never computed
                expected[f"t3.{row_key}.{col}"] = "" if V2021.field(f"t3.{row_key}.{col}").derived else None
            else:
                text = str(value) + ("（含上年结转1件）" if kind == "note" else "件" if kind == "unit" else "")
                cells.append(text)
                expected[f"t3.{row_key}.{col}"] = value
        lines.append(" | ".join(labels + cells))
    return "\n".join(lines), expected, printed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_three())
def test_generated_tables_import_or_say_what_they_could_not_read(case):
    table, expected, printed = case
    text = f"某市某局2022年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n{table}\n"
    result = match_document(parse_text(text, "gen.txt"))
    for row_key, _ in ROWS:
        keys = [f"t3.{row_key}.{col}" for col in COLS]
        if keys[0] in result.cells:
            assert [result.data.get(k) for k in keys] == [expected[k] for k in keys], (row_key, printed[row_key])
        else:  # not read: the notes say which printed row
            assert any(printed[row_key] in note for note in result.notes), (row_key, printed[row_key], result.notes)
    for key, value in expected.items():
        if value in (None, "") and key in result.cells:
            assert any(result.cells[key] in note and ("空白" in note) for note in result.notes)
    read = sum(1 for row_key, _ in ROWS if f"t3.{row_key}.natural_person" in result.cells)
    assert read >= len(ROWS) - 2  # the variations of real pages are read, not merely reported


def test_a_row_whose_item_label_comes_before_its_group_label_is_reported_not_a_crash():
    # One row of table 三 prints 「三、本年度办理结果 | 1.属于国家秘密 | （三）不予公开」: the group
    # label, read last, undoes the deeper label, so the row names no official row (this crashed
    # with AttributeError: the type checker found it).
    lines = []
    for row_key, path in ROWS:
        labels = list(path)
        if row_key == "denied.state_secret":
            labels[-2:] = labels[-1], labels[-2]
        lines.append(" | ".join(labels + [str(DATA[f"t3.{row_key}.{col}"]) for col in COLS]))
    text = "某市某局2022年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join(lines) + "\n"
    result = match_document(parse_text(text, "gen.txt"))
    assert "t3.denied.state_secret.natural_person" not in result.cells
    assert any("1.属于国家秘密 （三）不予公开" in note and "未读入" in note for note in result.notes), result.notes
    assert "t3.new.natural_person" in result.cells  # the other rows are read
