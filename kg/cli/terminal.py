"""Make untrusted text safe to print on a terminal.

Titles, abstracts and query results come from the input; a title holding
``ESC [ 2 J`` or an OSC sequence would clear or retitle the user's terminal
(or worse) when printed as is. Before a line reaches a terminal, every
control character (C0 but tab, DEL, C1) and every bidirectional override is
replaced by its visible ``\\xNN`` / ``\\uNNNN`` escape. Files and pipes get
the text unchanged. Stdlib only.
"""

from __future__ import annotations

import re
import sys

__all__ = ["safe_json_line", "safe_line", "safe_text", "stdout_is_terminal"]

#: C0 controls but tab, DEL and C1 controls, bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str, *, keep_tabs: bool = True) -> str:
    """Return ``text`` with terminal control characters shown as escapes.

    >>> safe_text("A \\x1b[2Jtitle\\u202e")
    'A \\\\x1b[2Jtitle\\\\u202e'
    """
    out = _UNSAFE.sub(_escape, text)
    return out if keep_tabs else out.replace("\t", "\\t")


def safe_line(text: str) -> str:
    """Return one line of a table or summary safe for a terminal (tabs escaped too)."""
    return safe_text(text, keep_tabs=False)


def safe_json_line(line: str) -> str:
    """Return a JSON line with those characters as ``\\uNNNN`` escapes: still valid JSON, same values.

    >>> import json
    >>> line = json.dumps({"title": "a\x9bb"}, ensure_ascii=False)
    >>> safe_json_line(line).isascii(), json.loads(safe_json_line(line)) == json.loads(line)
    (True, True)
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def stdout_is_terminal() -> bool:
    """Return True when standard output is a terminal (then lines are made safe)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
