"""Agency names told apart and matched: for the pairs (the same agency in consecutive years)
and the roster (「洪泽区政府」 on the roster for 「淮安市洪泽区人民政府」 in the report)."""

from __future__ import annotations

import re
import unicodedata

PLACE_ENDS = "省市县区州盟旗"  # the last character of a place prefix (淮安市, 江苏省淮安市)


def name_key(name: str) -> str:
    """An agency name for comparison: NFKC (full-width letters and brackets as half-width), no spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def variant_key(name: str) -> str:
    """The name with the usual short forms spelled out: 政府 → 人民政府, 人民政府办 → 人民政府办公室
    (「区政府办」 and 「区人民政府办公室」 give the same key), a place alone → its 人民政府 (the importer
    keeps 「宿迁市」 as its title prints it). Used only where it fits one report."""
    key = re.sub(r"(?<!人民)政府", "人民政府", name_key(name))
    if re.search(r"(省|市|自治区|自治州|州|盟|区|县|旗)$", key):  # a report titled by its place alone (「宿迁市」)
        key += "人民政府"
    return re.sub(r"人民政府办(?!公)", "人民政府办公室", key)


def match_names(left: list[str], right: list[str],
                suffix: bool = False) -> tuple[list[tuple[int, int, bool]], list[int], list[int]]:
    """Match two lists of names one to one: the same name first, then the same variant where
    exactly one name on each side has it; with `suffix` (the roster, the pairs), then names
    whose variants differ only by a place prefix on either side (「洪泽区政府」 and
    「淮安市洪泽区人民政府」), where exactly one name on each side fits. Returns
    (matches (i, j, not the same name), left unmatched, right unmatched); a name that
    appears more than once on a side is not matched."""
    matches: list[tuple[int, int, bool]] = []
    free_l, free_r = set(range(len(left))), set(range(len(right)))
    for key, by_variant in ((name_key, False), (variant_key, True)):
        index_l: dict[str, list[int]] = {}
        index_r: dict[str, list[int]] = {}
        for i in sorted(free_l):
            index_l.setdefault(key(left[i]), []).append(i)
        for j in sorted(free_r):
            index_r.setdefault(key(right[j]), []).append(j)
        for k, ls in index_l.items():
            rs = index_r.get(k, [])
            if len(ls) == 1 and len(rs) == 1:
                matches.append((ls[0], rs[0], by_variant))
                free_l.discard(ls[0])
                free_r.discard(rs[0])
    if suffix:
        fits = {i: [j for j in sorted(free_r) if prefixed(variant_key(left[i]), variant_key(right[j]))]
                for i in sorted(free_l)}
        owners: dict[int, list[int]] = {}
        for i, js in fits.items():
            for j in js:
                owners.setdefault(j, []).append(i)
        for i, js in fits.items():
            if len(js) == 1 and len(owners[js[0]]) == 1:
                matches.append((i, js[0], True))
                free_l.discard(i)
                free_r.discard(js[0])
    return sorted(matches), sorted(free_l), sorted(free_r)


def is_place_suffix(short: str, full: str) -> bool:
    """Whether `full` is `short` with a place prefix: 「淮安市」+「洪泽区人民政府」."""
    return len(short) >= 3 and len(full) > len(short) and full.endswith(short) and full[-len(short) - 1] in PLACE_ENDS


def prefixed(a: str, b: str) -> bool:
    """Whether one of two names is the other with a place prefix (either way round)."""
    return is_place_suffix(a, b) or is_place_suffix(b, a)
