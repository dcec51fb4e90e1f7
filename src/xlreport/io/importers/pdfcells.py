"""PDF tables: the cells that the ruling lines drawn around them make (pdf.py's first step).

Cells are the smallest rectangles whose four corners are line crossings joined by lines (the
method of pdfplumber and Tabula); `find_cells` gives them per table, as boxes (x0, top, x1, bottom).
"""

from __future__ import annotations

SNAP = 2.5                      # points: coordinates this close are the same ruling line


def _merge(edges: list[dict], orientation: str) -> list[tuple[float, float, float]]:
    """Edges of one orientation snapped to common positions and joined along their length: (pos, start, end)."""
    if orientation == "h":
        items = sorted((e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h")
    else:
        items = sorted((e["x0"], e["top"], e["bottom"]) for e in edges if e["orientation"] == "v")
    groups: list[list[tuple[float, float, float]]] = []
    for it in items:
        if groups and it[0] - groups[-1][0][0] <= SNAP:
            groups[-1].append(it)
        else:
            groups.append([it])
    out = []
    for g in groups:
        pos = sum(i[0] for i in g) / len(g)
        spans = sorted((i[1], i[2]) for i in g)
        cur = list(spans[0])
        for s, e in spans[1:]:
            if s <= cur[1] + SNAP:
                cur[1] = max(cur[1], e)
            else:
                out.append((pos, cur[0], cur[1]))
                cur = [s, e]
        out.append((pos, cur[0], cur[1]))
    return out


def find_cells(edges: list[dict]) -> list[list[tuple[float, float, float, float]]]:
    """Tables (lists of cell boxes x0, top, x1, bottom) from ruling lines."""
    hs = _merge(edges, "h")
    vs = _merge(edges, "v")
    # crossings: (x, y) -> the indices of the horizontal and vertical line through it
    points: dict[tuple[float, float], tuple[int, int]] = {}
    for i, (y, hx0, hx1) in enumerate(hs):
        for j, (x, vy0, vy1) in enumerate(vs):
            if hx0 - SNAP <= x <= hx1 + SNAP and vy0 - SNAP <= y <= vy1 + SNAP:
                points[(x, y)] = (i, j)
    by_row: dict[float, list[float]] = {}
    by_col: dict[float, list[float]] = {}
    for x, y in points:
        by_row.setdefault(y, []).append(x)
        by_col.setdefault(x, []).append(y)
    for v in by_row.values():
        v.sort()
    for v in by_col.values():
        v.sort()

    def h_joined(y, xa, xb):
        _, s, e = hs[points[(xa, y)][0]]
        return s - SNAP <= xa and xb <= e + SNAP

    def v_joined(x, ya, yb):
        _, s, e = vs[points[(x, ya)][1]]
        return s - SNAP <= ya and yb <= e + SNAP

    cells = []
    for (x, y) in sorted(points, key=lambda pt: (pt[1], pt[0])):
        found = None
        for y2 in (yy for yy in by_col[x] if yy > y):
            if not v_joined(x, y, y2):
                break
            for x2 in (xx for xx in by_row[y] if xx > x):
                if not h_joined(y, x, x2):
                    break
                if (x2, y2) in points and v_joined(x2, y, y2) and h_joined(y2, x, x2):
                    found = (x, y, x2, y2)
                    break
            if found:
                break
        if found:
            cells.append(found)
    # tables: cells connected through shared corners
    parent = list(range(len(cells)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corner_owner: dict[tuple[float, float], int] = {}
    for i, (x0, y0, x1, y1) in enumerate(cells):
        for corner in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            if corner in corner_owner:
                parent[root(i)] = root(corner_owner[corner])
            else:
                corner_owner[corner] = i
    tables: dict[int, list] = {}
    for i, c in enumerate(cells):
        tables.setdefault(root(i), []).append(c)
    return sorted(tables.values(), key=lambda t: (min(c[1] for c in t), min(c[0] for c in t)))
