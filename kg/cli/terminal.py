r"""Make untrusted text safe to print on a terminal.

Titles, abstracts and query results come from the input; a title holding
``ESC [ 2 J`` or an OSC sequence would clear or retitle the user's terminal
(or worse) when printed as is. Before a line reaches a terminal, every
control character (C0, DEL, C1) and every bidirectional mark or override is
replaced by its visible ``\xNN`` / ``\uNNNN`` escape. Files and pipes get
the text unchanged. Stdlib only.
"""

from __future__ import annotations

import re
import sys

__all__ = ["safe_json_line", "safe_json_text", "safe_line", "safe_text", "stdout_is_terminal"]

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: In a table row or summary line: every control character, bidirectional marks and overrides.
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
#: In multi-line text: the same, but tab and line feed stay.
_UNSAFE_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_line(text: str) -> str:
    r"""Return one line of a table or summary safe for a terminal (tabs and line breaks escaped too).

    >>> print(safe_line("A \x1b[2Jtitle\u202e\tend\n"))
    A \x1b[2Jtitle\u202e\x09end\x0a
    """
    return _UNSAFE_IN_LINE.sub(_escape, text)


def safe_text(text: str) -> str:
    r"""Return multi-line text safe for a terminal: like :func:`safe_line`, keeping tabs and line breaks.

    >>> print(safe_text("one\x1b]0;owned\x07\ntwo"))
    one\x1b]0;owned\x07
    two
    """
    return _UNSAFE_IN_TEXT.sub(_escape, text)


def safe_json_line(line: str) -> str:
    r"""Return a JSON line with those characters as ``\uNNNN`` escapes: still valid JSON, same values.

    >>> import json
    >>> line = json.dumps({"title": "a\x9bb\u202e"}, ensure_ascii=False)
    >>> safe_json_line(line).isascii(), json.loads(safe_json_line(line)) == json.loads(line)
    (True, True)
    """
    return _UNSAFE_IN_LINE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def safe_json_text(text: str) -> str:
    r"""Return JSON text (one value over many lines) with those characters as ``\uNNNN`` escapes.

    Line breaks and tabs between tokens stay; inside strings JSON already escapes them.

    >>> import json
    >>> text = json.dumps({"a": ["x\x9by"]}, indent=1, ensure_ascii=False)
    >>> "\n" in safe_json_text(text), json.loads(safe_json_text(text)) == json.loads(text)
    (True, True)
    """
    return _UNSAFE_IN_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def stdout_is_terminal() -> bool:
    """Return True when standard output is a terminal (then lines are made safe)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
