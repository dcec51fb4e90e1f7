"""Text normalisation shared by the extractors."""

from __future__ import annotations

import unicodedata

# str.split() treats NBSP, U+3000 and the other Unicode spaces as whitespace; add the zero-width ones.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


# The digits of a superscript or subscript (a note's number after a figure: 「1288<sup>1</sup>」): written as
# such, so that the figure is not read as 12881 (values.parse_value keeps a figure with them as printed).
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def clean(text: str) -> str:
    """Runs of whitespace (incl. &nbsp; and the ideographic space U+3000) -> one space; stripped."""
    return " ".join(text.translate(_ZERO_WIDTH).split())


def _wide(ch: str) -> bool:
    """CJK characters and full-width punctuation: no space is written between them and a neighbour."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_lines(lines: list[str]) -> str:
    """Join the visual lines of one paragraph (a PDF wraps text; it keeps no paragraph marks there).

    Nothing between lines where either side is a CJK character or full-width
    punctuation, or both sides are digits (a number wrapped in a narrow cell),
    or the line ends with a hyphen or slash (Word breaks 「0000-1234567」 and
    paths after them, the character is the text's); a space between Latin words.
    """
    out = ""
    for line in (ln for ln in lines if ln):
        if out and not (_wide(out[-1]) or _wide(line[0]) or out[-1] in "-/"
                        or (out[-1].isdigit() and line[0].isdigit())):
            out += " "
        out += line
    return out
