"""Untrusted text made safe for the places csperf writes it: spreadsheets, XML, terminals.

Names of subjects, indicators and teams come from files and databases that csperf does not
control. Where such text could be read as something else, it is neutralised here, in one
place for every writer (see the threat model in ``docs/explanation/security.rst``):

- a spreadsheet would run a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return as a formula (CSV injection, OWASP): :func:`spreadsheet_text` prefixes ``'``, and
  :func:`unquote_spreadsheet_text` reads it back exactly;
- XML 1.0 (an ``.xlsx`` workbook) cannot hold most control characters, U+FFFE, U+FFFF or
  lone surrogates: :func:`xml_text` shows them as visible characters instead;
- a terminal obeys escape sequences: :func:`printable` shows control characters as visible
  characters instead.
"""

from __future__ import annotations

import re

__all__ = [
    "FORMULA_STARTS",
    "printable",
    "spreadsheet_text",
    "unquote_spreadsheet_text",
    "xml_text",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell's text as a formula (OWASP)."""

# C0 controls but tab, line feed and carriage return; U+FFFE and U+FFFF; lone surrogates
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# every C0 and C1 control (escape sequences start with ESC or CSI), DEL, and the bidi
# controls that can reorder what a terminal shows (Trojan Source); lone surrogates
_NOT_PRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _needs_quote(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or (text.startswith("'") and _needs_quote(text[1:]))


def spreadsheet_text(text: str) -> str:
    r"""``text`` as a CSV cell that no spreadsheet runs as a formula.

    Text starting with one of :data:`FORMULA_STARTS` gets a leading ``'`` (what Excel shows for
    a cell typed as text), as OWASP advises against CSV injection; so does text that already
    starts with ``'`` before such a character, so that :func:`unquote_spreadsheet_text` gives
    back every text exactly. Other text is left as it is.

    Examples:
        >>> spreadsheet_text('=HYPERLINK("http://x")'), spreadsheet_text("north")
        ('\'=HYPERLINK("http://x")', 'north')
        >>> spreadsheet_text("-5 team"), spreadsheet_text("'=x")
        ("'-5 team", "''=x")
    """
    return "'" + text if _needs_quote(text) else text


def unquote_spreadsheet_text(text: str) -> str:
    """The text :func:`spreadsheet_text` wrote as ``text`` (text it left alone is unchanged).

    Examples:
        >>> unquote_spreadsheet_text("'=SUM(A1)"), unquote_spreadsheet_text("'t Hooft")
        ('=SUM(A1)', "'t Hooft")
    """
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def xml_text(text: str) -> str:
    r"""``text`` with the characters XML 1.0 cannot hold shown visibly.

    A C0 control character becomes its Control Picture (ESC is ``␛``); U+FFFE, U+FFFF and a
    lone surrogate become U+FFFD. openpyxl refuses the first and writes the others into a
    workbook that no program reopens.

    Examples:
        >>> xml_text("a\x1b[31mb\ufffe")
        'a␛[31mb�'
    """
    return _NOT_XML.sub(_picture, text) if _NOT_XML.search(text) else text


def printable(text: str) -> str:
    r"""``text`` safe to print on a terminal: no control character reaches it.

    Control characters (C0, DEL, C1: escape sequences start with ESC or CSI) become their
    Control Picture or U+FFFD, as do bidirectional controls and lone surrogates; line breaks
    too, so that the text stays on one line.

    Examples:
        >>> printable("north\x1b]0;pwned\x07\n")
        'north␛]0;pwned␇␊'
    """
    return _NOT_PRINTABLE.sub(_picture, text) if _NOT_PRINTABLE.search(text) else text
