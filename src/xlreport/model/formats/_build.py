"""Turn the official lists written out in `v2019.py` / `v2021.py` into fields,
grid tables and checks. Only mechanics live here; every label is in the
format modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from xlreport.model.spec import (
    Check,
    Field,
    GridCell,
    Group,
    SubTable,
    Table,
    Term,
    ValueType,
    matrix_cells,
    split_key,
    sub_tables,
)

# data-model.md §2.1 — identical in both versions.
AGENCY_KINDS: tuple[tuple[str | bool, str], ...] = (
    ("government", "各级人民政府"), ("department", "政府部门"), ("other", "其他"))
YES_NO: tuple[tuple[str | bool, str], ...] = ((True, "是"), (False, "否"))


class _Labels(TypedDict, total=False):
    """The printed labels of a field's place and its key parts, passed on to `Field` as keywords."""

    place: str
    row: tuple[str, ...]
    column: tuple[str, ...]
    row_key: tuple[str, ...]
    col_key: str


def row_parts(row_key: str) -> tuple[str, ...]:
    """A row as the format modules declare it, written as data-model.md §2.4 writes it
    ("denied.state_secret"), in its key parts; everything else reads the parts from `Field`."""
    return split_key(row_key)


def meta_fields() -> tuple[Field, ...]:
    def meta(name: str, label: str, type_: ValueType = "text", required: bool = False,
             choices: tuple[tuple[str | bool, str], ...] = ()) -> Field:
        return Field(f"meta.{name}", "meta", f"封面 {label}", type_, required=required, choices=choices,
                     label=label, place="封面", row=(label,), row_key=(name,))

    return (
        meta("agency", "机关全称", required=True),
        meta("year", "报告年度", "int", required=True),
        meta("agency_kind", "机关类型", "choice", choices=AGENCY_KINDS),
        meta("can_make_rules", "有规章制定权", "bool", choices=YES_NO),
        meta("office", "联系机构"),
        meta("address", "地址"),
        meta("postcode", "邮政编码"),
        meta("phone", "联系电话"),
        meta("email", "电子邮箱"),
    )


def row_label(path: tuple[str, ...]) -> str:
    """The words that name a table-三 row in messages: the path below 三、本年度办理结果."""
    return " ".join(path[1:]) if len(path) > 1 else path[0]


def column_paths(header: list[GridCell], first_col: int) -> dict[int, tuple[str, ...]]:
    """For each value column of a table, the header texts above it, outermost first."""
    paths: dict[int, list[str]] = {}
    for c in sorted((c for c in header if c.role == "header"), key=lambda c: (c.row, c.col)):
        for col in range(c.col, c.col + c.colspan):
            if col >= first_col:
                paths.setdefault(col, []).append(c.text)
    return {col: tuple(path) for col, path in paths.items()}


def table3(
    name: str,
    heading: str,
    header: list[GridCell],
    rows: list[tuple[str, tuple[str, ...]]],
    cols: list[tuple[str, str]],
    result_rows: list[str],
) -> tuple[Table, list[Field], list[Check]]:
    label_cols = 3
    header_rows = 1 + max(c.row + c.rowspan - 1 for c in header)
    col_keys = [k for k, _ in cols]
    applicant_cols = [k for k in col_keys if k != "total"]
    col_label = dict(cols)
    cells = header + matrix_cells(rows, col_keys, "t3", header_rows, label_cols)
    table = Table(
        id="t3", name=name, heading=heading, n_rows=header_rows + len(rows),
        n_cols=label_cols + len(cols), cells=tuple(cells), label_cols=label_cols,
        header_rows=header_rows, col_widths=(8, 12, 34) + (9,) * len(cols),
    )
    headers = column_paths(header, label_cols)
    fields: list[Field] = []
    for row_key, path in rows:
        rl = row_label(path)
        for i, col in enumerate(col_keys):
            key = f"t3.{row_key}.{col}"
            where = f"{name} “{rl}” {col_label[col]}"
            labels: _Labels = {"place": name, "row": path, "column": headers[label_cols + i],
                               "row_key": row_parts(row_key), "col_key": col}
            if col == "total":
                f = Field(key, "t3", where, derived_from=tuple(f"t3.{row_key}.{c}" for c in applicant_cols),
                          **labels, derived_rule="t3-row-sum",
                          derived_message=f"{name} “{rl}”行：六类申请人之和（{{expected}}）"
                                          f"不等于本行“总计”（{{actual}}），请核对本行各列")
            elif row_key == "total":
                f = Field(key, "t3", where, derived_from=tuple(f"t3.{r}.{col}" for r in result_rows),
                          **labels, derived_rule="t3-results-sum",
                          derived_message=f"{name} {col_label[col]}列：各项办理结果之和（{{expected}}）"
                                          f"不等于“{rl}”（{{actual}}），请核对本列“三、本年度办理结果”各行")
            else:
                f = Field(key, "t3", where, **labels)
            fields.append(f)
    checks = [
        Check("t3-results-sum", tuple(Term(f"t3.{r}.total") for r in result_rows), (Term("t3.total.total"),),
              f"{name} 总计列：各项办理结果之和（{{expected}}）不等于“（七）总计”（{{actual}}），"
              f"请核对总计列“三、本年度办理结果”各行")
    ]
    for col in col_keys:
        checks.append(Check(
            "t3-balance",
            (Term(f"t3.new.{col}"), Term(f"t3.carried_over.{col}")),
            (Term(f"t3.total.{col}"), Term(f"t3.carried_forward.{col}")),
            f"{name} {col_label[col]}列：第一项加第二项之和（{{expected}}）不等于第三项加第四项之和（{{actual}}），"
            f"请核对本列“四、结转下年度继续办理”和各项办理结果",
        ))
    for col in col_keys:
        checks.append(Check(
            "t3-carry-continuity",
            (Term(f"previous.t3.carried_forward.{col}"),),
            (Term(f"t3.carried_over.{col}"),),
            f"{name} {col_label[col]}列：“二、上年结转政府信息公开申请数量”（{{actual}}）不等于上年报告的"
            f"“四、结转下年度继续办理”（{{expected}}），请核对，确有原因的请在报告中说明",
        ))
    return table, fields, checks


def outcome_groups(rows: list[tuple[str, tuple[str, ...]]], result_rows: list[str]) -> tuple[Group, ...]:
    """Table 三's result groups （一）…（六）, from the row declarations: a group is the
    second label of its rows (（三）不予公开 over 1.… 8.), its figure the sum of their 总计."""
    groups: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for row_key, path in rows:
        if row_key in result_rows:
            group = row_parts(row_key)[0]
            groups.setdefault(group, []).append(f"t3.{row_key}.total")
            labels[group] = path[1]
    return tuple(Group(g, labels[g], _unnumbered(labels[g]), tuple(keys)) for g, keys in groups.items())


def _unnumbered(label: str) -> str:
    """（三）不予公开 → 不予公开; （二）部分公开（区分处理的…） → 部分公开."""
    text = label.split("）", 1)[1] if label.startswith("（") else label
    return text.split("（", 1)[0]


def review_groups(groups: list[tuple[str, str]], cols: list[tuple[str, str]]) -> tuple[Group, ...]:
    """Table 四's groups, each with the keys of its parts (维持, 纠正, 其他, 尚未审结)."""
    return tuple(Group(g, label, label, tuple(f"t4.{g}.{c}" for c, _ in cols if c != "total"), total=f"t4.{g}.total")
                 for g, label in groups)


def previous_t3(cols: list[tuple[str, str]]) -> list[Field]:
    applicant = [k for k, _ in cols if k != "total"]
    out = []
    for col, label in cols:
        key = f"previous.t3.carried_forward.{col}"
        derived = tuple(f"previous.t3.carried_forward.{c}" for c in applicant) if col == "total" else ()
        out.append(Field(key, "previous", f"上年数据 表三 “四、结转下年度继续办理” {label}",
                         required=False, derived_from=derived, place="上年数据 表三",
                         row=("四、结转下年度继续办理",), column=(label,), row_key=("t3", "carried_forward"),
                         col_key=col))
    return out


def table4(
    name: str,
    heading: str,
    header: list[GridCell],
    groups: list[tuple[str, str]],
    cols: list[tuple[str, str]],
) -> tuple[Table, list[Field]]:
    header_rows = 1 + max(c.row + c.rowspan - 1 for c in header)
    headers = column_paths(header, 0)
    cells = list(header)
    fields = []
    col = 0
    for group, group_label in groups:
        parts = tuple(f"t4.{group}.{c}" for c, _ in cols if c != "total")
        for c, c_label in cols:
            key = f"t4.{group}.{c}"
            cells.append(GridCell(header_rows, col, "value", key=key))
            labels: _Labels = {"place": name, "column": headers[col], "row_key": (group,), "col_key": c}
            col += 1
            if c == "total":
                fields.append(Field(
                    key, "t4", f"{name} {group_label} {c_label}", derived_from=parts, derived_rule="t4-sum", **labels,
                    derived_message=f"{name} {group_label}：结果维持、结果纠正、其他结果、尚未审结之和"
                                    f"（{{expected}}）不等于“总计”（{{actual}}），请核对本组各项"))
            else:
                fields.append(Field(key, "t4", f"{name} {group_label} {c_label}", **labels))
    table = Table(
        id="t4", name=name, heading=heading, n_rows=header_rows + 1, n_cols=col, cells=tuple(cells),
        label_cols=0, header_rows=header_rows, col_widths=(7,) * col,
    )
    return table, fields


def table2(
    name: str,
    heading: str,
    blocks: list[SubTable],
    types: dict[str, ValueType],
    units: dict[str, str],
    extras: Sequence[Field] = (),
) -> tuple[Table, list[Field]]:
    n_value_cols = max(len(headers) for _, headers, _ in blocks)
    cells, n_rows = sub_tables(blocks, n_value_cols)
    fields = []
    for title, headers, items in blocks:
        for label, item, keys in items:
            for header, k in zip(headers, keys):
                key = f"t2.{item}.{k}"
                unit_key = next((e.key for e in extras if e.key == f"{key}_unit"), "")
                fields.append(Field(key, "t2", f"{name} {title} “{label}” {header}",
                                    types.get(key, "int"), unit=units.get(key, ""), unit_key=unit_key,
                                    place=name, row=(title, label), column=(header,), row_key=(item,), col_key=k))
    table = Table(
        id="t2", name=name, heading=heading, n_rows=n_rows, n_cols=1 + n_value_cols, cells=tuple(cells),
        label_cols=1, header_rows=0, col_widths=(24,) + (16,) * n_value_cols,
        extras=tuple(f.key for f in extras),
    )
    return table, fields + list(extras)
