"""Cells going out to spreadsheets: one cleaning and one formula neutraliser.

Every export (CSV and XLSX) writes `export_cell(value)`. Cleaning comes first and neutralising second: a value such as "\\x01=HYPERLINK(…)"
loses its control character and is then seen to start with "=" (CWE-1236, OWASP CSV injection).
"""

import re
import unicodedata

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# C0 control characters other than tab, line feed and carriage return, and DEL: XML (so .xlsx)
# cannot hold most of them, and none means anything in a cell.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value):
    """A value as text a spreadsheet can hold: no control characters (tab, line feed and carriage
    return excepted). What is left is shown as typed."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text)


def _first_visible(text):
    """The text from its first character that is neither a space nor an invisible format character
    (zero-width space, bidi override), which would otherwise hide what the cell starts with."""
    for index, ch in enumerate(text):
        if ch != " " and unicodedata.category(ch) != "Cf":
            return text[index:]
    return ""


def neutralise(text):
    """Prefix an apostrophe to text a spreadsheet would run as a formula, so it shows as typed.
    Expects cleaned text (see export_cell): cleaning after this could expose a formula again."""
    return "'" + text if _first_visible(text).startswith(FORMULA_TRIGGERS) else text


def export_cell(value):
    """What every CSV/XLSX export writes for a value: cleaned, then neutralised."""
    return neutralise(cell_text(value))
