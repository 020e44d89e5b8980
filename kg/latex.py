"""LaTeX accents in names and titles: ``Schr\\"odinger`` is Schrödinger.

arXiv abstracts and BibTeX fields write accented letters as LaTeX commands
(``\\"o``, ``{\\'e}``, ``\\c{c}``, ``\\o``). The BibTeX reader turns a whole
field into text; entity resolution only needs the letters, so that a name
written ``Schr\\"odinger Bridge`` meets ``Schrödinger Bridge`` and the label
can be the spelling a reader expects. Stdlib only.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MATH_DOLLAR", "fold_accents", "has_latex"]

#: Accent commands and the Unicode combining mark each puts on its letter.
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
}
#: Letter commands and the letter each stands for.
_SYMBOLS = {"ss": "\u00df", "o": "\u00f8", "O": "\u00d8", "ae": "\u00e6", "AE": "\u00c6", "aa": "\u00e5",
            "AA": "\u00c5", "l": "\u0142", "L": "\u0141", "i": "i", "j": "j"}
_ACCENT_CMD = re.compile(r"\\([`'^\"~=.])\s*\{?\\?([A-Za-z])\}?|\\([uvHck])\s*\{\\?([A-Za-z])\}|\\([uvHck]) ([A-Za-z])")
_SYMBOL_CMD = re.compile(r"\\(ss|ae|AE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s?")
#: An accent command with its letter in braces of their own: ``{\\"o}``, ``{\\H o}``.
_BRACED_CMD = re.compile(
    r"\{(\\(?:[`'^\"~=.]\s*\{?\\?[A-Za-z]\}?|[uvHck]\s*\{\\?[A-Za-z]\}|[uvHck] [A-Za-z]))\}"
)
#: A letter command turned into Unicode, still in its braces: ``{\\o}`` -> ``{ø}``.
_BRACED_LETTER = re.compile(r"\{([^\x00-\x7f])\}")
#: An inline-math dollar: not an escaped "\\$", but one after a LaTeX line break "\\\\" is.
MATH_DOLLAR = re.compile(r"(?<!\\)\$|(?<=\\\\)\$")
#: A LaTeX command or an inline-math dollar.
_LATEX = re.compile(rf"\\[A-Za-z\"'`^~=.]|{MATH_DOLLAR.pattern}")


def fold_accents(text: str) -> str:
    r"""Return ``text`` with LaTeX accent and letter commands as Unicode letters.

    >>> fold_accents(r'Schr\"odinger, G{\"o}del, \c{C}a\u{g}lar, Kl{\o}ve, $\alpha$')
    'Schrödinger, Gödel, Çağlar, Kløve, $\\alpha$'
    """
    if "\\" not in text:
        return text

    def accent(m: re.Match[str]) -> str:
        mark, letter = (m.group(1), m.group(2)) if m.group(1) else (m.group(3) or m.group(5), m.group(4) or m.group(6))
        return unicodedata.normalize("NFC", letter + _ACCENTS[mark])

    text = _SYMBOL_CMD.sub(lambda m: _SYMBOLS[m.group(1)], text)
    text = _ACCENT_CMD.sub(accent, _BRACED_CMD.sub(r"\1", text))
    return _BRACED_LETTER.sub(r"\1", text)


def has_latex(text: str) -> bool:
    r"""Tell whether ``text`` holds a LaTeX command or inline math (a label would rather not).

    >>> has_latex(r'Schr\"odinger'), has_latex('$k$-means'), has_latex('Schrödinger'), has_latex(r'costs \$5')
    (True, True, False, False)
    """
    return bool(_LATEX.search(text))
