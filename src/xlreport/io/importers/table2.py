"""Importer: table 二, items by their labels and columns by the headers, in either version."""

from __future__ import annotations

import re

from xlreport.io.importers.document import Table
from xlreport.io.importers.labels import (
    LABEL_MIN,
    ItemSpec,
    Label,
    nfkc,
    parse_label,
    prepared,
    similarity,
)
from xlreport.io.importers.tables import Imported, Place, _is_value_like, _put, _rows, printed_twice
from xlreport.io.importers.values import parse_value
from xlreport.model.spec import ReportFormat


def match_t2(table: Table, out: Imported, target: ReportFormat, caption: str) -> int:
    items = prepared()["items"]
    place = Place(table)
    title = parse_label(caption) if caption else None
    headers: list[Label] = []
    matched = 0
    for r, cells in enumerate(_rows(table)):
        texts = [c for c in cells if c.text.strip()]
        if not texts:
            continue
        first = parse_label(texts[0].text)
        if len(texts) == 1 and not _is_value_like(texts[0]):  # a title row 第二十条第（X）项
            title = first
            headers = []
            continue
        rest = cells[cells.index(texts[0]) + 1:]
        # a header row 信息内容 | 本年制发件数 …: no figure, nor a cell with digits that is no number
        # (「447 228」 is a value printed so that it cannot be read, reported as printed, not a header)
        if rest and not any(_is_value_like(c) or any(ch.isdigit() for ch in nfkc(c.text)) for c in rest):
            headers = [parse_label(c.text) for c in rest]
            continue
        scored = []
        for spec in items:
            score = similarity(first, spec.label)
            if title is not None and score >= LABEL_MIN:
                score += 0.1 * similarity(title, spec.title)
            if headers:
                score += 0.1 * max(similarity(headers[0], h) for _, h in spec.columns)
            score += 0.01 if spec.fmt is target else 0
            scored.append((score, spec))
        score, spec = max(scored, key=lambda x: x[0])
        if score < LABEL_MIN:
            if any(_is_value_like(c) and c.text.strip() for c in rest):
                out.notes.append(f"表二 第{table.index}张表第{r + 1}行“{texts[0].text}”不是官方表格的行，未读入")
            continue
        matched += 1
        # The item is known by its label; its columns by the headers, in either version
        # (「规范性文件」 is the V2019 label, but a V2021 table may print it under V2021 headers).
        same = [i for i in items if i.prefix == spec.prefix]
        same.sort(key=lambda i: i.fmt is not target)
        cols = _t2_columns(same, headers, len(rest), out)
        heading = same[0].fmt.field(f"{spec.prefix}.{same[0].columns[0][0]}").row[0]
        read = [(f"{spec.prefix}.{col[1]}", cell) for cell, col in zip(rest, cols) if col is not None]
        if any(key in out.cells for key, _ in read):  # printed again (last year's table for comparison)
            out.notes.append(f"表二 {heading} “{texts[0].text}”出现了不止一次，只读入第一次")
            printed_twice(out, out.twice, table.index, [k for k, _ in read], [parse_value(c.text).value for _, c in read],
                          place(r, f"表二 {heading} “{texts[0].text}”"), "表二")
            continue
        for cell, col in zip(rest, cols):
            if col is None:
                continue
            col_spec, col = col
            key = f"{spec.prefix}.{col}"
            header = next(h.raw for k, h in col_spec.columns if k == col)
            if not target.has(key):
                out.versions.setdefault("表二", {}).setdefault(col_spec.fmt.version, []).append(
                    (header, place(r, f"表二 {heading} “{texts[0].text}” {header}")))
                if cell.text.strip():
                    out.notes.append(f"表二 {heading} “{texts[0].text}” {header}（{cell.text}）是 {col_spec.fmt.version} "
                                     f"版格式的项目，{target.version} 版格式中没有，未读入")
                continue
            where = place(r, f"表二 {heading} “{texts[0].text}” {target.field(key).column[-1]}")
            printed = headers[rest.index(cell)].raw if len(headers) == len(rest) else ""
            _put(out, key, cell, where, column_unit=_unit(printed) if target.field(key).unit else "")
            unit = parse_value(cell.text).unit
            unit_key = target.field(key).unit_key
            if unit and unit_key:  # V2019 采购总金额 printed with 元 or 万元
                if unit in [v for v, _ in target.field(unit_key).choices]:
                    out.data[unit_key] = unit
                    out.cells[unit_key] = where
            elif unit_key and out.data.get(key) == 0:  # an amount of 0 needs no unit
                out.data[unit_key] = target.field(unit_key).choices[0][0]
                out.cells[unit_key] = where
                out.notes.append(f"{where}：金额为 0，没有写单位（0 不需要单位），单位按“{out.data[unit_key]}”记录")
    return matched


def _unit(header: str) -> str:
    """The unit a printed header gives its column: 「本年收费金额（单位：元）」 → 元."""
    m = re.search(r"单位[:：]?\s*(万元|元)", nfkc(header))
    return m.group(1) if m else ""


def _t2_columns(specs: list[ItemSpec], headers: list[Label], n: int, out: Imported):
    """(spec, column key) per value cell: by the headers where there are as many, else by position
    in the report year's version (the first spec)."""
    if not headers or len(headers) != n:
        keys = [(specs[0], k) for k, _ in specs[0].columns]
        return keys[:n] + [None] * max(0, n - len(keys))
    cols = []
    for h in headers:
        best = max(((similarity(h, lab) + (0.01 if i == 0 else 0), spec, k)
                    for i, spec in enumerate(specs) for k, lab in spec.columns), key=lambda x: x[0])
        cols.append((best[1], best[2]) if best[0] >= LABEL_MIN else None)
        if best[0] < LABEL_MIN:
            out.notes.append(f"表二 表头“{h.raw}”不是官方表头，该列未读入")
    return cols


