"""Chronology rows: UK date parsing, and the CSV/XLSX import with its guards.

An import is all or nothing: every row is checked with the same form the online chronology uses,
errors are listed by spreadsheet row number and column name, and nothing is saved unless every row
is valid (the view calls the service only with a clean result).
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings

from .forms import ChronologyEntryForm
from .models import ChronologyEntry

Precision = ChronologyEntry.Precision

# --- Dates as people in the UK write them -----------------------------------------------------

_DAY_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B, %Y",
    "%A %d %B %Y",
)
_MONTH_FORMATS = ("%B %Y", "%b %Y", "%m/%Y", "%Y-%m")
_APPROX = re.compile(r"^(c\.?|circa|approx\.?|approximately|about|around|~)\s*", re.IGNORECASE)
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)


def parse_uk_date(text):
    """'03/02/2026' -> (date, 'day'); 'March 2026' -> (1 March 2026, 'month'); 'c. 3 March 2026' ->
    (date, 'approximate'). Raises ValueError with a message a person can act on."""
    if isinstance(text, datetime.datetime):
        return text.date(), Precision.DAY
    if isinstance(text, datetime.date):
        return text, Precision.DAY
    raw = " ".join(str(text or "").split())
    if not raw:
        raise ValueError("Enter a date.")
    approximate = bool(_APPROX.match(raw))
    cleaned = _ORDINAL.sub(r"\1", _APPROX.sub("", raw)).strip()
    # Spreadsheets turn a typed date into "2026-02-03 00:00:00" when saved as text.
    cleaned = re.sub(r"[ T]00:00(:00)?$", "", cleaned)
    for fmt in _DAY_FORMATS:
        try:
            value = datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return value, Precision.APPROXIMATE if approximate else Precision.DAY
    for fmt in _MONTH_FORMATS:
        try:
            value = datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        return value, Precision.APPROXIMATE if approximate else Precision.MONTH
    raise ValueError(f"“{raw[:40]}” is not a date. Use dd/mm/yyyy, or a month such as March 2026.")


def format_uk_date(value, precision):
    """The text the chronology form shows for a stored date (parse_uk_date reads it back)."""
    if value is None:
        return ""
    if precision == Precision.MONTH:
        return value.strftime("%B %Y")
    return value.strftime("%d/%m/%Y")


# --- The import columns ------------------------------------------------------------------------

# (form field, column heading in the template, other headings accepted)
COLUMNS = [
    ("date", "Date", {"event date", "date of event"}),
    ("date_precision", "Date precision", {"precision"}),
    ("time", "Time", {"time of event"}),
    ("what_happened", "What happened", {"event", "description", "what"}),
    ("who_involved", "Who was involved (by role)", {"who was involved", "who", "who involved", "roles"}),
    ("source", "Source document", {"source"}),
    ("significance", "Significance", {"why significant"}),
    ("is_key_event", "Key event", {"key", "key event?"}),
]
COLUMN_HEADING = {name: heading for name, heading, _ in COLUMNS}
REQUIRED_COLUMNS = ("date", "what_happened")
MAX_ROWS = 2000
# Before openpyxl parses anything: a real chronology workbook has a few dozen parts and a few MB of XML.
XLSX_MAX_ENTRIES = 200
XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024
# The worksheet itself, checked by a streaming scan before openpyxl reads it: a chronology uses eight
# columns (a few more are tolerated and ignored), and a row or two of headings and blank lines
# around its rows. A declared size past these is refused, whatever the file's size on disk (a 5 KB
# workbook can declare column XFD, and openpyxl would fill every row out to it).
XLSX_MAX_COLUMNS = 40
XLSX_MAX_ROWS = MAX_ROWS + 500
XLSX_MAX_CELLS = XLSX_MAX_ROWS * 12

_TRUE = {"yes", "y", "true", "1", "x", "key", "key event"}
_FALSE = {"no", "n", "false", "0", ""}
_PRECISIONS = {
    "day": Precision.DAY,
    "exact": Precision.DAY,
    "exact day": Precision.DAY,
    "month": Precision.MONTH,
    "month only": Precision.MONTH,
    "approximate": Precision.APPROXIMATE,
    "approx": Precision.APPROXIMATE,
    "approx.": Precision.APPROXIMATE,
    "circa": Precision.APPROXIMATE,
}


class ImportRefused(Exception):
    """The file as a whole cannot be read (wrong type, empty, too big, unreadable)."""


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)  # cleaned rows, ready for the service
    errors: list = field(default_factory=list)  # (row number, column heading, message)

    @property
    def ok(self):
        return not self.errors and bool(self.rows)


def _heading_key(text):
    return " ".join(str(text or "").strip().lower().replace("*", "").split())


def _map_headings(header):
    """Column index -> form field name. Unknown columns are ignored; missing required ones refused."""
    lookup = {}
    for name, heading, aliases in COLUMNS:
        for alias in {heading.lower(), *aliases}:
            lookup[alias] = name
    mapping = {}
    for index, cell in enumerate(header):
        name = lookup.get(_heading_key(cell))
        if name and name not in mapping.values():
            mapping[index] = name
    missing = [COLUMN_HEADING[n] for n in REQUIRED_COLUMNS if n not in mapping.values()]
    if missing:
        raise ImportRefused(
            "The first row must hold the column headings of the template; missing: "
            + ", ".join(f"“{m}”" for m in missing)
            + "."
        )
    return mapping


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time.min:
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_to_form_data(mapping, values):
    data = {}
    for index, name in mapping.items():
        value = values[index] if index < len(values) else None
        if name == "time" and isinstance(value, datetime.datetime):
            value = value.time()
        data[name] = _cell_text(value)
    return data


def _validate_rows(mapping, rows):
    """rows: iterable of (row number, [cell values]). Uses the chronology row form's own rules."""

    result = ImportResult()
    for number, values in rows:
        data = _row_to_form_data(mapping, values)
        if not any(data.values()):
            continue  # blank lines in a spreadsheet are not rows
        if data.get("what_happened") == EXAMPLE_ROW[3]:
            continue  # the template's example, left in
        if len(result.rows) >= MAX_ROWS:
            raise ImportRefused(f"A file may hold at most {MAX_ROWS} rows.")
        key = data.get("is_key_event", "").strip().lower()
        precision = data.get("date_precision", "").strip().lower()
        row_errors = []
        if key not in _TRUE | _FALSE:
            row_errors.append((number, COLUMN_HEADING["is_key_event"], "Enter yes or no."))
        if precision and precision not in _PRECISIONS:
            row_errors.append(
                (
                    number,
                    COLUMN_HEADING["date_precision"],
                    "Enter day, month or approximate, or leave it blank.",
                )
            )
        form_data = {
            **data,
            "date_precision": _PRECISIONS.get(precision, ""),
            "is_key_event": "on" if key in _TRUE else "",
        }
        form = ChronologyEntryForm(data=form_data, prefix=None)
        if not form.is_valid():
            for name, messages in form.errors.items():
                heading = COLUMN_HEADING.get(name, "Row")
                row_errors.extend((number, heading, m) for m in messages)
        if row_errors:
            result.errors.extend(row_errors)
        else:
            result.rows.append(form.cleaned_data)
    if not result.rows and not result.errors:
        raise ImportRefused("The file has column headings but no rows.")
    return result


# --- Reading the file --------------------------------------------------------------------------


def _read_head(upload, size):
    upload.seek(0)
    return upload.read(size)


def _check_size(upload):
    size = upload.size or 0
    if size == 0:
        raise ImportRefused("The file is empty.")
    limit = settings.RETURN_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportRefused(
            f"The file is too big ({size / 1024 / 1024:.1f} MB); the limit is {limit / 1024 / 1024:.1f} MB."
        )


def _parse_csv(content):
    if b"\x00" in content:
        raise ImportRefused("The file is not a CSV text file (it holds binary data).")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise ImportRefused("The file's text could not be read; save it as CSV UTF-8.")
    if not text.strip():
        raise ImportRefused("The file is empty.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
        mapping = _map_headings(header)
        rows = [(number, values) for number, values in enumerate(reader, start=2)]
    except csv.Error as exc:
        raise ImportRefused(f"The CSV file could not be read: {exc}.") from exc
    return _validate_rows(mapping, rows)


def _check_xlsx_container(content):
    """Refuse before parsing: not a zip, macros inside, too many parts, or a zip bomb."""
    if not content.startswith(b"PK\x03\x04"):
        raise ImportRefused("The file is named .xlsx but is not an Excel workbook.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused("The workbook is damaged and cannot be opened.") from exc
    if len(infos) > XLSX_MAX_ENTRIES:
        raise ImportRefused("The workbook has too many parts to be a chronology.")
    if sum(i.file_size for i in infos) > XLSX_MAX_UNCOMPRESSED:
        raise ImportRefused("The workbook expands to too much data to be a chronology.")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise ImportRefused("The file is named .xlsx but is not an Excel workbook.")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ImportRefused("Workbooks with macros are not accepted; save it as a plain .xlsx.")


_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


def _ref_size(ref):
    """'A1:XFD1048576' -> (16384 columns, 1048576 rows); a single cell 'H20' -> (8, 20)."""
    last = (ref or "").split(":")[-1].replace("$", "").upper()
    match = _CELL_REF.match(last)
    if not match:
        return 0, 0
    return _column_number(match.group(1)), int(match.group(2))


def _first_sheet_path(archive):
    """The part name of the workbook's first worksheet (the one imported)."""
    from defusedxml import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
    if sheet is None:
        raise ImportRefused("The workbook has no worksheet.")
    rel_id = sheet.get(f"{_NS_REL}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise ImportRefused("The workbook's first worksheet is missing.")


def _too_big(what):
    return ImportRefused(
        f"The worksheet {what}; a chronology has {len(COLUMNS)} columns and at most {MAX_ROWS:,} rows. "
        "Copy the chronology's columns into the template and import that."
    )


def _check_xlsx_sheet(content):
    """Stream through the first worksheet's XML before openpyxl sees it, refusing a declared or real
    size past the bounds (columns, rows, cells) and a damaged or truncated sheet. Memory stays flat:
    each row is dropped once counted."""
    from defusedxml import ElementTree

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        path = _first_sheet_path(archive)
        cells = rows = 0
        with archive.open(path) as stream:
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                tag = element.tag.rsplit("}", 1)[-1]
                if event == "start":
                    if tag == "dimension":
                        columns, declared_rows = _ref_size(element.get("ref"))
                        if columns > XLSX_MAX_COLUMNS:
                            raise _too_big(f"declares {columns:,} columns")
                        if declared_rows > XLSX_MAX_ROWS:
                            raise _too_big(f"declares {declared_rows:,} rows")
                    elif tag == "c":
                        cells += 1
                        if cells > XLSX_MAX_CELLS:
                            raise _too_big(f"holds more than {XLSX_MAX_CELLS:,} cells")
                        columns, _ = _ref_size(element.get("r"))
                        if columns > XLSX_MAX_COLUMNS:
                            raise _too_big(f"has data in column {element.get('r')}")
                    elif tag == "row":
                        rows += 1
                        if rows > XLSX_MAX_ROWS:
                            raise _too_big(f"holds more than {XLSX_MAX_ROWS:,} rows")
                elif tag == "row":
                    element.clear()
    except ImportRefused:
        raise
    except Exception as exc:  # a damaged zip or XML: truncated, not well formed, a part missing
        raise ImportRefused(
            "The workbook is damaged and cannot be read (part of it is missing or incomplete). "
            "Open it in Excel, save it again as .xlsx, and import that."
        ) from exc


def _parse_xlsx(content):
    import defusedxml  # noqa: F401  openpyxl uses it when installed (billion laughs, quadratic blow-up)
    import openpyxl

    _check_xlsx_container(content)
    _check_xlsx_sheet(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused("The workbook is damaged and cannot be opened.") from exc
    try:
        sheet = workbook.worksheets[0]
        # Never trust the declared size: read at most the columns a chronology can use.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS)
        header = next(rows, None)
        if header is None or not any(c not in (None, "") for c in header):
            raise ImportRefused("The file is empty.")
        mapping = _map_headings(header)
        numbered = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 200:
                raise ImportRefused(f"A file may hold at most {MAX_ROWS} rows.")
            numbered.append((number, list(values)))
        return _validate_rows(mapping, numbered)
    except ImportRefused:
        raise
    except Exception as exc:  # damage openpyxl meets only while reading the rows
        raise ImportRefused(
            "The workbook is damaged and cannot be read. Open it in Excel, save it again as .xlsx, and "
            "import that."
        ) from exc
    finally:
        workbook.close()


def chronology_import_read(upload):
    """Read an uploaded CSV or XLSX of chronology rows. Returns an ImportResult; raises ImportRefused
    when the file as a whole is unacceptable."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension == "xlsm":
        raise ImportRefused("Workbooks with macros (.xlsm) are not accepted; save it as a plain .xlsx.")
    if extension not in ("csv", "xlsx"):
        raise ImportRefused("Choose a CSV (.csv) or Excel (.xlsx) file.")
    _check_size(upload)
    content = _read_head(upload, settings.RETURN_IMPORT_MAX_BYTES + 1)
    if not content:
        raise ImportRefused("The file is empty.")
    if extension == "csv":
        if content.startswith(b"PK\x03\x04"):
            raise ImportRefused("The file is named .csv but is a workbook; save it as CSV or name it .xlsx.")
        return _parse_csv(content)
    return _parse_xlsx(content)


# --- Templates to download -----------------------------------------------------------------------

# The template's example row, in the template's columns. Left in a filled-in file, it is skipped.
EXAMPLE_ROW = [
    "03/02/2026",
    "",
    "09:30",
    "Example (replace this row): referral received from the school about a mark on the child's arm.",
    "Designated safeguarding lead; duty social worker",
    "Referral form",
    "First time the school raised a concern",
    "yes",
]

TEMPLATE_GUIDANCE = [
    ("Date", "dd/mm/yyyy (e.g. 03/02/2026), or a month (March 2026), or c. 3 March 2026 if approximate."),
    ("Date precision", "Optional: day, month or approximate. Worked out from the date when left blank."),
    ("Time", "Optional: 24-hour time, e.g. 14:30."),
    ("What happened", "Required. What your agency did or learnt."),
    ("Who was involved (by role)", "Roles only, never names: e.g. social worker, police officer, mother."),
    ("Source document", "Where this is recorded, e.g. case note, referral form."),
    ("Significance", "Why it matters to the child's safety."),
    ("Key event", "yes or no."),
]


def template_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for _, heading, _ in COLUMNS])
    writer.writerow(EXAMPLE_ROW)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx():
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Chronology"
    sheet.append([heading for _, heading, _ in COLUMNS])
    sheet.append(EXAMPLE_ROW)
    for column in "ABCDEFGH":
        sheet.column_dimensions[column].width = 24
    guidance = workbook.create_sheet("Guidance")
    guidance.append(["Column", "How to fill it in"])
    for row in TEMPLATE_GUIDANCE:
        guidance.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
